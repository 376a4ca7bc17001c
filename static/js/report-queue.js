// Reports typed without a connection wait on the phone (IndexedDB, photos included) and are sent
// when the connection returns: at page load and on the "online" event. The form's idempotency
// key travels with each, so a report sent twice (the answer lost on a weak signal) files one case.
// A report the server refuses (400/403) stays, with the reason shown; the worker retypes it.

const DB = "workstation";
const STORE = "pending-reports";
const section = document.getElementById("pending");

function open() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function run(mode, work) {
  const db = await open();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, mode);
    const result = work(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(result.result);
    tx.onerror = () => reject(tx.error);
  });
}

const all = () => run("readonly", (store) => store.getAll());
const put = (report) => run("readwrite", (store) => store.put(report));
const remove = (key) => run("readwrite", (store) => store.delete(key));

/** Keep a report for later: FormData cannot be stored, its entries (File blobs too) can. */
export async function queueReport(data) {
  const entries = [...data.entries()].filter(([name]) => name !== "csrfmiddlewaretoken");
  await put({ key: data.get("idempotency_key"), title: data.get("title"), savedAt: Date.now(), entries, error: "" });
  await render();
}

async function render() {
  if (!section) return;
  const reports = await all();
  const list = section.querySelector("ol");
  list.replaceChildren(
    ...reports.map((report) => {
      const item = document.createElement("li");
      item.className = "case-row pending-row";
      const title = document.createElement("p");
      title.className = "title";
      title.textContent = report.title;
      const state = document.createElement("p");
      state.className = "meta";
      const tag = document.createElement("span");
      tag.className = "status status-pending";
      tag.textContent = section.dataset.waiting;
      const photos = report.entries.filter(([, value]) => value instanceof Blob && value.size).length;
      state.append(tag, ` ${new Date(report.savedAt).toLocaleString()}`);
      if (photos) state.append(` · ${section.dataset.photos.replace("{count}", photos)}`);
      item.append(title, state);
      if (report.error) {
        const reason = document.createElement("p");
        reason.className = "errorlist";
        reason.textContent = `${section.dataset.refused}${report.error}`;
        const discard = document.createElement("button");
        discard.type = "button";
        discard.className = "quiet";
        discard.textContent = section.dataset.discard;
        discard.addEventListener("click", () => remove(report.key).then(render));
        item.append(reason, discard);
      }
      return item;
    }),
  );
  section.hidden = reports.length === 0;
}

function reasons(html) {
  const page = new DOMParser().parseFromString(html, "text/html");
  return [...page.querySelectorAll("#report-form .errorlist li")].map((li) => li.textContent).join("；");
}

let flushing = false;

async function flush() {
  if (flushing || !navigator.onLine || !section) return;
  flushing = true;
  let sent = 0;
  try {
    for (const report of await all()) {
      if (report.error) continue; // refused as typed: sending it again changes nothing
      const body = new FormData();
      for (const [name, value] of report.entries) body.append(name, value);
      let response;
      try {
        response = await fetch(section.dataset.reportUrl, {
          method: "POST",
          body,
          headers: { "X-CSRFToken": section.dataset.csrf },
          redirect: "manual", // filed: the answer is a redirect to the case
        });
      } catch {
        break; // the connection went again: the next "online" event tries the rest
      }
      if (response.type === "opaqueredirect" || response.ok) {
        await remove(report.key);
        sent += 1;
      } else if (response.status === 400 || response.status === 403) {
        await put({ ...report, error: reasons(await response.text()) });
      }
    }
  } finally {
    flushing = false;
    await render();
  }
  if (sent && document.getElementById("case-list")) {
    window.htmx.ajax("GET", location.pathname + location.search, { target: "#case-list", swap: "outerHTML" });
  }
}

window.addEventListener("online", flush);
render().then(flush);
