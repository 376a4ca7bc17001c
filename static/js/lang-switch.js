// The language switch submits as soon as a language is picked; without this script its
// button does the same.
for (const form of document.querySelectorAll("form.lang")) {
  const select = form.querySelector("select");
  form.querySelector("[data-without-script]").hidden = true;
  select.addEventListener("change", () => form.requestSubmit());
}
