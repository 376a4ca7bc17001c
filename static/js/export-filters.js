// An export form marked data-filters-from="<form id>" sends the filters that form holds now, not
// the ones the page was drawn with (htmx changes the list, and the address, in place). Without
// this script the hidden fields of the query string are sent: the same filters on a page that
// reloads for each change.
document.addEventListener("submit", (event) => {
  const exportForm = event.target.closest("form[data-filters-from]");
  if (!exportForm) return;
  const filters = document.getElementById(exportForm.dataset.filtersFrom);
  if (!filters) return;
  for (const input of exportForm.querySelectorAll("input[type=hidden]:not([name=csrfmiddlewaretoken])")) {
    input.remove();
  }
  for (const [name, value] of new FormData(filters)) {
    if (typeof value !== "string" || value === "") continue;
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    exportForm.append(input);
  }
});
