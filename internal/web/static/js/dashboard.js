// 总览: readiness by district as a chart and the items short of the
// standing scenarios, both from GET /api/readiness.
(function () {
  'use strict';
  const S = window.Stockpile;

  function drawChart(districts) {
    const el = document.getElementById('district-chart');
    el.textContent = '';
    // Weakest first: every district can draw on the city's stock, so coverage
    // and in-time are often alike; what a district holds itself tells them apart.
    const rows = districts.slice().sort((a, b) => (a.summary.in_time - b.summary.in_time) ||
      (a.summary.local - b.summary.local) || (a.summary.coverage - b.summary.coverage));
    el.style.height = Math.max(320, rows.length * 34 + 60) + 'px';
    const chart = echarts.init(el, null, { renderer: 'canvas' });
    const pctLabel = (p) => Math.round(p.value * 1000) / 10 + '%';
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 24, top: 28, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => S.pct(v) },
      xAxis: { type: 'value', max: 1, axisLabel: { formatter: (v) => v * 100 + '%' } },
      yAxis: { type: 'category', inverse: true, data: rows.map((d) => S.pick(d.name_zh, d.name_en)), axisLabel: { fontSize: 11 } },
      series: [
        { name: S.t('dash.in_time'), type: 'bar', data: rows.map((d) => d.summary.in_time), itemStyle: { color: '#1565c0' },
          label: { show: true, position: 'right', formatter: pctLabel, fontSize: 10 } },
        { name: S.t('dash.coverage'), type: 'bar', data: rows.map((d) => d.summary.coverage), itemStyle: { color: '#90a4ae' } },
        { name: S.t('dash.local'), type: 'bar', data: rows.map((d) => d.summary.local), itemStyle: { color: '#26a69a' },
          label: { show: true, position: 'right', formatter: pctLabel, fontSize: 10 } },
      ],
    });
    window.addEventListener('resize', () => chart.resize());
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
    const list = S.el('ul', { class: 'shortage-list' }, items.slice(0, 8).map((it) =>
      S.el('li', { 'data-item': it.item }, S.t('dash.shortage_item', S.pick(it.name_zh, it.name_en), S.num(it.gap, 0), S.pick(it.unit_zh, it.unit_en), S.pct(it.coverage)))));
    box.append(S.el('div', { class: 'alert bad', 'data-alert': 'shortages' }, S.t('dash.shortages', items.length), list,
      S.el('a', { href: '/readiness' }, S.t('dash.shortages_more'))));
  }

  async function load() {
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
