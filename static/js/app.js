// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  function init(root) {
    root.querySelectorAll(".js-autosubmit").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
    root.querySelectorAll(".js-hide").forEach(function (el) { el.hidden = true; });
    // A table wider than the screen scrolls sideways: let keyboards reach it too.
    root.querySelectorAll(".table-wrap").forEach(function (el) {
      if (el.scrollWidth <= el.clientWidth || el.hasAttribute("tabindex")) { return; }
      var caption = el.querySelector("caption");
      el.tabIndex = 0;
      el.setAttribute("role", "region");
      el.setAttribute("aria-label", caption ? caption.textContent.trim() : document.title);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
})();
