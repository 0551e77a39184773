/* auditor HTML report: table, highlights and keyboard. No network, no eval, no innerHTML of data. */
(function () {
  "use strict";
  var page = document.body.getAttribute("data-page");
  var STORE = "auditor-index-state";

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function typing(ev) {
    var t = ev.target;
    return ev.ctrlKey || ev.metaKey || ev.altKey ||
      (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA" || t.isContentEditable));
  }
  function store(key, value) { try { sessionStorage.setItem(key, value); } catch (e) { /* storage off */ } }
  function stored(key) { try { return sessionStorage.getItem(key); } catch (e) { return null; } }
  function setHash(h) {
    var url = location.pathname + location.search + (h ? "#" + h : "");
    try { history.replaceState(null, "", url); } catch (e) { location.hash = h; }
  }

  // keyboard help, every page
  var keysBtn = document.getElementById("keys-btn"), keys = document.getElementById("keys");
  function toggleKeys() {
    keys.hidden = !keys.hidden;
    keysBtn.setAttribute("aria-expanded", String(!keys.hidden));
  }
  if (keysBtn && keys) keysBtn.addEventListener("click", toggleKeys);
  var indexLink = document.getElementById("index-link");
  if (indexLink && page !== "index") {
    var saved = stored(STORE);
    if (saved) indexLink.setAttribute("href", indexLink.getAttribute("href").split("#")[0] + "#" + saved);
  }
  document.addEventListener("keydown", function (ev) {
    if (typing(ev)) return;
    if (ev.key === "?") { toggleKeys(); ev.preventDefault(); }
    else if (ev.key === "Escape" && keys && !keys.hidden) toggleKeys();
    else if (ev.key === "u" && page !== "index" && indexLink) location.href = indexLink.href;
  });
  window.addEventListener("beforeprint", function () {
    var ds = document.querySelectorAll("details");
    for (var i = 0; i < ds.length; i++) ds[i].setAttribute("open", "");
  });

  if (page === "index") initIndex();
  else if (page === "article") initArticle();
  else document.body.setAttribute("data-ready", "1");

  // ---------------------------------------------------------------- index
  function initIndex() {
    var data = readJSON("report-data");
    if (!data) return;
    var fams = data.families, rows = data.articles;
    var famIndex = {};
    fams.forEach(function (f, i) { famIndex[f] = i; });
    // row: [id, title, outlet, date, score, grade, href, counts|0, total]
    var hay = new Array(rows.length);
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      hay[i] = (r[1] + "\u0001" + r[2] + "\u0001" + r[0] + "\u0001" + r[3]).toLowerCase();
    }
    var el = {
      q: document.getElementById("f-q"), fam: document.getElementById("f-fam"),
      sev: document.getElementById("f-sev"), min: document.getElementById("f-min"),
      max: document.getElementById("f-max"), per: document.getElementById("f-per"),
      reset: document.getElementById("f-reset"), body: document.getElementById("rows"),
      status: document.getElementById("status"), prev: document.getElementById("p-prev"),
      next: document.getElementById("p-next"), info: document.getElementById("p-info"),
      table: document.getElementById("articles-table")
    };
    var defaults = { q: "", fam: "", sev: "", min: "", max: "", sort: "", dir: "asc", page: "1", per: "50" };
    var state = {};
    var filtered = [], selected = -1, printing = false;

    function famCount(r, f, sevRank) {   // findings of family f at or above severity rank (3 error .. 1 info)
      var c = r[7];
      if (!c) return 0;
      var k = famIndex[f] * 3, n = 0;
      for (var s = 0; s < 3; s++) if (3 - s >= sevRank) n += c[k + s];
      return n;
    }
    function sevCount(r, sevRank) {
      var c = r[7];
      if (!c) return 0;
      var n = 0;
      for (var j = 0; j < c.length; j++) if (3 - (j % 3) >= sevRank) n += c[j];
      return n;
    }
    var RANK = { error: 3, warning: 2, info: 1 };

    function parseHash() {
      var h = location.hash.replace(/^#/, "");
      var p = new URLSearchParams(h);
      var s = {};
      Object.keys(defaults).forEach(function (k) { s[k] = p.has(k) ? p.get(k) : defaults[k]; });
      return s;
    }
    function writeHash() {
      var p = new URLSearchParams();
      Object.keys(defaults).forEach(function (k) { if (state[k] !== defaults[k] && state[k] !== "") p.set(k, state[k]); });
      var h = p.toString();
      if (h !== location.hash.replace(/^#/, "")) setHash(h);
      store(STORE, h);
    }
    function toControls() {
      el.q.value = state.q; el.fam.value = state.fam; el.sev.value = state.sev;
      el.min.value = state.min; el.max.value = state.max; el.per.value = state.per;
      if (el.fam.value !== state.fam) { state.fam = ""; el.fam.value = ""; }
      if (el.per.value !== state.per) { state.per = defaults.per; el.per.value = state.per; }
    }
    function num(v) { var x = parseFloat(v); return isNaN(x) ? null : x; }

    function compute() {
      var q = state.q.trim().toLowerCase(), terms = q ? q.split(/\s+/) : [];
      var fam = state.fam, sevRank = RANK[state.sev] || 0;
      var lo = num(state.min), hi = num(state.max);
      var famOk = fam === "" || fam === "-" || famIndex.hasOwnProperty(fam);
      var out = [];
      for (var i = 0; i < rows.length; i++) {
        var r = rows[i];
        if (terms.length) {
          var ok = true;
          for (var t = 0; t < terms.length; t++) if (hay[i].indexOf(terms[t]) < 0) { ok = false; break; }
          if (!ok) continue;
        }
        if (fam === "-") { if (r[8] > 0) continue; }
        else if (fam && famOk) { if (famCount(r, fam, sevRank || 1) === 0) continue; }
        if (sevRank && !(fam && fam !== "-") && sevCount(r, sevRank) === 0) continue;
        if (lo !== null || hi !== null) {
          if (r[4] === null) continue;
          if (lo !== null && r[4] < lo) continue;
          if (hi !== null && r[4] > hi) continue;
        }
        out.push(i);
      }
      var key = state.sort, dir = state.dir === "desc" ? -1 : 1;
      if (key) {
        var get;
        if (key === "title") get = function (r) { return r[1].toLowerCase(); };
        else if (key === "outlet") get = function (r) { return r[2].toLowerCase(); };
        else if (key === "date") get = function (r) { return r[3]; };
        else if (key === "score") get = function (r) { return r[4]; };
        else if (key === "total") get = function (r) { return r[8]; };
        else if (key.indexOf("fam:") === 0 && famIndex.hasOwnProperty(key.slice(4))) {
          var f = key.slice(4);
          get = function (r) { return famCount(r, f, 1); };
        }
        if (get) {
          out.sort(function (a, b) {
            var x = get(rows[a]), y = get(rows[b]);
            var xe = x === null || x === "", ye = y === null || y === "";
            if (xe || ye) return xe === ye ? a - b : (xe ? 1 : -1);   // empty values last
            return x < y ? -dir : x > y ? dir : a - b;
          });
        }
      }
      filtered = out;
    }

    function td(text, cls) {
      var c = document.createElement("td");
      if (cls) c.className = cls;
      if (text !== undefined && text !== null) c.textContent = String(text);
      return c;
    }
    function band(s) { return s < 40 ? "low" : s < 70 ? "mid" : "high"; }
    function rowEl(i) {
      var r = rows[i], tr = document.createElement("tr");
      tr.setAttribute("data-i", i);
      var t = td(null, "title");
      if (r[6]) {
        var a = document.createElement("a");
        a.href = r[6]; a.textContent = r[1] || r[0];
        if (r[1]) a.title = r[0];
        t.appendChild(a);
      } else t.textContent = r[1] || r[0];
      tr.appendChild(t);
      tr.appendChild(td(r[2]));
      tr.appendChild(td(r[3], "date"));
      var sc = td(null, "num");
      if (r[4] !== null) {
        var sp = document.createElement("span");
        sp.className = "score-cell band-" + band(r[4]);
        sp.textContent = String(Math.round(r[4]));
        if (r[5]) sp.title = "grade " + r[5];
        sc.appendChild(sp);
      }
      tr.appendChild(sc);
      for (var f = 0; f < fams.length; f++) {
        var n = famCount(r, fams[f], 1);
        tr.appendChild(td(n || "·", n ? "num" : "num zero"));
      }
      tr.appendChild(td(r[8], "num"));
      return tr;
    }
    function render() {
      var per = parseInt(state.per, 10) || 50;
      var pages = Math.max(1, Math.ceil(filtered.length / per));
      var pg = Math.min(Math.max(1, parseInt(state.page, 10) || 1), pages);
      state.page = String(pg);
      var from = printing ? 0 : (pg - 1) * per, to = printing ? filtered.length : Math.min(filtered.length, from + per);
      var frag = document.createDocumentFragment();
      for (var k = from; k < to; k++) frag.appendChild(rowEl(filtered[k]));
      el.body.textContent = "";
      el.body.appendChild(frag);
      var fmt = function (x) { return x.toLocaleString("en"); };
      var shown = filtered.length ? fmt(from + 1) + "–" + fmt(to) + " of " : "";
      el.status.textContent = filtered.length === rows.length
        ? "Showing " + shown + fmt(rows.length) + " articles"
        : "Showing " + shown + fmt(filtered.length) + " matching articles (of " + fmt(rows.length) + ")";
      if (!filtered.length) el.status.textContent = "No article matches (of " + fmt(rows.length) + ").";
      el.info.textContent = "page " + pg + " of " + pages;
      el.prev.disabled = pg <= 1; el.next.disabled = pg >= pages;
      var ths = el.table.querySelectorAll("th[data-key]");
      for (var j = 0; j < ths.length; j++) {
        var key = ths[j].getAttribute("data-key");
        if (key === state.sort) ths[j].setAttribute("aria-sort", state.dir === "desc" ? "descending" : "ascending");
        else ths[j].removeAttribute("aria-sort");
      }
      selected = -1;
      writeHash();
      document.body.setAttribute("data-ready", "1");
    }
    function update(changes, keepPage) {
      Object.keys(changes).forEach(function (k) { state[k] = String(changes[k]); });
      if (!keepPage) state.page = "1";
      compute(); render();
    }
    var form = document.getElementById("filters");
    if (form) form.addEventListener("submit", function (ev) { ev.preventDefault(); });
    var timer = null;
    el.q.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { update({ q: el.q.value }); }, 120);
    });
    el.fam.addEventListener("change", function () { update({ fam: el.fam.value }); });
    el.sev.addEventListener("change", function () { update({ sev: el.sev.value }); });
    el.min.addEventListener("change", function () { update({ min: el.min.value }); });
    el.max.addEventListener("change", function () { update({ max: el.max.value }); });
    el.per.addEventListener("change", function () { update({ per: el.per.value }); });
    el.reset.addEventListener("click", function () { state = Object.assign({}, defaults); toControls(); compute(); render(); });
    el.prev.addEventListener("click", function () { update({ page: (parseInt(state.page, 10) || 1) - 1 }, true); });
    el.next.addEventListener("click", function () { update({ page: (parseInt(state.page, 10) || 1) + 1 }, true); });
    var ths = el.table.querySelectorAll("th[data-key] button");
    for (var j = 0; j < ths.length; j++) {
      ths[j].addEventListener("click", function (ev) {
        var key = ev.currentTarget.parentNode.getAttribute("data-key");
        var numeric = key === "score" || key === "total" || key.indexOf("fam:") === 0;
        var dir = state.sort === key ? (state.dir === "asc" ? "desc" : "asc") : (numeric && key !== "score" ? "desc" : "asc");
        update({ sort: key, dir: dir }, false);
      });
    }
    window.addEventListener("hashchange", function () {
      var s = parseHash();
      if (JSON.stringify(s) === JSON.stringify(state)) return;
      state = s; toControls(); compute(); render();
    });
    function select(k) {
      var trs = el.body.querySelectorAll("tr");
      if (!trs.length) return;
      if (selected >= 0 && trs[selected]) trs[selected].classList.remove("sel");
      selected = Math.min(Math.max(0, k), trs.length - 1);
      trs[selected].classList.add("sel");
      trs[selected].scrollIntoView({ block: "nearest" });
    }
    document.addEventListener("keydown", function (ev) {
      if (typing(ev)) {
        if (ev.key === "Escape" && ev.target === el.q) el.q.blur();
        return;
      }
      if (ev.key === "/") { el.q.focus(); el.q.select(); ev.preventDefault(); }
      else if (ev.key === "j") select(selected + 1);
      else if (ev.key === "k") select(selected - 1);
      else if (ev.key === "Enter" || ev.key === "o") {
        var tr = el.body.querySelectorAll("tr")[selected], a = tr && tr.querySelector("a");
        if (a) location.href = a.href;
      }
      else if ((ev.key === "n" || ev.key === "]") && !el.next.disabled) el.next.click();
      else if ((ev.key === "p" || ev.key === "[") && !el.prev.disabled) el.prev.click();
    });
    window.addEventListener("beforeprint", function () { printing = true; render(); });
    window.addEventListener("afterprint", function () { printing = false; render(); });

    state = parseHash();
    toControls();
    compute();
    render();
  }

  // ---------------------------------------------------------------- article
  function initArticle() {
    var entries = Array.prototype.slice.call(document.querySelectorAll("#findings > li.finding"));
    var current = -1;
    function marksOf(n) {
      return document.querySelectorAll('mark.hl[data-f~="' + n + '"], a.fn[data-f="' + n + '"]');
    }
    function clearCurrent() {
      var old = document.querySelectorAll(".current");
      for (var i = 0; i < old.length; i++) old[i].classList.remove("current");
    }
    function activate(k, scroll) {
      if (!entries.length) return;
      current = Math.min(Math.max(0, k), entries.length - 1);
      var li = entries[current], n = li.getAttribute("data-n");
      clearCurrent();
      li.classList.add("current");
      var ms = marksOf(n);
      for (var i = 0; i < ms.length; i++) ms[i].classList.add("current");
      if (scroll !== false) {
        var anchor = document.getElementById("hl-" + n);
        if (anchor) anchor.scrollIntoView({ block: "center" });
        li.scrollIntoView({ block: "nearest" });
      }
    }
    function entryIndex(n) {
      for (var i = 0; i < entries.length; i++) if (entries[i].getAttribute("data-n") === String(n)) return i;
      return -1;
    }
    document.addEventListener("click", function (ev) {
      var m = ev.target.closest && ev.target.closest("mark.hl");
      if (!m) return;
      var n = m.getAttribute("data-f").split(" ")[0];      // innermost finding first
      var k = entryIndex(n);
      if (k >= 0) { activate(k, false); entries[k].scrollIntoView({ block: "nearest" }); setHash("f-" + n); }
    });
    function go(rel) {
      var a = document.getElementById(rel === "next" ? "next-article" : "prev-article");
      if (a) location.href = a.href;
    }
    document.addEventListener("keydown", function (ev) {
      if (typing(ev)) return;
      if (ev.key === "j") activate(current + 1);
      else if (ev.key === "k") activate(current < 0 ? 0 : current - 1);
      else if (ev.key === "n" || ev.key === "]") go("next");
      else if (ev.key === "p" || ev.key === "[") go("prev");
    });

    // #at=START-END: mark that span of the text (links from related findings and chains);
    // #at=FIELD:START-END: offsets into a JSON record's title or text, moved by the text's
    // data-at-FIELD (where that field begins in the text shown)
    function clearTarget() {
      var old = document.querySelectorAll("mark.target");
      for (var i = 0; i < old.length; i++) {
        var m = old[i], parent = m.parentNode;
        while (m.firstChild) parent.insertBefore(m.firstChild, m);
        parent.removeChild(m);
        parent.normalize();
      }
    }
    function showSpan(start, end) {
      clearTarget();
      var segs = document.querySelectorAll("#text [data-o]"), first = null;
      for (var i = 0; i < segs.length; i++) {
        var seg = segs[i], o = parseInt(seg.getAttribute("data-o"), 10);
        var node = seg.firstChild;
        if (!node || node.nodeType !== 3) continue;
        var len = node.data.length;
        if (o + len <= start || o >= end) continue;
        var s = Math.max(0, start - o), e = Math.min(len, end - o);
        if (e <= s) continue;
        var range = document.createRange();
        range.setStart(node, s); range.setEnd(node, e);
        var mark = document.createElement("mark");
        mark.className = "target";
        range.surroundContents(mark);
        if (!first) first = mark;
      }
      if (first) {
        first.id = "target";
        first.scrollIntoView({ block: "center" });
      }
      return first;
    }
    function fromHash() {
      var h = location.hash.replace(/^#/, "");
      var m = /^at=(?:(title|text):)?(\d+)-(\d+)$/.exec(h);
      if (m) {
        var el = document.getElementById("text"), shift = 0;
        if (m[1] && el) shift = parseInt(el.getAttribute("data-at-" + m[1]) || "0", 10) || 0;
        showSpan(parseInt(m[2], 10) + shift, parseInt(m[3], 10) + shift);
        return;
      }
      m = /^(?:f|hl)-(\d+)$/.exec(h);
      if (m) { var k = entryIndex(m[1]); if (k >= 0) activate(k, false); }
    }
    window.addEventListener("hashchange", fromHash);
    fromHash();
    document.body.setAttribute("data-ready", "1");
  }
})();
