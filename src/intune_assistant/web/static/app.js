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
