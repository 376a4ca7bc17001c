// The report form on a phone: add parties, use my location, photos checked and previewed before
// upload, and a submit that survives a refusal and a lost connection.
//
// Photos across a refused submit: the browser never refills a file input, so this module keeps
// the File objects the worker picked and, when the server answers 400/403 with the form again
// (the reason beside each field, everything else typed kept by the server), puts them back into
// the new form's file input and previews. Offline, the whole report goes to the phone's queue
// (report-queue.js). Without this script the form still posts; only the photos need picking again.
import { queueReport } from "./report-queue.js";

let photos = []; // the photos kept for this report, in the order picked

function addParty(form) {
  const total = form.querySelector("[name=parties-TOTAL_FORMS]");
  const max = Number(form.querySelector("[name=parties-MAX_NUM_FORMS]").value);
  const button = form.querySelector("#add-party");
  button.hidden = false;
  button.addEventListener("click", () => {
    const index = Number(total.value);
    const html = form.querySelector("#party-template").innerHTML.replaceAll("__prefix__", String(index));
    form.querySelector("#party-forms").insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    button.hidden = index + 1 >= max;
    form.querySelector(`[name=parties-${index}-name]`).focus();
  });
}

function locate(form) {
  const button = form.querySelector("#locate");
  const status = form.querySelector("#location-status");
  if (!("geolocation" in navigator)) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    status.textContent = button.dataset.locating;
    navigator.geolocation.getCurrentPosition(
      ({ coords }) => {
        form.querySelector("[name=latitude]").value = coords.latitude.toFixed(6);
        form.querySelector("[name=longitude]").value = coords.longitude.toFixed(6);
        status.textContent = button.dataset.located;
      },
      () => (status.textContent = button.dataset.failed),
      { enableHighAccuracy: true, timeout: 15000 },
    );
  });
}

function showPhotos(form) {
  const input = form.querySelector("[name=photos]");
  const list = form.querySelector("#photo-previews");
  const kept = new DataTransfer();
  for (const photo of photos) kept.items.add(photo);
  input.files = kept.files;
  list.replaceChildren(
    ...photos.map((photo) => {
      const item = document.createElement("li");
      const image = document.createElement("img");
      image.src = URL.createObjectURL(photo);
      image.alt = photo.name;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "quiet";
      remove.textContent = list.dataset.remove;
      remove.addEventListener("click", () => {
        photos = photos.filter((other) => other !== photo);
        showPhotos(form);
      });
      item.append(image, remove);
      return item;
    }),
  );
}

function checkPhotos(form) {
  const input = form.querySelector("[name=photos]");
  const problems = form.querySelector("#photo-problems");
  const types = input.dataset.types.split(",");
  const maxBytes = Number(input.dataset.maxBytes);
  const maxCount = Number(input.dataset.maxCount);
  const maxTotal = Number(input.dataset.maxTotalBytes);
  input.addEventListener("change", () => {
    const refused = [];
    for (const file of input.files) {
      const total = photos.reduce((sum, photo) => sum + photo.size, file.size);
      if (!types.includes(file.type)) refused.push(`${file.name}：${problems.dataset.notImage}`);
      else if (file.size === 0) refused.push(`${file.name}：${problems.dataset.empty}`);
      else if (file.size > maxBytes) refused.push(`${file.name}：${problems.dataset.tooBig}`);
      else if (photos.length >= maxCount) refused.push(`${file.name}：${problems.dataset.tooMany}`);
      else if (total > maxTotal) refused.push(`${file.name}：${problems.dataset.tooMuch}`);
      else photos.push(file);
    }
    problems.textContent = refused.join("；");
    showPhotos(form);
  });
}

function clear(form) {
  const typed = "input[type=text], input[type=tel], textarea, [name=latitude], [name=longitude]";
  for (const field of form.querySelectorAll(typed)) field.value = "";
  for (const select of form.querySelectorAll("select:not([name=grid])")) {
    select.selectedIndex = Math.max(0, [...select.options].findIndex((option) => option.defaultSelected));
  }
  form.querySelector("[name=idempotency_key]").value = crypto.randomUUID(); // the next report is another
  form.querySelector("#location-status").textContent = "";
  form.querySelector("#suggestion").replaceChildren();
  photos = [];
  showPhotos(form);
}

async function keep(form, data, status) {
  await queueReport(data);
  clear(form);
  status.textContent = form.dataset.offline;
}

function submit(form) {
  const status = form.querySelector("#report-status");
  const button = form.querySelector("[type=submit]");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    if (!navigator.onLine) return keep(form, data, status);
    button.disabled = true; // a double tap sends once (and the key would make it one case anyway)
    status.textContent = form.dataset.sending;
    let response;
    try {
      response = await fetch(form.action, { method: "POST", body: data });
    } catch {
      button.disabled = false;
      return keep(form, data, status);
    }
    if (response.ok && response.redirected) return location.assign(response.url);
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const again = page.getElementById("report-form");
    if (!again) {
      button.disabled = false;
      status.textContent = `${response.status} ${response.statusText}`;
      return;
    }
    form.replaceWith(again);
    setUp(again);
    window.htmx.process(again);
    again.querySelector(".errorlist, [aria-invalid=true]")?.scrollIntoView({ block: "center" });
  });
}

function setUp(form) {
  addParty(form);
  locate(form);
  checkPhotos(form);
  submit(form);
  showPhotos(form);
}

setUp(document.getElementById("report-form"));
