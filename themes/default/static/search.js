/* salesbook case library: search and filters (vanilla JS, no network).
 *
 * The index is cases/search-index.js, written at build time; it sets the one
 * global SALESBOOK_CASES = { facets: {result|industry|stage|tag: [[value, label]]},
 * cases: [{id, result, industry, stage, tags, text}] }. It is a script, not JSON,
 * because fetch() of a file does not work from file://.
 *
 * Matching: each query term (split on spaces) must be a substring of the case's
 * text, which the build normalised (Markdown reduced to the text the page shows,
 * lowercased, whitespace collapsed); both sides are NFKC-normalised here too.
 * Substring search needs no word segmentation, so Chinese words match exactly
 * where they occur (a bigram index would also match the two halves of a word
 * found apart); the library is small enough that a linear scan is instant.
 *
 * The query and filters live in the URL (?q=…&result=…&industry=…&stage=…&tag=…):
 * read on load, rewritten (history.replaceState) as the user types.
 * Without JavaScript the form stays hidden and the full table is shown.
 */
(function () {
  'use strict';
  var data = window.SALESBOOK_CASES;
  var form = document.getElementById('case-search');
  if (!data || !data.cases || !form) return;
  var FACETS = ['result', 'industry', 'stage', 'tag'];

  function norm(s) {
    s = String(s || '');
    if (s.normalize) s = s.normalize('NFKC');
    return s.toLowerCase().replace(/\s+/g, ' ').trim();
  }

  var byId = {};
  data.cases.forEach(function (c) {
    c.norm = norm(c.text);
    byId[c.id] = c;
  });
  var rows = [];
  var cells = document.querySelectorAll('td[id^="case-"]');
  for (var i = 0; i < cells.length; i++) {
    var c = byId[cells[i].id.slice(5)];
    if (c) rows.push({ tr: cells[i].parentNode, c: c });
  }

  var q = form.elements.q;
  var count = document.getElementById('case-count');
  var none = document.getElementById('case-none');
  FACETS.forEach(function (f) {
    var sel = form.elements[f];
    if (!sel) return;
    (data.facets[f] || []).forEach(function (o) {
      sel.appendChild(new Option(o[1], o[0]));
    });
  });

  function select(sel, v) {
    for (var i = 0; i < sel.options.length; i++) {
      if (sel.options[i].value === v) {
        sel.selectedIndex = i;
        return;
      }
    }
    // A value from a shared URL that no case has: keep it (it matches nothing).
    sel.appendChild(new Option(v, v));
    sel.value = v;
  }

  function fromUrl() {
    var p = new URLSearchParams(location.search);
    q.value = p.get('q') || '';
    FACETS.forEach(function (f) {
      if (form.elements[f]) select(form.elements[f], p.get(f) || '');
    });
  }

  function toUrl() {
    var p = new URLSearchParams();
    if (q.value.trim()) p.set('q', q.value.trim());
    FACETS.forEach(function (f) {
      var sel = form.elements[f];
      if (sel && sel.value) p.set(f, sel.value);
    });
    var s = p.toString();
    try {
      history.replaceState(null, '', location.pathname + (s ? '?' + s : '') + location.hash);
    } catch (e) {
      /* Some browsers refuse replaceState on file:// URLs; the search still works. */
    }
  }

  function matches(c, terms, want) {
    for (var i = 0; i < FACETS.length; i++) {
      var f = FACETS[i];
      var w = want[f];
      if (!w) continue;
      if (f === 'tag' ? c.tags.indexOf(w) < 0 : c[f] !== w) return false;
    }
    for (var j = 0; j < terms.length; j++) {
      if (c.norm.indexOf(terms[j]) < 0) return false;
    }
    return true;
  }

  function apply(updateUrl) {
    var terms = norm(q.value).split(' ').filter(Boolean);
    var want = {};
    FACETS.forEach(function (f) {
      want[f] = form.elements[f] ? form.elements[f].value : '';
    });
    var shown = 0;
    rows.forEach(function (r) {
      var ok = matches(r.c, terms, want);
      r.tr.hidden = !ok;
      if (ok) shown++;
    });
    if (count) {
      count.textContent = (form.getAttribute('data-count') || '{n} / {total}')
        .replace('{n}', shown)
        .replace('{total}', rows.length);
    }
    if (none) none.hidden = shown > 0;
    if (updateUrl) toUrl();
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    apply(true);
  });
  form.addEventListener('input', function () {
    apply(true);
  });
  form.addEventListener('change', function () {
    apply(true);
  });
  form.addEventListener('reset', function () {
    setTimeout(function () {
      apply(true);
    }, 0);
  });
  window.addEventListener('popstate', function () {
    fromUrl();
    apply(false);
  });

  fromUrl();
  apply(false);
  form.hidden = false;
})();
