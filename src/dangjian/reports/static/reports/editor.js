// 汇报材料 editor: a click on a marked figure opens the panel with what it counted (from the link's
// data attributes) and a link to the records; a plain click never leaves the page, ctrl/⌘-click does.
(function () {
  "use strict";
  function init() {
    var panel = document.getElementById("figure-panel");
    if (!panel) return;
    var selected = null;
    function field(name) { return panel.querySelector('[data-field="' + name + '"]'); }
    document.addEventListener("click", function (event) {
      var mark = event.target.closest("a.report-figure");
      if (mark && !(event.ctrlKey || event.metaKey || event.shiftKey)) {
        event.preventDefault();
        if (selected) selected.classList.remove("is-selected");
        selected = mark;
        mark.classList.add("is-selected");
        var data = mark.dataset;
        field("label").textContent = data.label + "（〔数:" + data.number + "〕）";
        field("description").textContent = data.description || "";
        field("org").textContent = data.org;
        field("period").textContent = data.period;
        field("value").textContent = (data.value || "—") + "，文中写作“" + mark.textContent + "”";
        field("now").textContent = data.now === data.value ? "与记录一致" : (data.now || "—") + "（记录已变化，请更新）";
        field("link").setAttribute("href", mark.getAttribute("href"));
        panel.hidden = false;
      } else if (event.target.closest("[data-close]")) {
        panel.hidden = true;
        if (selected) selected.classList.remove("is-selected");
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
