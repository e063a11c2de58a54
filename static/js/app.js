// Rendezvous: the little behaviour pages need beyond htmx. Loaded from a file because the
// Content-Security-Policy allows no inline script or event handler attributes. Every page
// works without it.

// Buttons marked data-print open the browser's print dialog.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// The phone menu (a <details>) closes on Escape and on a click elsewhere, as menus do.
document.addEventListener("keydown", (event) => {
  const menu = document.querySelector(".site-menu[open]");
  if (event.key === "Escape" && menu) {
    menu.open = false;
    menu.querySelector("summary").focus();
  }
});
document.addEventListener("click", (event) => {
  const menu = document.querySelector(".site-menu[open]");
  if (menu && !menu.contains(event.target)) {
    menu.open = false;
  }
});

// Buttons marked data-copy="<input id>" copy that field's text and say so for a moment.
document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-copy]");
  if (!button) {
    return;
  }
  const field = document.getElementById(button.dataset.copy);
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
  } catch {
    return; // no clipboard (an http page): the text stays selected for copying by hand
  }
  const label = button.textContent;
  button.textContent = button.dataset.copied;
  setTimeout(() => { button.textContent = label; }, 2000);
});

// The busy page (503) of a page asked for loads itself again after the seconds its
// Retry-After asks for, unless the person stops it: reading it, or hearing it read, is not
// cut short. Without this script it stays, with its "Try again" button.
const reload = document.querySelector("[data-reload-after]");
if (reload) {
  const stop = document.querySelector("[data-reload-stop]");
  const timer = setTimeout(() => location.reload(), Number(reload.dataset.reloadAfter) * 1000);
  reload.hidden = stop.hidden = false;
  stop.addEventListener("click", () => {
    clearTimeout(timer);
    reload.hidden = stop.hidden = true;
    document.querySelector(".form-actions .button").focus(); // "Try again"
  });
}
