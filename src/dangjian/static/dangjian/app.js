// dangjian: behaviour that needs no inline script (the CSP forbids inline scripts).
document.addEventListener("click", function (event) {
  const target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.dataset.confirm)) {
    event.preventDefault();
  }
  const printer = event.target.closest("[data-print]");
  if (printer) {
    window.print();
  }
});

// A button marked data-remove-after-request disappears once its htmx request succeeded
// (e.g. "展开" after the children are loaded); hx-on would need eval, which the CSP forbids.
document.addEventListener("htmx:afterRequest", function (event) {
  const element = event.detail.elt;
  if (element && element.hasAttribute("data-remove-after-request") && event.detail.successful) {
    element.remove();
  }
});
