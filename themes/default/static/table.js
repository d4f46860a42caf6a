/* salesbook tables: sort by a column, filter the rows (vanilla JS, loads
 * nothing). Progressive enhancement: without JavaScript every table is its
 * rows as written, in the order the page gives them.
 *
 * Every table of a `.sec-table` section with two rows or more gets its
 * headers turned into buttons (keyboard: Tab, Enter/Space) that sort by
 * their column, ascending then descending, `aria-sort` on the header. A cell
 * with `data-sort` (the site writes it on every figure) sorts by that number;
 * "—" or no number sorts last either way. Other cells sort as text (numbers
 * inside text in numeric order). A table of FILTER_ROWS rows or more also gets
 * a text box above it: only the rows containing every word typed stay shown.
 *
 * The words come from the strings files, on <body>: data-table-filter (the
 * box's label), data-table-count ("{n}" of "{total}" rows) and data-table-sort
 * (the buttons' title). The case library has its own search (search.js), so its
 * page is left alone.
 */
(function () {
  'use strict';
  var FILTER_ROWS = 15;
  if (document.getElementById('case-search')) return;
  var body = document.body;
  var words = {
    filter: body.getAttribute('data-table-filter') || '',
    count: body.getAttribute('data-table-count') || '{n} / {total}',
    sort: body.getAttribute('data-table-sort') || ''
  };
  var collator = new Intl.Collator(document.documentElement.lang || undefined, {
    numeric: true,
    sensitivity: 'base'
  });

  function key(cell) {
    if (!cell) return { num: true, v: null };
    var s = cell.getAttribute('data-sort');
    if (s !== null) {
      var n = parseFloat(s);
      // A value that is no number ("—") sorts last: null.
      return { num: true, v: Number.isFinite(n) ? n : null };
    }
    var t = cell.textContent.trim();
    // "—" is the site's "no value", in text columns too.
    return { num: false, v: t === '\u2014' ? '' : t };
  }

  function compare(a, b) {
    if (a.num && b.num) {
      var an = a.v === null;
      var bn = b.v === null;
      if (an || bn) return an === bn ? 0 : an ? 1 : -1;
      return a.v - b.v;
    }
    if (a.v === '' || b.v === '') return a.v === b.v ? 0 : a.v === '' ? 1 : -1;
    return collator.compare(String(a.v), String(b.v));
  }

  function missing(k) {
    return k.num ? k.v === null : k.v === '';
  }

  function sortBy(table, col, th) {
    var tbody = table.tBodies[0];
    var dir = th.getAttribute('aria-sort') === 'ascending' ? 'descending' : 'ascending';
    var heads = table.tHead.rows[0].cells;
    for (var i = 0; i < heads.length; i++) heads[i].removeAttribute('aria-sort');
    th.setAttribute('aria-sort', dir);
    var rows = Array.prototype.slice.call(tbody.rows).map(function (tr, i) {
      return { tr: tr, i: i, k: key(tr.cells[col]) };
    });
    rows.sort(function (a, b) {
      // Cells without a value stay last in both directions.
      var ma = missing(a.k);
      var mb = missing(b.k);
      if (ma || mb) return ma === mb ? a.i - b.i : ma ? 1 : -1;
      var c = compare(a.k, b.k);
      if (dir === 'descending') c = -c;
      return c || a.i - b.i;
    });
    rows.forEach(function (r) {
      tbody.appendChild(r.tr);
    });
  }

  function addFilter(table, wrap) {
    var tbody = table.tBodies[0];
    var total = tbody.rows.length;
    var box = document.createElement('div');
    box.className = 'table-filter';
    var label = document.createElement('label');
    var span = document.createElement('span');
    span.textContent = words.filter;
    var input = document.createElement('input');
    input.type = 'search';
    input.autocomplete = 'off';
    var count = document.createElement('span');
    count.className = 'count';
    count.setAttribute('aria-live', 'polite');
    label.appendChild(span);
    label.appendChild(input);
    box.appendChild(label);
    box.appendChild(count);
    wrap.parentNode.insertBefore(box, wrap);
    // Each row's text, read before any sort moves the rows.
    var texts = new WeakMap();
    Array.prototype.forEach.call(tbody.rows, function (tr) {
      texts.set(tr, tr.textContent.toLowerCase());
    });
    function apply() {
      var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      Array.prototype.forEach.call(tbody.rows, function (tr) {
        var text = texts.get(tr) || '';
        var show = terms.every(function (t) {
          return text.indexOf(t) >= 0;
        });
        tr.hidden = !show;
        if (show) shown++;
      });
      count.textContent = terms.length
        ? words.count.replace('{n}', shown).replace('{total}', total)
        : '';
    }
    input.addEventListener('input', apply);
  }

  function enhance(table) {
    if (!table.tHead || !table.tBodies.length || table.tBodies[0].rows.length < 2) return;
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      var b = document.createElement('button');
      b.type = 'button';
      b.className = 'sort';
      if (words.sort) b.title = words.sort;
      while (th.firstChild) b.appendChild(th.firstChild);
      th.appendChild(b);
      b.addEventListener('click', function () {
        sortBy(table, col, th);
      });
    });
    table.classList.add('sortable');
    if (table.tBodies[0].rows.length >= FILTER_ROWS) {
      addFilter(table, table.parentNode.classList.contains('scroll') ? table.parentNode : table);
    }
  }

  function init() {
    var tables = document.querySelectorAll('section.sec-table table');
    Array.prototype.forEach.call(tables, enhance);
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
