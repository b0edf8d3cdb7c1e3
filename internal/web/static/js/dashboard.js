// 总览: readiness by district as a chart and the items short of the
// standing scenarios, both from GET /api/readiness.
(function () {
  'use strict';
  const S = window.Stockpile;

  // SERIES are the bars drawn for each district, in order.
  const SERIES = [['in_time', 'dash.in_time'], ['coverage', 'dash.coverage'], ['local', 'dash.local']];

  // drawChart draws readiness by district as horizontal bars in plain HTML:
  // the dashboard's one chart needs no charting library, so the page is
  // usable as soon as the readiness answer is in. Weakest district on top:
  // every district can draw on the city's stock, so in time and coverage
  // are often alike; what a district holds itself tells them apart.
  function drawChart(districts) {
    const box = document.getElementById('district-chart');
    const rows = districts.slice().sort((a, b) => (a.summary.in_time - b.summary.in_time) ||
      (a.summary.local - b.summary.local) || (a.summary.coverage - b.summary.coverage));
    const pct = (v) => Math.round(Math.min(1, Math.max(0, v)) * 1000) / 10 + '%';
    const legend = S.el('div', { class: 'bars-legend' }, SERIES.map(([k, label]) =>
      S.el('span', null, S.el('i', { class: 'bar-' + k }), S.t(label))));
    const list = S.el('div', { class: 'bars', role: 'list' }, rows.map((d) => {
      const name = S.pick(d.name_zh, d.name_en);
      return S.el('div', { class: 'bars-row', role: 'listitem', 'data-area': d.area },
        S.el('a', { class: 'bars-name', href: '/readiness#rd-districts', title: name }, name),
        S.el('div', { class: 'bars-set' }, SERIES.map(([k, label]) => {
          const v = d.summary[k];
          return S.el('div', { class: 'bars-line', title: S.t(label) + ' ' + S.pct(v) },
            S.el('span', { class: 'bars-track' },
              S.el('span', { class: 'bar bar-' + k, style: 'width:' + pct(v), 'data-series': k, 'data-value': String(v) })),
            S.el('span', { class: 'bars-value' }, S.pct(v)));
        })));
    }));
    box.replaceChildren(legend, list);
  }

  // shortItems merges the standing scenarios' items: the worst gap of each.
  function shortItems(scenarios) {
    const worst = new Map();
    for (const sc of scenarios) {
      for (const it of sc.items) {
        if (!(it.gap > 0)) continue;
        const prev = worst.get(it.item);
        if (!prev || it.gap > prev.gap) worst.set(it.item, it);
      }
    }
    return [...worst.values()].sort((a, b) => a.coverage - b.coverage);
  }

  function drawShortages(items) {
    const box = document.getElementById('shortages');
    box.textContent = '';
    if (items.length === 0) {
      box.append(S.el('div', { class: 'alert ok', 'data-alert': 'shortages-none' }, S.t('dash.shortages_none')));
      return;
    }
    const list = S.el('ul', { class: 'shortage-list' }, items.map((it) =>
      S.el('li', { 'data-item': it.item }, S.t('dash.shortage_item', S.pick(it.name_zh, it.name_en), S.num(it.gap, 0), S.pick(it.unit_zh, it.unit_en), S.pct(it.coverage)))));
    box.append(S.el('div', { class: 'alert bad', 'data-alert': 'shortages' }, S.t('dash.shortages', items.length), list,
      S.el('a', { href: '/readiness' }, S.t('dash.shortages_more'))));
  }

  async function load() {
    // Readiness is not for every role (a warehouse keeper's dashboard is
    // their depots' stock): without its chart there is nothing to load.
    if (!document.getElementById('district-chart')) {
      S.ready('dashboard');
      return;
    }
    try {
      const ov = await S.api('GET', '/api/readiness');
      drawChart(ov.districts || []);
      drawShortages(shortItems(ov.scenarios || []));
    } catch (err) {
      const msg = S.t('dash.shortages_error', S.errorText(err));
      document.getElementById('shortages').replaceChildren(S.el('div', { class: 'alert bad' }, msg));
      document.getElementById('district-chart').replaceChildren(S.el('div', { class: 'empty error-text' }, msg));
    }
    S.ready('dashboard');
  }
  load();
})();
