// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";
  function init(root) {
    root.querySelectorAll(".js-autosubmit").forEach(function (el) {
      el.addEventListener("change", function () { el.form.submit(); });
    });
    root.querySelectorAll(".js-hide").forEach(function (el) { el.hidden = true; });
  }
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
})();
