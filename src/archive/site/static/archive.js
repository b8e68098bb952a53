/* The articles table: sort by date, filter by source, place, actor and title words, in the
   browser. Without JavaScript the table is still complete (newest first). The filters can be
   preset from the address: ../articles/?source=…&place=<id>&actor=<id>&q=… */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function fold(s) {
    // The same letter folding as search: no diacritics or tatweel, one alef, ي for ى, ه for ة.
    return (s || "")
      .normalize("NFKC")
      .replace(/[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640\u200B-\u200F\u202A-\u202E\u2066-\u2069]/g, "")
      .replace(/[\u0622\u0623\u0625\u0671]/g, "\u0627")
      .replace(/\u0649/g, "\u064A")
      .replace(/\u0629/g, "\u0647")
      .toLowerCase();
  }

  function plural(n) {
    if (n === 0) return "لا مقالات";
    if (n === 1) return "مقال واحد";
    if (n === 2) return "مقالان";
    if (n % 100 >= 3 && n % 100 <= 10) return n + " مقالات";
    return n + " مقالًا";
  }

  ready(function () {
    var table = document.getElementById("ar-articles");
    var form = document.getElementById("ar-filters");
    if (!table || !form) return;
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    rows.forEach(function (row, i) {
      row._order = i;
      row._title = fold(row.cells[1].textContent);
      row._places = " " + (row.dataset.places || "") + " ";
      row._actors = " " + (row.dataset.actors || "") + " ";
    });
    var status = document.getElementById("ar-status");
    var th = table.querySelector("th[data-sort=date]");
    var button = th.querySelector("button");
    var icon = th.querySelector(".ar-sort__icon");
    var descending = true;
    form.hidden = false;
    button.disabled = false;
    button.setAttribute("aria-label", "التاريخ، رتّب الأقدم أولًا");

    var fields = {
      q: form.elements.namedItem("q"),
      source: form.elements.namedItem("source"),
      place: form.elements.namedItem("place"),
      actor: form.elements.namedItem("actor")
    };

    var params = new URLSearchParams(window.location.search);
    Object.keys(fields).forEach(function (name) {
      var value = params.get(name);
      if (value === null) return;
      var el = fields[name];
      if (el.tagName === "SELECT") {
        for (var i = 0; i < el.options.length; i++) {
          if (el.options[i].value === value) { el.selectedIndex = i; break; }
        }
      } else {
        el.value = value;
      }
    });

    function apply() {
      var q = fold(fields.q.value).trim().split(/\s+/).filter(Boolean);
      var source = fields.source.value;
      var place = fields.place.value ? " " + fields.place.value + " " : "";
      var actor = fields.actor.value ? " " + fields.actor.value + " " : "";
      var shown = 0;
      rows.forEach(function (row) {
        var ok = (!source || row.dataset.source === source) &&
          (!place || row._places.indexOf(place) >= 0) &&
          (!actor || row._actors.indexOf(actor) >= 0) &&
          q.every(function (w) { return row._title.indexOf(w) >= 0; });
        row.hidden = !ok;
        if (ok) shown++;
      });
      var filtered = q.length || source || place || actor;
      status.textContent = filtered
        ? "المعروض: " + plural(shown) + " من " + rows.length + "."
        : "المعروض: كل المقالات (" + rows.length + ").";
      var out = new URLSearchParams();
      Object.keys(fields).forEach(function (name) {
        if (fields[name].value) out.set(name, fields[name].value);
      });
      var qs = out.toString();
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", window.location.pathname + (qs ? "?" + qs : ""));
      }
    }

    function sort() {
      var sorted = rows.slice().sort(function (a, b) {
        var da = a.dataset.date, db = b.dataset.date;
        if (!da !== !db) return da ? -1 : 1; // undated rows always last
        if (da !== db) return (da < db ? -1 : 1) * (descending ? -1 : 1);
        return a._order - b._order;
      });
      var frag = document.createDocumentFragment();
      sorted.forEach(function (row) { frag.appendChild(row); });
      tbody.appendChild(frag);
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      icon.textContent = descending ? "▼" : "▲";
      button.setAttribute("aria-label", descending
        ? "التاريخ، رتّب الأقدم أولًا" : "التاريخ، رتّب الأحدث أولًا");
    }

    button.addEventListener("click", function () {
      descending = !descending;
      sort();
    });
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    apply();
  });
})();
