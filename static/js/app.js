// Rendezvous: the little behaviour pages need beyond htmx. Loaded from a file because the
// Content-Security-Policy allows no inline script or event handler attributes.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
