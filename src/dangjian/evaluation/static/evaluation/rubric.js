// The rubric editor: show only the fields of an item's scoring method (no inline script: CSP).
// A field marked data-methods="computed deduction" is shown for those methods; for a computed item the
// deduction fields show only with the per-occurrence rule and the threshold only with the other rules.
(function () {
  "use strict";

  function fieldShown(input, method, rule) {
    const methods = (input.dataset.methods || "").split(" ");
    if (!methods.includes(method)) {
      return false;
    }
    if (method !== "computed") {
      return true;
    }
    if (input.name.endsWith("threshold")) {
      return rule !== "per_occurrence";
    }
    if (input.name.endsWith("per_occurrence") || input.name.endsWith("floor")) {
      return rule === "per_occurrence";
    }
    return true;
  }

  function refresh(form) {
    const method = form.querySelector("select[name$='method']");
    if (!method) {
      return;
    }
    const rule = form.querySelector("select[name$='rule']");
    form.querySelectorAll("[data-methods]").forEach(function (input) {
      const wrap = input.closest(".field-wrap");
      if (wrap) {
        wrap.hidden = !fieldShown(input, method.value, rule ? rule.value : "");
      }
    });
  }

  function refreshAll(root) {
    root.querySelectorAll("form.item-form").forEach(refresh);
  }

  document.addEventListener("change", function (event) {
    const form = event.target.closest("form.item-form");
    if (form) {
      refresh(form);
    }
  });
  document.addEventListener("htmx:load", function (event) {
    refreshAll(event.detail.elt.parentElement || document);
  });
  document.addEventListener("DOMContentLoaded", function () {
    refreshAll(document);
  });
})();
