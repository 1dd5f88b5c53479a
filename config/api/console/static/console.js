// ringd console: live overview (server-sent events) and delete confirmations.
// No framework; the tables are rebuilt with textContent only.
"use strict";
(function () {
  function clock(s) {
    if (!s) return "";
    var d = new Date(s);
    if (isNaN(d.getTime()) || d.getUTCFullYear() < 2) return "";
    return d.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
  }
  function fill(id, rows, cols, empty) {
    var table = document.getElementById(id);
    if (!table) return;
    var body = document.createElement("tbody");
    if (!rows || rows.length === 0) {
      var tr = document.createElement("tr"), td = document.createElement("td");
      td.colSpan = cols; td.textContent = empty; tr.appendChild(td); body.appendChild(tr);
    } else {
      rows.forEach(function (cells) {
        var tr = document.createElement("tr");
        cells.forEach(function (c) { var td = document.createElement("td"); td.textContent = c; tr.appendChild(td); });
        body.appendChild(tr);
      });
    }
    table.replaceChild(body, table.tBodies[0]);
  }
  function show(s) {
    fill("groups", (s.groups || []).map(function (g) { return [g.number, g.name, String(g.ringing), String(g.connected), String(g.answered), String(g.missed), g.members]; }), 7, "No ring groups.");
    fill("calls", (s.calls || []).map(function (c) { return [c.group, c.caller, clock(c.start), c.connected ? "connected" : "ringing", (c.ringing || []).join(", ")]; }), 5, "No calls.");
    fill("members", (s.members || []).map(function (m) { return [m.number, m.name, m.state]; }), 3, "No extensions.");
    fill("registrations", (s.registrations || []).map(function (r) { return [r.extension, r.contact, r.source, r.transport, clock(r.expires)]; }), 5, "No registrations.");
  }
  function live() {
    var status = document.getElementById("live");
    if (!status || !window.EventSource) return;
    var es = new EventSource("/ui/events");
    es.addEventListener("snapshot", function (e) {
      show(JSON.parse(e.data));
      status.textContent = "Live updates: on (last " + new Date().toLocaleTimeString() + ")";
    });
    es.addEventListener("signed_out", function () { es.close(); window.location.href = "/ui/login?next=/ui/"; });
    es.onerror = function () { status.textContent = "Live updates: reconnecting…"; };
  }
  function confirms() {
    document.querySelectorAll("form.confirm").forEach(function (f) {
      f.addEventListener("submit", function (e) {
        if (!window.confirm(f.getAttribute("data-confirm"))) e.preventDefault();
      });
    });
  }
  function strategyHelp() {
    var sel = document.getElementById("strategy"), now = document.getElementById("strategy-now");
    if (!sel || !now) return;
    sel.addEventListener("change", function () {
      var o = sel.options[sel.selectedIndex];
      now.textContent = (o && o.getAttribute("data-help")) || "";
    });
  }
  // memberRows moves ring group member rows up and down and adds rows;
  // the rows' numbers, ids and labels follow their new places.
  function memberRows() {
    var table = document.getElementById("member-rows"), add = document.getElementById("add-member");
    if (!table) return;
    var body = table.tBodies[0];
    function renumber() {
      Array.prototype.forEach.call(body.rows, function (tr, i) {
        tr.querySelector(".pos").textContent = String(i + 1);
        tr.querySelectorAll("input").forEach(function (input) {
          var id = input.id.replace(/-\d+$/, "-" + i), label = tr.querySelector('label[for="' + input.id + '"]');
          if (label) { label.htmlFor = id; label.textContent = label.textContent.replace(/\d+$/, String(i + 1)); }
          input.id = id;
        });
        tr.querySelectorAll(".move .sr").forEach(function (sr) { sr.textContent = " member " + (i + 1); });
      });
    }
    body.addEventListener("click", function (e) {
      var btn = e.target.closest("button.move");
      if (!btn) return;
      var tr = btn.closest("tr"), step = Number(btn.getAttribute("data-move"));
      var other = step < 0 ? tr.previousElementSibling : tr.nextElementSibling;
      if (!other) return;
      if (step < 0) body.insertBefore(tr, other); else body.insertBefore(other, tr);
      renumber();
      btn.focus();
    });
    if (add) add.addEventListener("click", function () {
      var last = body.rows[body.rows.length - 1], tr = last.cloneNode(true);
      tr.className = "";
      tr.querySelectorAll("input").forEach(function (input) { input.value = ""; input.removeAttribute("aria-invalid"); input.removeAttribute("aria-describedby"); });
      tr.querySelectorAll(".field-error").forEach(function (p) { p.remove(); });
      body.appendChild(tr);
      renumber();
      tr.querySelector("input").focus();
    });
  }
  document.addEventListener("DOMContentLoaded", function () { live(); confirms(); strategyHelp(); memberRows(); });
})();
