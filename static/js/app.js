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
