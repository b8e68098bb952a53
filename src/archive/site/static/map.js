/* The map page: pan and zoom (mouse drag and wheel, touch drag and pinch, keyboard, buttons),
   markers and labels kept at a constant size on screen, and nearby markers grouped into
   clusters at each zoom level. Vanilla JavaScript, nothing fetched. Without it the page shows
   the map drawn at build time (with its own clusters) and the list of places. Names are only
   ever set with textContent. */
(function () {
  "use strict";

  var NS = "http://www.w3.org/2000/svg";
  var MAX_ZOOM = 32;
  var CLUSTER_PX = 48;   // markers closer than this on screen are grouped; bubbles are at
                         // most 44 px wide, so two never overlap
  var HIT_PX = 22;       // tap circle radius: a 44 px target
  var LABEL_GAP = 4;
  var COUNTRY_MIN_PX2 = 3000;  // a country is named from about 55 × 55 px on screen
  var COUNTRY_OFFSETS = [0, 24, -24, 48];  // below or above its point if that is taken

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function placesPhrase(n) {
    if (n === 2) return "مكانان";
    return (n % 100 >= 3 && n % 100 <= 10) ? n + " أماكن" : n + " مكانًا";
  }

  function bubbleRadius(n) { return Math.min(22, 13 + 3 * Math.log2(n)); }

  function overlap(a, b) {
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  }

  /* The same greedy rule as archive.site.mapsvg.cluster: heaviest first, join the first
     cluster whose seed is within radius, else seed a new one. */
  function cluster(points, radius) {
    var order = points.map(function (_, i) { return i; });
    order.sort(function (a, b) { return (points[b].w - points[a].w) || (a - b); });
    var clusters = [];
    order.forEach(function (i) {
      var p = points[i];
      for (var c = 0; c < clusters.length; c++) {
        var k = clusters[c];
        if (Math.hypot(k.x - p.x, k.y - p.y) < radius) { k.members.push(i); return; }
      }
      clusters.push({ x: p.x, y: p.y, members: [i] });
    });
    return clusters;
  }

  ready(function () {
    var frame = document.getElementById("ar-map-frame");
    var svg = frame && frame.querySelector("svg.ar-map");
    if (!svg) return;
    var W = parseFloat(svg.getAttribute("data-width"));
    var H = parseFloat(svg.getAttribute("data-height"));
    var view = { x: 0, y: 0, w: W, h: H };
    var controls = document.getElementById("ar-map-controls");
    var status = document.getElementById("ar-map-zoom");
    var help = document.getElementById("ar-map-help");
    var layer = svg.querySelector(".ar-map__clusters");
    var biggest = 1;

    // Markers: take over from the static drawing (its clusters and labels are redone here).
    layer.textContent = "";
    var places = Array.prototype.map.call(svg.querySelectorAll(".ar-map__place"), function (a) {
      a.classList.remove("ar-map__place--clustered");
      var sym = a.querySelector(".ar-map__sym");
      var old = sym.querySelector("text");
      if (old) sym.removeChild(old);
      var text = document.createElementNS(NS, "text");
      text.setAttribute("direction", "rtl");
      text.textContent = a.getAttribute("data-name");
      sym.appendChild(text);
      var n = parseInt(a.getAttribute("data-n"), 10) || 0;
      biggest = Math.max(biggest, n);
      return { el: a, sym: sym, text: text, dot: sym.querySelector(".ar-map__dot"),
               hit: sym.querySelector(".ar-map__hit"),
               x: parseFloat(a.getAttribute("data-x")), y: parseFloat(a.getAttribute("data-y")),
               n: n, name: a.getAttribute("data-name"), len: 0 };
    });
    // Country names: decoration under the markers, shown when the country is large enough on
    // screen and its name overlaps nothing (the rule of archive.site.mapsvg).
    var countries = Array.prototype.map.call(svg.querySelectorAll(".ar-map__country"),
      function (g) {
        g.classList.remove("ar-map__country--hidden");
        var t = g.querySelector("text");
        var len = 0;
        try { len = t.getComputedTextLength(); } catch (e) { len = 0; }
        var m = /translate\(([-\d.]+) ([-\d.]+)\)/.exec(g.getAttribute("transform")) || [];
        return { el: g, text: t, a: parseFloat(g.getAttribute("data-a")) || 0,
                 x: parseFloat(m[1]), y: parseFloat(m[2]),
                 len: len || 7 * t.textContent.length };
      });
    places.forEach(function (p) {
      p.r = 5 + 11 * Math.sqrt(p.n / biggest);
      p.dot.setAttribute("r", p.r.toFixed(1));
      p.hit.setAttribute("r", HIT_PX);
    });

    frame.tabIndex = 0;
    svg.setAttribute("tabindex", "-1");  // the frame is the one stop before the markers
    frame.setAttribute("role", "group");
    frame.setAttribute("aria-label", "خريطة قابلة للتحريك والتكبير");
    frame.setAttribute("aria-describedby", "ar-map-help");
    frame.classList.add("ar-map-frame--live");
    if (controls) controls.hidden = false;
    if (help) help.hidden = false;

    // The scale bar: a round distance about 100 px long, at the bottom-left of the view.
    var scaleBar = svg.querySelector(".ar-map__scale");
    var kmPerUnit = parseFloat(svg.getAttribute("data-km"));
    function drawScale(s, taken) {
      var kmPerPx = kmPerUnit / s;
      var raw = 100 * kmPerPx;
      var power = Math.pow(10, Math.floor(Math.log10(raw)));
      var km = [10, 5, 2, 1].map(function (m) { return m * power; })
        .filter(function (d) { return d <= raw * (1 + 1e-9); })[0];
      var len = km / kmPerPx;
      // the first corner (bottom-left, bottom-right, top-left, top-right) clear of markers
      var vw = view.w * s, vh = view.h * s;
      var corners = [[12, vh - 12], [vw - 12 - len, vh - 12], [12, 36], [vw - 12 - len, 36]];
      var at = corners.filter(function (c) {
        var box = [c[0] - 4, c[1] - 26, c[0] + len + 4, c[1] + 4];
        return !taken.some(function (b) { return overlap(box, b); });
      })[0] || corners[0];
      scaleBar.setAttribute("transform", "translate(" + (view.x + at[0] / s) + " " +
        (view.y + at[1] / s) + ") scale(" + (1 / s) + ")");
      scaleBar.querySelector("path").setAttribute("d", "M0 -6V0H" + len.toFixed(1) + "V-6");
      var t = scaleBar.querySelector("text");
      t.setAttribute("x", (len / 2).toFixed(1));
      t.textContent = km < 1 ? Math.round(km * 1000) + " م" : km + " كم";
      return [at[0] - 4, at[1] - 26, at[0] + len + 4, at[1] + 4];
    }

    function pxPerUnit() {
      var rect = svg.getBoundingClientRect();
      return rect.width > 0 ? rect.width / view.w : 1;
    }

    function clamp() {
      view.w = Math.min(W, Math.max(W / MAX_ZOOM, view.w));
      view.h = view.w * H / W;
      view.x = Math.min(W - view.w, Math.max(0, view.x));
      view.y = Math.min(H - view.h, Math.max(0, view.y));
    }

    function zoomAt(factor, cx, cy, lazy) {
      var w = Math.min(W, Math.max(W / MAX_ZOOM, view.w / factor));
      var f = w / view.w;
      view.x = cx - (cx - view.x) * f;
      view.y = cy - (cy - view.y) * f;
      view.w = w;
      clamp();
      if (lazy) schedule(); else update();
    }

    function zoomCentre(factor) {
      zoomAt(factor, view.x + view.w / 2, view.y + view.h / 2);
    }

    function pan(dx, dy, lazy) {  // in drawing units
      view.x += dx;
      view.y += dy;
      clamp();
      if (lazy) schedule(); else update();
    }

    // Pointer and wheel events come faster than frames: redraw once per frame.
    var pending = false;
    function schedule() {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () { if (pending) { pending = false; update(); } });
    }
    function flush() { if (pending) { pending = false; update(); } }

    function reset() {
      view = { x: 0, y: 0, w: W, h: H };
      update();
    }

    function toMap(clientX, clientY) {
      var rect = svg.getBoundingClientRect();
      var s = rect.width / view.w;
      return { x: view.x + (clientX - rect.left) / s, y: view.y + (clientY - rect.top) / s };
    }

    function makeCluster(c, s) {
      var members = c.members.map(function (i) { return places[i]; });
      var a = document.createElementNS(NS, "a");
      a.setAttribute("href", "#list");
      a.setAttribute("class", "ar-map__cluster");
      var label = placesPhrase(members.length) + " متقاربة: " +
        members.map(function (p) { return p.name; }).join("، ") + ". اختر للتكبير";
      a.setAttribute("aria-label", label);
      var title = document.createElementNS(NS, "title");
      title.textContent = label;
      a.appendChild(title);
      a.setAttribute("transform", "translate(" + members[0].x + " " + members[0].y + ")");
      var sym = document.createElementNS(NS, "g");
      sym.setAttribute("class", "ar-map__sym");
      sym.setAttribute("transform", "scale(" + (1 / s) + ")");
      var r = bubbleRadius(members.length);
      var hit = document.createElementNS(NS, "circle");
      hit.setAttribute("class", "ar-map__hit");
      hit.setAttribute("r", Math.max(HIT_PX, r));
      var bubble = document.createElementNS(NS, "circle");
      bubble.setAttribute("class", "ar-map__bubble");
      bubble.setAttribute("r", r);
      var count = document.createElementNS(NS, "text");
      count.setAttribute("y", "5");
      count.setAttribute("text-anchor", "middle");
      count.textContent = String(members.length);
      sym.appendChild(hit);
      sym.appendChild(bubble);
      sym.appendChild(count);
      a.appendChild(sym);
      a.addEventListener("click", function (e) {
        var xs = members.map(function (p) { return p.x; });
        var ys = members.map(function (p) { return p.y; });
        var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
        var y0 = Math.min.apply(null, ys), y1 = Math.max.apply(null, ys);
        // as far as it goes, or places at one spot: follow the link to the list
        if (view.w <= W / MAX_ZOOM + 1e-6 || (x1 - x0 < 1e-6 && y1 - y0 < 1e-6)) return;
        e.preventDefault();
        // fit the group (with a margin), at least doubling the zoom
        var span = Math.max((x1 - x0) * 1.6, (y1 - y0) * 1.6 * W / H, view.w / 8);
        view.w = Math.min(span, view.w / 2);
        view.x = (x0 + x1) / 2 - view.w / 2;
        view.h = view.w * H / W;
        view.y = (y0 + y1) / 2 - view.h / 2;
        clamp();
        update();
        frame.focus();
      });
      return { el: a, x: members[0].x, y: members[0].y, r: r };
    }

    function update() {
      pending = false;
      svg.setAttribute("viewBox", [view.x, view.y, view.w, view.h]
        .map(function (v) { return v.toFixed(3); }).join(" "));
      var s = pxPerUnit();
      var inv = "scale(" + (1 / s) + ")";
      places.forEach(function (p) {
        p.sym.setAttribute("transform", inv);
        p.el.style.display = "";
        p.text.style.display = "";
      });
      if (!places.length) return;
      // Measure labels once, at a constant on-screen size.
      places.forEach(function (p) {
        if (!p.len) { try { p.len = p.text.getComputedTextLength(); } catch (e) { p.len = 0; } }
        if (!p.len) p.len = 8 * p.name.length;
      });
      var points = places.map(function (p) {
        return { x: (p.x - view.x) * s, y: (p.y - view.y) * s, w: p.n };
      });
      var groups = cluster(points, CLUSTER_PX);
      layer.textContent = "";
      var boxes = [];  // on-screen boxes of drawn markers
      var singles = [];
      groups.forEach(function (g) {
        if (g.members.length > 1) {
          g.members.forEach(function (i) { places[i].el.style.display = "none"; });
          var c = makeCluster(g, s);
          layer.appendChild(c.el);
          boxes.push([g.x - c.r, g.y - c.r, g.x + c.r, g.y + c.r]);
        } else {
          var p = places[g.members[0]];
          boxes.push([g.x - p.r, g.y - p.r, g.x + p.r, g.y + p.r]);
          singles.push({ p: p, x: g.x, y: g.y });
        }
      });
      // Labels, most-cited first: on the left of the dot (reading side), else on the right,
      // else none (the marker keeps its name for screen readers and as a tooltip).
      var labels = [];
      var vw = view.w * s, vh = view.h * s;
      singles.forEach(function (m) {
        var p = m.p, h = 10;
        var left = [m.x - p.r - LABEL_GAP - p.len, m.y - h, m.x - p.r - LABEL_GAP, m.y + h];
        var right = [m.x + p.r + LABEL_GAP, m.y - h, m.x + p.r + LABEL_GAP + p.len, m.y + h];
        var mine = [m.x - p.r, m.y - p.r, m.x + p.r, m.y + p.r];
        var chosen = null;
        [left, right].some(function (box, side) {
          if (box[0] < 2 || box[2] > vw - 2 || box[1] < 0 || box[3] > vh) return false;
          if (labels.some(function (b) { return overlap(box, b); })) return false;
          if (boxes.some(function (b) {
            return b[0] !== mine[0] || b[1] !== mine[1] ? overlap(box, b) : false;
          })) return false;
          chosen = side;
          labels.push(box);
          return true;
        });
        if (chosen === null) { p.text.style.display = "none"; return; }
        p.text.setAttribute("x", chosen === 0 ? -(p.r + LABEL_GAP) : p.r + LABEL_GAP);
        p.text.setAttribute("y", "5");
        p.text.setAttribute("text-anchor", chosen === 0 ? "start" : "end");
      });
      if (scaleBar) labels.push(drawScale(s, boxes.concat(labels)));
      countries.forEach(function (c) {
        c.text.setAttribute("transform", inv);
        var x = (c.x - view.x) * s, y = (c.y - view.y) * s;
        var show = c.a * s * s >= COUNTRY_MIN_PX2 && COUNTRY_OFFSETS.some(function (dy) {
          var box = [x - c.len / 2, y + dy - 13, x + c.len / 2, y + dy + 5];
          if (box[0] < 0 || box[2] > vw || box[1] < 0 || box[3] > vh ||
              labels.some(function (b) { return overlap(box, b); }) ||
              boxes.some(function (b) { return overlap(box, b); })) return false;
          labels.push(box);
          c.text.setAttribute("y", dy);
          return true;
        });
        c.el.style.display = show ? "" : "none";
      });
      var zoom = W / view.w;
      if (status) {
        status.textContent = zoom < 1.05 ? "الخريطة كاملة"
          : "التكبير ×" + String(Math.round(zoom * 10) / 10);
      }
      svg.setAttribute("data-zoom", zoom.toFixed(3));
      // The whole map shown: a one-finger vertical swipe scrolls the page (a phone's map is
      // nearly a screen tall); zoomed in, every gesture moves the map.
      svg.style.touchAction = zoom < 1.001 ? "pan-y" : "none";
    }

    // Buttons.
    if (controls) {
      controls.addEventListener("click", function (e) {
        var b = e.target.closest("button[data-map]");
        if (!b) return;
        var what = b.getAttribute("data-map");
        if (what === "in") zoomCentre(2);
        else if (what === "out") zoomCentre(0.5);
        else reset();
      });
    }

    // Keyboard, when the map or one of its markers has focus.
    frame.addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      var step = 0.15;
      switch (e.key) {
        case "+": case "=": zoomCentre(1.5); break;
        case "-": case "_": case "−": zoomCentre(1 / 1.5); break;
        case "ArrowLeft": pan(-view.w * step, 0); break;
        case "ArrowRight": pan(view.w * step, 0); break;
        case "ArrowUp": pan(0, -view.h * step); break;
        case "ArrowDown": pan(0, view.h * step); break;
        case "0": case "Home": reset(); break;
        default: return;
      }
      e.preventDefault();
    });
    // A marker reached with Tab is brought into view.
    svg.addEventListener("focusin", function (e) {
      var a = e.target.closest && e.target.closest(".ar-map__place");
      if (!a) return;
      var x = parseFloat(a.getAttribute("data-x")), y = parseFloat(a.getAttribute("data-y"));
      if (x < view.x || x > view.x + view.w || y < view.y || y > view.y + view.h) {
        view.x = x - view.w / 2;
        view.y = y - view.h / 2;
        clamp();
        update();
      }
    });

    // Wheel.
    svg.addEventListener("wheel", function (e) {
      var dy = e.deltaY * (e.deltaMode === 1 ? 33 : e.deltaMode === 2 ? 400 : 1);
      // at the end of the zoom range the wheel scrolls the page again
      if ((dy > 0 && view.w >= W - 1e-6) || (dy < 0 && view.w <= W / MAX_ZOOM + 1e-6)) return;
      e.preventDefault();
      var at = toMap(e.clientX, e.clientY);
      zoomAt(Math.exp(-dy * 0.002), at.x, at.y, true);
    }, { passive: false });

    // Pointers: one drags, two pinch. A drag that moved does not follow a link.
    var pointers = {};
    var moved = false, dragging = false, last = null, lastPinch = null;
    function list() { return Object.keys(pointers).map(function (k) { return pointers[k]; }); }
    svg.addEventListener("pointerdown", function (e) {
      if (e.pointerType === "mouse" && e.button !== 0) return;
      pointers[e.pointerId] = { x: e.clientX, y: e.clientY, x0: e.clientX, y0: e.clientY };
      if (list().length === 1) { moved = false; dragging = false; }
      last = null;
      lastPinch = null;
    });
    svg.addEventListener("pointermove", function (e) {
      var p = pointers[e.pointerId];
      if (!p) return;
      p.x = e.clientX;
      p.y = e.clientY;
      var ps = list();
      if (ps.length === 1) {
        if (!dragging && Math.hypot(p.x - p.x0, p.y - p.y0) < 5) return;
        if (!dragging) {
          dragging = moved = true;
          try { svg.setPointerCapture(e.pointerId); } catch (err) { /* already released */ }
          svg.classList.add("ar-map--dragging");
          last = { x: p.x0, y: p.y0 };  // the whole movement counts, not only past the slop
        }
        if (last) {
          var s = pxPerUnit();
          pan(-(p.x - last.x) / s, -(p.y - last.y) / s, true);
        }
        last = { x: p.x, y: p.y };
      } else if (ps.length === 2) {
        moved = true;
        var a = ps[0], b = ps[1];
        var mid = { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 };
        var d = Math.hypot(a.x - b.x, a.y - b.y);
        if (lastPinch && lastPinch.d > 0) {
          var at = toMap(lastPinch.mid.x, lastPinch.mid.y);
          zoomAt(d / lastPinch.d, at.x, at.y, true);
          var s2 = pxPerUnit();
          pan(-(mid.x - lastPinch.mid.x) / s2, -(mid.y - lastPinch.mid.y) / s2, true);
        }
        lastPinch = { mid: mid, d: d };
      }
      e.preventDefault();
    });
    function up(e) {
      flush();
      delete pointers[e.pointerId];
      last = null;
      lastPinch = null;
      if (!list().length) {
        dragging = false;
        svg.classList.remove("ar-map--dragging");
      }
    }
    svg.addEventListener("pointerup", up);
    svg.addEventListener("pointercancel", up);
    svg.addEventListener("click", function (e) {
      if (moved) { e.preventDefault(); e.stopPropagation(); moved = false; }
    }, true);

    // Double click (or double tap): zoom in there.
    svg.addEventListener("dblclick", function (e) {
      e.preventDefault();
      var at = toMap(e.clientX, e.clientY);
      zoomAt(2, at.x, at.y);
    });

    window.addEventListener("resize", update);
    update();
  });
})();
