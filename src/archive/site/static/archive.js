/* The archive's small scripts. Every page works without them.
   - Lists that fit on one page: the ordering buttons sort the items in place, by the ranks
     each item carries (the same orders as the static pages of longer lists).
   - Article pages: copy the citation (with today's date as the access date, and the page's
     full address when the site was built without site_url), download it as BibTeX or CSL-JSON.
   Text from the page is only ever read and written as text (textContent, data-* values). */
(function () {
  "use strict";

  var MONTHS = ["كانون الثاني (يناير)", "شباط (فبراير)", "آذار (مارس)", "نيسان (أبريل)",
    "أيار (مايو)", "حزيران (يونيو)", "تموز (يوليو)", "آب (أغسطس)", "أيلول (سبتمبر)",
    "تشرين الأول (أكتوبر)", "تشرين الثاني (نوفمبر)", "كانون الأول (ديسمبر)"];

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // -- sorting a one-page list ----------------------------------------------------------------
  function setUpSorting(group) {
    var listing = group.closest(".ar-listing");
    var list = listing && listing.querySelector(".ar-listing__items");
    if (!list) return;
    var buttons = Array.prototype.slice.call(group.querySelectorAll("button[data-order]"));
    group.hidden = false;
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var order = button.getAttribute("data-order");
        var attr = "data-rank-" + order;
        var items = Array.prototype.slice.call(list.children);
        items.sort(function (a, b) {
          return Number(a.getAttribute(attr)) - Number(b.getAttribute(attr));
        });
        var frag = document.createDocumentFragment();
        items.forEach(function (li) { frag.appendChild(li); });
        list.appendChild(frag);
        listing.setAttribute("data-order", order);
        buttons.forEach(function (b) {
          b.setAttribute("aria-pressed", b === button ? "true" : "false");
        });
      });
    });
  }

  // -- citations ------------------------------------------------------------------------------
  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function today() {
    var d = new Date();
    return { y: d.getFullYear(), m: d.getMonth() + 1, d: d.getDate() };
  }

  function arabicDate(t) { return t.d + " " + MONTHS[t.m - 1] + " " + t.y; }

  function citation(box) {
    var ds = box.dataset;
    var archive = ds.archive;
    if (ds.archiveAbsolute !== "true") {
      // built without site_url: the address this reader is on is the archive's address
      archive = new URL(archive, window.location.href).href;
    }
    return {
      id: ds.id, key: ds.key, title: ds.title, source: ds.source, author: ds.author, date: ds.date,
      url: ds.url, archive: archive, site: ds.site, accessed: today()
    };
  }

  function bibEscape(s) {
    return String(s).replace(/\\/g, "\\textbackslash{}").replace(/([{}%&$#_])/g, "\\$1")
      .replace(/~/g, "\\textasciitilde{}").replace(/\^/g, "\\textasciicircum{}");
  }

  function bibUrl(s) { return String(s).replace(/[{}\\\s%]/g, encodeURIComponent); }

  function bibtex(c) {
    var a = c.accessed;
    var lines = ["@online{" + c.key.replace(/[^A-Za-z0-9_.:-]/g, "_") + ","];
    function add(k, v) { if (v) lines.push("  " + k + " = {" + v + "},"); }
    add("author", c.author ? "{" + bibEscape(c.author) + "}" : "");
    add("title", bibEscape(c.title));
    add("organization", c.source ? bibEscape(c.source) : "");
    add("date", /^\d{4}(-\d{2}){0,2}$/.test(c.date) ? c.date : "");
    add("url", bibUrl(c.url || c.archive));
    add("urldate", a.y + "-" + pad(a.m) + "-" + pad(a.d));
    add("langid", "arabic");
    add("note", bibEscape("نسخة محفوظة في «" + c.site + "»: ") + "\\url{" + bibUrl(c.archive) + "}");
    lines[lines.length - 1] = lines[lines.length - 1].replace(/,$/, "");
    lines.push("}");
    return lines.join("\n") + "\n";
  }

  function csl(c) {
    var item = { id: c.key, type: "article-newspaper", title: c.title, language: "ar" };
    if (c.source) { item["container-title"] = c.source; item.publisher = c.source; }
    if (c.author) { item.author = [{ literal: c.author }]; }
    var m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(c.date || "");
    if (m) {
      item.issued = { "date-parts": [[m[1], m[2], m[3]].filter(Boolean).map(Number)] };
    }
    item.URL = c.url || c.archive;
    item.archive = c.site;
    item.archive_location = c.archive;
    item.accessed = { "date-parts": [[c.accessed.y, c.accessed.m, c.accessed.d]] };
    return JSON.stringify([item], null, 2) + "\n";
  }

  function download(name, type, content) {
    var blob = new Blob([content], { type: type });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    window.setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { return fallbackCopy(text); });
    }
    return fallbackCopy(text);
  }

  function fallbackCopy(text) {
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      area.remove();
      if (ok) resolve(); else reject(new Error("copy refused"));
    });
  }

  function setUpCitation(box) {
    var text = box.querySelector("#ar-cite-text");
    var actions = box.querySelector("[data-cite-actions]");
    var status = box.querySelector("[data-cite-status]");
    var note = box.querySelector("[data-cite-noscript]");
    if (!text || !actions) return;
    var c = citation(box);
    // Show what will be copied: the full address and today's access date.
    var archive = box.querySelector("[data-cite-archive]");
    if (archive) archive.textContent = c.archive;
    var accessed = box.querySelector("[data-cite-accessed]");
    if (accessed) {
      accessed.textContent = "، اطُّلع عليه في " + arabicDate(c.accessed);
      accessed.hidden = false;
    }
    if (note) note.hidden = true;
    actions.hidden = false;
    actions.querySelector("[data-cite-copy]").addEventListener("click", function () {
      var plain = text.textContent.replace(/\s+/g, " ").trim();
      copyText(plain).then(function () {
        status.textContent = "نُسخ الاستشهاد.";
        box.setAttribute("data-copied", plain);
      }, function () {
        status.textContent = "تعذّر النسخ: حدّد نص الاستشهاد وانسخه بنفسك.";
      });
    });
    Array.prototype.forEach.call(actions.querySelectorAll("[data-cite-download]"), function (b) {
      b.addEventListener("click", function () {
        var fresh = citation(box);
        if (b.getAttribute("data-cite-download") === "bibtex") {
          download(fresh.id + ".bib", "application/x-bibtex;charset=utf-8", bibtex(fresh));
        } else {
          download(fresh.id + ".json", "application/vnd.citationstyles.csl+json;charset=utf-8",
            csl(fresh));
        }
        status.textContent = "نُزّل الملف.";
      });
    });
  }

  ready(function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-sort-client]"), setUpSorting);
    var box = document.getElementById("ar-cite-box");
    if (box) setUpCitation(box);
  });
})();
