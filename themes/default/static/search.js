/* salesbook case library: search and filters (vanilla JS; it loads nothing
 * but the site's own files).
 *
 * The index is written at build time in parts (src/site/search.rs), all
 * scripts, because fetch() of a file does not work from file://:
 * cases/search-index.js sets SALESBOOK_CASES = {n, shards, meta, text, facets};
 * cases/search/k<i>.js, m<i>.js and t<i>.js each call SALESBOOK_SEARCH(name,
 * data) and are loaded when a query needs them: the keys of its terms, the
 * rows of the page of results shown, and, for a term of three or more
 * characters, the texts that confirm its candidates.
 *
 * Matching: each query term (split on spaces) must be a substring of the
 * case's normalised text (NFKC, lowercase, white space collapsed). Every
 * character and every pair of neighbouring characters of the texts is a key
 * listing its cases, so a term of one or two characters is answered by its
 * key; a longer term's candidates are the cases under all its pairs, each
 * confirmed on its text, only as far as the page shown needs.
 *
 * The query and filters live in the URL (?q=…&result=…&industry=…&stage=…&tag=…):
 * read on load, rewritten (history.replaceState) as the user types. Without
 * JavaScript the form stays hidden and the list is its pages as written; with
 * it, a query or a filter puts the matches in the list's place, PAGE at a time.
 */
(function () {
  'use strict';
  var index = window.SALESBOOK_CASES;
  var script = document.querySelector('script[src$="search-index.js"]');
  if (!index || !index.facets || !script) return;
  var base = script.src.slice(0, script.src.lastIndexOf('/') + 1);
  var FACETS = ['result', 'industry', 'stage', 'tag'];
  var PAGE = 20;
  var DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  var has = function (o, k) {
    return Object.prototype.hasOwnProperty.call(o, k);
  };

  // The parts, each loaded once; a part that fails to load is null.
  var parts = {};
  var pending = {};
  window.SALESBOOK_SEARCH = function (name, data) {
    parts[name] = data;
  };
  function load(names, done) {
    var left = 1;
    function one() {
      if (--left === 0) done();
    }
    names.forEach(function (n) {
      if (has(parts, n)) return;
      left++;
      if (pending[n]) {
        pending[n].push(one);
        return;
      }
      pending[n] = [one];
      var s = document.createElement('script');
      s.src = base + 'search/' + n + '.js';
      s.onload = s.onerror = function () {
        if (!has(parts, n)) parts[n] = null;
        s.parentNode.removeChild(s);
        var waiting = pending[n];
        delete pending[n];
        waiting.forEach(function (f) {
          f();
        });
      };
      document.head.appendChild(s);
    });
    one();
  }

  function norm(s) {
    s = String(s || '');
    if (s.normalize) s = s.normalize('NFKC');
    return s.toLowerCase().replace(/\s+/g, ' ').trim();
  }

  // A set of case numbers: gaps as base-64 varints, or '~' and a bitmap.
  var VALUE = {};
  for (var d = 0; d < DIGITS.length; d++) VALUE[DIGITS.charAt(d)] = d;
  function decode(s) {
    var out = [];
    var j, v;
    if (s.charAt(0) === '~') {
      for (j = 1; j < s.length; j++) {
        v = VALUE[s.charAt(j)];
        for (var b = 0; b < 6; b++) if (v & (1 << b)) out.push((j - 1) * 6 + b);
      }
      return out;
    }
    var next = 0;
    var gap = 0;
    var scale = 1;
    for (j = 0; j < s.length; j++) {
      v = VALUE[s.charAt(j)];
      if (v >= 32) {
        gap += (v - 32) * scale;
        scale *= 32;
      } else {
        gap += v * scale;
        out.push(next + gap);
        next += gap + 1;
        gap = 0;
        scale = 1;
      }
    }
    return out;
  }

  function intersect(a, b) {
    var out = [];
    var i = 0;
    var j = 0;
    while (i < a.length && j < b.length) {
      if (a[i] < b[j]) i++;
      else if (a[i] > b[j]) j++;
      else {
        out.push(a[i]);
        i++;
        j++;
      }
    }
    return out;
  }

  // FNV-1a over the key's UTF-16 code units, as the build computes it.
  function shard(key) {
    var h = 0x811c9dc5;
    for (var i = 0; i < key.length; i++) {
      h ^= key.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return 'k' + (h % index.shards);
  }

  // A term's keys: itself when one character, else its neighbouring pairs.
  function keys(term) {
    var cps = Array.from(term);
    if (cps.length === 1) return cps;
    var out = [];
    for (var i = 0; i + 1 < cps.length; i++) {
      var k = cps[i] + cps[i + 1];
      if (out.indexOf(k) < 0) out.push(k);
    }
    return out;
  }

  // The text chunk holding case `id`: the last start at or before it.
  function textChunk(id) {
    var lo = 0;
    var hi = index.text.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (index.text[mid] <= id) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  // The matches of a query, in library order, found as far as asked.
  function Results(ids, check) {
    this.ids = ids;
    this.check = check;
    this.found = check.length ? [] : ids;
    this.at = check.length ? 0 : ids.length;
  }
  Results.prototype.complete = function () {
    return this.at >= this.ids.length;
  };
  // Confirms candidates on their texts until `want` are found or none is left.
  Results.prototype.fill = function (want, done) {
    var self = this;
    while (self.found.length < want && self.at < self.ids.length) {
      var id = self.ids[self.at];
      var c = textChunk(id);
      if (!has(parts, 't' + c)) {
        // This chunk and those of the next candidates, in one go.
        var names = [];
        for (var k = self.at; k < self.ids.length && names.length < 2; k++) {
          var n = 't' + textChunk(self.ids[k]);
          if (!has(parts, n) && names.indexOf(n) < 0) names.push(n);
        }
        load(names, function () {
          self.fill(want, done);
        });
        return;
      }
      var texts = parts['t' + c];
      var text = (texts && texts[id - index.text[c]]) || '';
      var ok = true;
      for (var t = 0; t < self.check.length && ok; t++) ok = text.indexOf(self.check[t]) >= 0;
      if (ok) self.found.push(id);
      self.at++;
    }
    done();
  };

  // Calls back with the Results of a query's terms and the filters' values.
  function search(terms, want, done) {
    var sets = [];
    FACETS.forEach(function (f) {
      if (!want[f]) return;
      var hit = '';
      (index.facets[f] || []).forEach(function (o) {
        if (o[0] === want[f]) hit = o[2];
      });
      sets.push(decode(hit));
    });
    var ks = [];
    var check = [];
    terms.forEach(function (t) {
      keys(t).forEach(function (k) {
        if (ks.indexOf(k) < 0) ks.push(k);
      });
      if (Array.from(t).length > 2 && check.indexOf(t) < 0) check.push(t);
    });
    var shards = [];
    ks.forEach(function (k) {
      if (shards.indexOf(shard(k)) < 0) shards.push(shard(k));
    });
    load(shards, function () {
      ks.forEach(function (k) {
        var s = parts[shard(k)];
        sets.push(decode(s && has(s, k) ? s[k] : ''));
      });
      sets.sort(function (a, b) {
        return a.length - b.length;
      });
      var ids = null;
      sets.forEach(function (s) {
        ids = ids === null ? s : intersect(ids, s);
      });
      if (ids === null) {
        ids = [];
        for (var i = 0; i < index.n; i++) ids.push(i);
      }
      done(new Results(ids, check));
    });
  }

  // For a page outside the site (tests, an intranet portal): every match.
  window.SalesbookSearch = {
    find: function (query, want, done) {
      search(norm(query).split(' ').filter(Boolean), want || {}, function (r) {
        r.fill(index.n + 1, function () {
          done(r.found);
        });
      });
    },
  };

  var form = document.getElementById('case-search');
  var table = document.querySelector('main section.sec-table table');
  if (!form || !table) return;
  var written = table.tBodies[0];
  var pager = document.querySelector('main section.sec-pager');
  var q = form.elements.q;
  var count = document.getElementById('case-count');
  var none = document.getElementById('case-none');
  var nav = document.createElement('nav');
  nav.className = 'pager';
  nav.hidden = true;
  var prev = document.createElement('button');
  var where = document.createElement('span');
  var next = document.createElement('button');
  prev.type = next.type = 'button';
  prev.textContent = '← ' + (form.getAttribute('data-prev') || '');
  next.textContent = (form.getAttribute('data-next') || '') + ' →';
  nav.appendChild(prev);
  nav.appendChild(where);
  nav.appendChild(next);
  table.parentNode.parentNode.insertBefore(nav, table.parentNode.nextSibling);

  FACETS.forEach(function (f) {
    var sel = form.elements[f];
    if (!sel) return;
    (index.facets[f] || []).forEach(function (o) {
      sel.appendChild(new Option(o[1], o[0]));
    });
  });
  var resultLabel = {};
  (index.facets.result || []).forEach(function (o) {
    resultLabel[o[0]] = o[1];
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

  function say(n) {
    if (count) {
      count.textContent = (form.getAttribute('data-count') || '{n} / {total}')
        .replace('{n}', n)
        .replace('{total}', index.n);
    }
  }

  // A row as the list writes it: title (a link), date, result, industry, stage, tags.
  function row(id) {
    var m = parts['m' + Math.floor(id / index.meta)];
    var c = m && m[id % index.meta];
    var tr = document.createElement('tr');
    if (!c) return tr;
    var td = document.createElement('td');
    td.id = 'case-' + c[0];
    var a = document.createElement('a');
    a.href = base + c[0] + '/index.html';
    a.textContent = c[1];
    td.appendChild(a);
    tr.appendChild(td);
    [c[2], resultLabel[c[3]] || c[3], c[4], c[6], c[7].join('、')].forEach(function (t) {
      var cell = document.createElement('td');
      cell.textContent = t;
      tr.appendChild(cell);
    });
    return tr;
  }

  var turn = 0;
  var results = null;
  var page = 0;

  function showWritten() {
    if (table.tBodies[0] !== written) table.replaceChild(written, table.tBodies[0]);
    if (pager) pager.hidden = false;
    nav.hidden = true;
    if (none) none.hidden = true;
    say(index.n);
  }

  function show(my) {
    var r = results;
    // One more than the page, to know whether there is a next one.
    r.fill((page + 1) * PAGE + 1, function () {
      if (my !== turn) return;
      var ids = r.found.slice(page * PAGE, (page + 1) * PAGE);
      var chunks = [];
      ids.forEach(function (id) {
        var n = 'm' + Math.floor(id / index.meta);
        if (chunks.indexOf(n) < 0) chunks.push(n);
      });
      load(chunks, function () {
        if (my !== turn) return;
        var body = document.createElement('tbody');
        ids.forEach(function (id) {
          body.appendChild(row(id));
        });
        table.replaceChild(body, table.tBodies[0]);
        if (pager) pager.hidden = true;
        var total = r.found.length;
        var more = !r.complete();
        say(more ? total + '+' : total);
        if (none) none.hidden = total > 0;
        var pages = Math.max(1, Math.ceil(total / PAGE));
        nav.hidden = total <= PAGE && !more;
        where.textContent = ' ' + (page + 1) + (more ? '' : ' / ' + pages) + ' ';
        prev.disabled = page === 0;
        next.disabled = (page + 1) * PAGE >= total;
      });
    });
  }

  function apply(updateUrl) {
    if (updateUrl) toUrl();
    var terms = norm(q.value).split(' ').filter(Boolean);
    var want = {};
    var asked = terms.length > 0;
    FACETS.forEach(function (f) {
      want[f] = form.elements[f] ? form.elements[f].value : '';
      if (want[f]) asked = true;
    });
    var my = ++turn;
    if (!asked) {
      showWritten();
      return;
    }
    search(terms, want, function (r) {
      if (my !== turn) return;
      results = r;
      page = 0;
      show(my);
    });
  }

  prev.addEventListener('click', function () {
    if (page > 0) page--;
    show(++turn);
  });
  next.addEventListener('click', function () {
    page++;
    show(++turn);
  });
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
