// Intune Assistant: the little script the pages need (no inline script: the CSP forbids it).
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    // The sign-in relay: pass Entra's answer on from this origin, so the flow cookie is sent.
    var relay = document.querySelector("form[data-autosubmit]");
    if (relay) { relay.submit(); }
    // "Choose all on this page": ticks or clears every row checkbox of its form; it shows mixed
    // when only some are ticked. Delegated, so it keeps working after htmx swaps the results.
    document.addEventListener("change", function (event) {
      var box = event.target;
      if (!(box instanceof HTMLInputElement) || box.type !== "checkbox") { return; }
      var formId = box.getAttribute("data-pick-all") || box.getAttribute("form");
      if (!formId) { return; }
      var rows = document.querySelectorAll('input.pick[form="' + formId + '"]');
      var all = document.querySelector('input[data-pick-all="' + formId + '"]');
      if (box === all) {
        rows.forEach(function (row) { row.checked = all.checked; });
        all.indeterminate = false;
      } else if (all) {
        var ticked = Array.prototype.filter.call(rows, function (row) { return row.checked; }).length;
        all.checked = ticked > 0 && ticked === rows.length;
        all.indeterminate = ticked > 0 && ticked < rows.length;
      }
    });
    // Close the tenant menu with Escape, returning focus to its button.
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") { return; }
      document.querySelectorAll("details.menu[open]").forEach(function (menu) {
        menu.removeAttribute("open");
        var summary = menu.querySelector("summary");
        if (summary) { summary.focus(); }
      });
    });
  });
})();
