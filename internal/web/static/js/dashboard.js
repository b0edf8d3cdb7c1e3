// 总览: readiness by district as a chart and the items short of the
// standing scenarios, both from GET /api/readiness.
(function () {
  'use strict';
  const S = window.Stockpile;

  // CHAIN is the seed's delivery chain, drawn as one stacked bar a
  // district: what its own stock brings within 4 h, what city stock adds
  // by 6 h, what other districts add by 24 h (cumulative shares of the
  // district's level Ⅱ needs, from the overview's districts[].chain).
  const CHAIN = [['own_4h', 'dash.chain_own'], ['city_6h', 'dash.chain_city'], ['others_24h', 'dash.chain_others']];

  // drawChart draws readiness by district as horizontal stacked bars in
  // plain HTML: the dashboard's one chart needs no charting library, so the
  // page is usable as soon as the readiness answer is in. Weakest district
  // on top: the least its own stock brings within 4 h, then the least with
  // the city's by 6 h.
  function drawChart(districts) {
    const box = document.getElementById('district-chart');
    const ch = (d) => d.chain || { own_4h: 0, city_6h: 0, others_24h: 0 };
    const rows = districts.slice().sort((a, b) => (ch(a).own_4h - ch(b).own_4h) ||
      (ch(a).city_6h - ch(b).city_6h) || (ch(a).others_24h - ch(b).others_24h));
    const clamp = (v) => Math.min(1, Math.max(0, v || 0));
    const pct = (v) => Math.round(clamp(v) * 1000) / 10 + '%';
    const legend = S.el('div', { class: 'bars-legend' }, CHAIN.map(([k, label]) =>
      S.el('span', null, S.el('i', { class: 'bar-' + k }), S.t(label))));
    const list = S.el('div', { class: 'bars', role: 'list' }, rows.map((d) => {
      const name = S.pick(d.name_zh, d.name_en);
      const c = ch(d);
      let prev = 0;
      const segs = CHAIN.map(([k, label]) => {
        const v = Math.max(clamp(c[k]), prev);
        const seg = S.el('span', { class: 'bar bar-' + k, style: 'width:' + pct(v - prev), 'data-series': k,
          'data-value': String(c[k]), title: S.t(label) + ' ' + S.pct(c[k]) });
        prev = v;
        return seg;
      });
      const title = CHAIN.map(([k, label]) => S.t(label) + ' ' + S.pct(c[k])).join(';');
      return S.el('div', { class: 'bars-row', role: 'listitem', 'data-area': d.area, 'data-own': String(c.own_4h) },
        S.el('a', { class: 'bars-name', href: '/readiness#rd-districts', title: name }, name),
        S.el('div', { class: 'bars-line chain-line', title: title },
          S.el('span', { class: 'bars-track chain-track' }, segs),
          S.el('span', { class: 'bars-value chain-values' }, CHAIN.map(([k]) =>
            S.el('span', { class: 'chain-' + k }, S.pct(c[k]))))));
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
