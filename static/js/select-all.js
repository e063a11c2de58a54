// "Select all" for a group of checkboxes (templates/office/_select_all.html and the
// credentials list). Without JavaScript a button shows the form again with all ticked;
// with it, a checkbox ticks and unticks them at once and shows when some are ticked.

function groupBoxes(group) {
  return [...group.querySelectorAll("input[type=checkbox]:not([data-select-all])")];
}

function showState(group) {
  const toggle = group.querySelector("[data-select-all]");
  const boxes = groupBoxes(group);
  const ticked = boxes.filter((box) => box.checked).length;
  toggle.checked = boxes.length > 0 && ticked === boxes.length;
  toggle.indeterminate = ticked > 0 && ticked < boxes.length;
}

function setUp(root) {
  for (const group of root.querySelectorAll("[data-select-all-group]")) {
    for (const toggle of group.querySelectorAll("[data-select-all-toggle]")) {
      toggle.hidden = false;
    }
    for (const fallback of group.querySelectorAll("[data-select-all-fallback]")) {
      fallback.hidden = true;
    }
    showState(group);
  }
}

document.addEventListener("change", (event) => {
  const group = event.target.closest("[data-select-all-group]");
  if (!group) {
    return;
  }
  if (event.target.matches("[data-select-all]")) {
    for (const box of groupBoxes(group)) {
      box.checked = event.target.checked;
    }
  }
  showState(group);
});

setUp(document);
document.addEventListener("htmx:afterSettle", (event) => setUp(event.target));
