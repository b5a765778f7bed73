// Cross-tenant reports: one request per customer, a few at a time, each with this browser's own
// session; each customer's state shows as it finishes, its rows join the table, then export.
(function () {
  "use strict";
  var AT_ONCE = 6; // what a browser sends to one host at once over HTTP/1.1 anyway
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  function cell(tag, text) {
    var node = document.createElement(tag);
    node.textContent = text === null || text === undefined ? "" : String(text);
    return node;
  }
  ready(function () {
    var section = document.querySelector("[data-testid=report-run]");
    if (!section) { return; }
    var report = section.getAttribute("data-report");
    var baseline = section.getAttribute("data-baseline") || "";
    var golden = section.getAttribute("data-golden") || "";
    var rows = Array.prototype.slice.call(section.querySelectorAll("tr[data-tenant]"));
    var body = section.querySelector("[data-testid=report-table] tbody");
    var progress = section.querySelector("[data-testid=report-progress]");
    var exportForm = section.querySelector("[data-testid=report-export]");
    var width = section.querySelectorAll("[data-testid=report-table] thead th").length - 2;
    var results = new Array(rows.length);
    var next = 0, done = 0;

    function show(index, result) {
      results[index] = result;
      var row = rows[index];
      row.querySelector("[data-field=state]").textContent = result.state;
      row.querySelector("[data-field=seconds]").textContent = result.seconds ? result.seconds.toFixed(1) : "";
      row.querySelector("[data-field=reason]").textContent = [result.reason, result.fix ? "Fix: " + result.fix : ""].join(" ").trim();
      row.setAttribute("data-state", result.state);
      var lines = result.rows.length ? result.rows : [null];
      lines.forEach(function (line) {
        var tr = document.createElement("tr");
        tr.setAttribute("data-tenant", result.tenant_id);
        tr.appendChild(cell("th", result.name)).setAttribute("scope", "row");
        tr.appendChild(cell("td", result.state));
        for (var i = 0; i < width; i++) { tr.appendChild(cell("td", line ? line[i] : (i === 0 ? result.reason : ""))); }
        body.appendChild(tr);
      });
      done += 1;
      var counts = {};
      results.forEach(function (r) { if (r) { counts[r.state] = (counts[r.state] || 0) + 1; } });
      var words = Object.keys(counts).sort().map(function (k) { return counts[k] + " " + k; }).join(", ");
      progress.textContent = done + " of " + rows.length + " customer(s) done" + (words ? ": " + words : "") + ".";
      if (done === rows.length) { finish(); }
    }

    function failed(index, message) {
      var row = rows[index];
      show(index, {
        tenant_id: row.getAttribute("data-tenant"), name: row.querySelector("th").firstChild.textContent.trim(),
        domain: "", state: "failed", reason: message, fix: "", seconds: 0, requests: 0, rows: []
      });
    }

    function finish() {
      exportForm.querySelector("input[name=results]").value = JSON.stringify({ tenants: results });
      exportForm.querySelectorAll("button").forEach(function (b) { b.disabled = false; });
      section.setAttribute("data-done", "true");
    }

    function one() {
      if (next >= rows.length) { return; }
      var index = next++;
      var row = rows[index];
      row.querySelector("[data-field=state]").textContent = "reading";
      var query = "report=" + encodeURIComponent(report) + "&tenant=" + encodeURIComponent(row.getAttribute("data-tenant")) +
        "&baseline=" + encodeURIComponent(baseline) + "&golden=" + encodeURIComponent(golden);
      fetch("/reports/tenant?" + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          var type = response.headers.get("Content-Type") || "";
          if (type.indexOf("application/json") !== 0) {
            failed(index, "The server answered HTTP " + response.status + " (your session may have ended: reload the page).");
            return;
          }
          return response.json().then(function (answer) {
            if (response.ok) { show(index, answer); } else { failed(index, answer.detail || ("HTTP " + response.status)); }
          });
        })
        .catch(function () { failed(index, "The server could not be reached."); })
        .then(one);
    }
    for (var i = 0; i < Math.min(AT_ONCE, rows.length); i++) { one(); }
  });
})();
