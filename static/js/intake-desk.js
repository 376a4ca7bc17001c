// The intake desk by keyboard: j/k or the arrow keys move between reports, Enter opens one,
// a and r open the accept and reject forms of the chosen report. Without this script every
// row, link and form is still reached with Tab.
const rows = () => [...document.querySelectorAll("#intake-list .intake-row")];
const typing = (target) => target.closest("input, textarea, select, [contenteditable]");

function move(step) {
  const all = rows();
  if (!all.length) return;
  const at = all.indexOf(document.activeElement.closest(".intake-row"));
  const next = at < 0 ? (step > 0 ? 0 : all.length - 1) : Math.min(Math.max(at + step, 0), all.length - 1);
  all[next].focus();
}

function openAction(id) {
  const action = document.getElementById(id);
  if (!action) return;
  if (action.tagName === "DETAILS") action.open = true;
  const field = action.querySelector("input:not([type=hidden]), textarea, select, button");
  if (field) field.focus();
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  const keys = {
    j: () => move(1),
    ArrowDown: () => move(1),
    k: () => move(-1),
    ArrowUp: () => move(-1),
    a: () => openAction("accept"),
    r: () => openAction("reject"),
    Enter: () => event.target.closest(".intake-row")?.querySelector("a.title")?.click(),
  };
  if (!(event.key in keys)) return;
  if (event.key === "Enter" && !event.target.classList.contains("intake-row")) return;
  event.preventDefault();
  keys[event.key]();
});
