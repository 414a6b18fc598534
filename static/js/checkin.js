// Check-in screen: after a check-in, clear the search and get ready for the next
// person; after a walk-in, empty its form. The page works without this file.
(function () {
  "use strict";
  document.body.addEventListener("checked-in", function () {
    var box = document.getElementById("checkin-q");
    var results = document.getElementById("checkin-results");
    if (results) { results.innerHTML = ""; }
    if (box) { box.value = ""; box.focus(); }
  });
  document.body.addEventListener("walk-in-saved", function () {
    document.querySelectorAll("form.js-walk-in").forEach(function (form) { form.reset(); });
    var box = document.getElementById("checkin-q");
    if (box) { box.focus(); }
  });
})();
