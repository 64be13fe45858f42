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
