/* Progressive enhancement for the public forms: conditional fields and error focus.
   Everything works without this script: all fields are then shown, with an "only if" hint. */
(function () {
  "use strict";

  function chosenValues(form, name) {
    var values = [];
    form.querySelectorAll("[name]").forEach(function (el) {
      if (el.name !== name) { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        if (el.checked) { values.push(el.value); }
      } else if (el.value) {
        values.push(el.value);
      }
    });
    return values;
  }

  function update(form) {
    // Document order: a field that depends on a hidden field is hidden too.
    form.querySelectorAll("[data-show-if-field]").forEach(function (group) {
      var name = group.getAttribute("data-show-if-field");
      var wanted = JSON.parse(group.getAttribute("data-show-if-values") || "[]");
      var controller = document.getElementById("f-" + name + "-group");
      var controllerShown = !controller || !controller.hidden;
      var show = controllerShown && chosenValues(form, name).some(function (v) {
        return wanted.indexOf(v) !== -1;
      });
      group.hidden = !show;
    });
  }

  document.querySelectorAll("form[data-ek-form]").forEach(function (form) {
    form.classList.add("ek-js");
    update(form);
    form.addEventListener("change", function () { update(form); });
  });

  // The error summary takes focus so screen readers announce it; its links move focus to the
  // field itself (a plain #anchor would only scroll).
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var target = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!target) { return; }
      event.preventDefault();
      target.focus();
      target.scrollIntoView({ block: "center" });
    });
  }

  document.querySelectorAll("[data-ek-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
