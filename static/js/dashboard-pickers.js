// The period picker shows the fields its kind needs: a day in the period, or a custom range.
// Without script all of them are shown; the server reads the ones the kind names.
(() => {
  const form = document.getElementById("dashboard-pickers");
  if (!form) return;
  const kind = form.elements.period;
  function show() {
    const custom = kind.value === "custom";
    for (const part of form.querySelectorAll("[data-period-part]")) {
      part.hidden = (part.dataset.periodPart === "custom") !== custom;
    }
  }
  kind.addEventListener("change", show);
  show();
})();
