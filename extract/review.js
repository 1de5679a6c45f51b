/* review.js - the script of `zhengce review` pages, inlined by tool_review.c.
 *
 * Everything it shows comes from the page's JSON (the zc-data element) and is
 * put into the page with textContent only, never as markup: document text
 * cannot become HTML here either.
 *
 * Click a highlight (or follow a link to one) to see its values in the
 * side panel; n / p jump to the next / previous missing or extra item;
 * the legend's boxes switch kinds on and off. */
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('zc-data').textContent);
  var byId = {};
  data.items.forEach(function (it) { byId[it.id] = it; });
  var panel = document.getElementById('detail-body');
  var selected = [];

  function fmt(v) {
    if (v === null || v === undefined) return '\u2014';
    if (Array.isArray(v)) {
      if (v.length === 0) return '\u2014';
      return v.map(fmt).join(typeof v[0] === 'number' ? ', ' : '\u3001');
    }
    if (typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  function row(table, key, value) {
    var tr = el('tr');
    tr.appendChild(el('th', key));
    tr.appendChild(el('td', fmt(value)));
    table.appendChild(tr);
  }

  function select(id) {
    selected.forEach(function (e) { e.classList.remove('sel'); });
    var q = CSS.escape(id);
    selected = Array.prototype.slice.call(document.querySelectorAll(
      '[data-id="' + q + '"], [data-of="' + q + '"]'));
    selected.forEach(function (e) { e.classList.add('sel'); });
  }

  function show(id) {
    var it = byId[id];
    if (!it) return;
    select(id);
    panel.textContent = '';
    var title = it.label + (it.status ? ' \u00b7 ' + it.status : '');
    panel.appendChild(el('h2', title));
    var t = el('table');
    row(t, 'section', it.section);
    Object.keys(it.item).forEach(function (k) { row(t, k, it.item[k]); });
    panel.appendChild(t);
    if (it.clause) {
      var a = el('a', 'the clause');
      a.href = '#' + it.clause;
      panel.appendChild(el('p')).appendChild(a);
    }
  }

  document.getElementById('text').addEventListener('click', function (e) {
    var hit = e.target.closest('[data-id], [data-of]');
    if (hit) show(hit.getAttribute('data-id') || hit.getAttribute('data-of'));
  });

  function fromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (byId[id]) show(id);
  }
  window.addEventListener('hashchange', fromHash);
  fromHash();

  document.querySelectorAll('input[data-toggle]').forEach(function (box) {
    box.addEventListener('change', function () {
      document.body.classList.toggle('hide-' + box.getAttribute('data-toggle'),
                                     !box.checked);
    });
  });

  /* n / p: walk the review's differences in document order */
  var diffs = Array.prototype.slice.call(document.querySelectorAll(
    '#text [data-id][data-status="missing"],' +
    '#text [data-id][data-status="extra"]'));
  var at = -1;
  document.addEventListener('keydown', function (e) {
    if (!diffs.length || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key !== 'n' && e.key !== 'p') return;
    at = (at + (e.key === 'n' ? 1 : diffs.length - 1)) % diffs.length;
    diffs[at].scrollIntoView({block: 'center'});
    show(diffs[at].getAttribute('data-id'));
  });

  /* outline: mark the section being read */
  var links = {};
  document.querySelectorAll('#outline a[data-sec]').forEach(function (a) {
    links[a.getAttribute('data-sec')] = a;
  });
  var current = null;
  if ('IntersectionObserver' in window) {
    var seen = new IntersectionObserver(function (entries) {
      entries.forEach(function (en) {
        if (!en.isIntersecting) return;
        var a = links[en.target.getAttribute('data-sec')];
        if (!a) return;
        if (current) current.classList.remove('current');
        current = a;
        a.classList.add('current');
      });
    }, {rootMargin: '0px 0px -70% 0px'});
    document.querySelectorAll('#text .sec[data-sec]').forEach(function (s) {
      seen.observe(s);
    });
  }

  /* the browser test checks that this script, and only this one, ran */
  document.documentElement.setAttribute('data-ready', '1');
})();
