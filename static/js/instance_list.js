// The instance lists' bulk bar says what it will act on: the selected ids, or everything matching
// (the filter in words and its count, which the server fills in). No inline scripts: the CSP forbids them.
const SPELLED_OUT = 3; // more selected ids than this are counted, not listed

function showScope(bar) {
  const scope = bar.querySelector('select[name="scope"]').value;
  for (const part of bar.querySelectorAll("[data-scope]")) part.hidden = part.dataset.scope !== scope;
  const ids = [...document.querySelectorAll('input[name="ids"][form="bulk-form"]:checked')].map((box) => box.value);
  const words = bar.querySelector(".bulk-selected");
  if (!ids.length) words.textContent = "none yet (tick rows)";
  else if (ids.length > SPELLED_OUT) words.textContent = `${ids.length} instances`;
  else words.textContent = `${ids.length} instance${ids.length > 1 ? "s" : ""} (${ids.join(", ")})`;
}

function bulkBar() {
  return document.getElementById("bulk-form");
}

document.addEventListener("change", (event) => {
  const bar = bulkBar();
  if (!bar) return;
  if (event.target.matches('input[name="ids"][form="bulk-form"]') && event.target.checked) {
    bar.querySelector('select[name="scope"]').value = "selected"; // ticking a row means: these
  }
  if (event.target.matches('input[name="ids"], select[name="scope"]')) showScope(bar);
});

// Once at load and after every swap of the results (a page, a sorting): the bar is drawn anew.
for (const name of ["DOMContentLoaded", "htmx:afterSettle"]) {
  document.addEventListener(name, () => {
    const bar = bulkBar();
    if (!bar) return;
    const scope = bar.querySelector('select[name="scope"]');
    if (!document.querySelector('input[name="ids"][form="bulk-form"]:checked')) scope.value = "all";
    showScope(bar);
  });
}
