// The mediation round's outside participants (律师, 老娘舅, 当事人 …): "添加参与人" adds a row from
// the form's <template>. Without this script the form still posts its rows, one empty row each time.
for (const box of document.querySelectorAll("fieldset.outside[data-next-index]")) {
  const button = box.querySelector(".add-outside");
  const rows = box.querySelector(".outside-rows");
  const template = box.querySelector("template.outside-template");
  if (!button || !rows || !template) continue;
  button.hidden = false;
  button.addEventListener("click", () => {
    const index = box.dataset.nextIndex;
    box.dataset.nextIndex = String(Number(index) + 1);
    rows.insertAdjacentHTML("beforeend", template.innerHTML.replaceAll("__index__", index));
    rows.querySelector(`[name="outside-${index}-name"]`).focus();
  });
}
