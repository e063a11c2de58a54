// The pickers of the office's forms (templates/office/_pupil_picker.html and the pupil
// page's parent search). htmx fetches the matches while the admin types; this file keeps
// what they ticked and lets Enter and the "Search" button search in place instead of
// sending the whole form, which is what they do without JavaScript.

function searchFrom(picker) {
  const query = picker.querySelector("[data-picker-query]");
  if (query && window.htmx) {
    window.htmx.trigger(query, "search");
  }
}

document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.matches("[data-picker-query]")) {
    event.preventDefault();
    searchFrom(event.target.closest("[data-picker]"));
  }
});

document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-picker-search]");
  if (button && window.htmx) {
    event.preventDefault();
    searchFrom(button.closest("[data-picker]"));
  }
});

// New matches replace the old ones: the ticked ones join the chosen first, so that a
// second search does not undo the first one's ticks.
document.addEventListener("htmx:beforeSwap", (event) => {
  const picker = event.detail.target.closest("[data-picker]");
  const chosen = picker && picker.querySelector("[data-picker-chosen]");
  if (!chosen) {
    return;
  }
  for (const box of event.detail.target.querySelectorAll("input[type=checkbox]:checked")) {
    for (const twin of chosen.querySelectorAll("input[type=checkbox]")) {
      if (twin.value === box.value) {
        twin.closest("li").remove();
      }
    }
    chosen.append(box.closest("li"));
  }
  const none = picker.querySelector("[data-picker-none]");
  if (none) {
    none.hidden = chosen.children.length > 0;
  }
});
