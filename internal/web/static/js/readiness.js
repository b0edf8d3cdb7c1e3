// 储备评估 (readiness): the two standing scenarios of the reserve plan, the
// readiness of every district as a map layer and a chart, one assessment's
// items, tiers, purchase list and rotation list, a scenario builder, and
// pre-positioning before a warning (物资前置). Everything shown is read from
// the JSON API; the server renders only the forms' choices (districts,
// hazards, levels, saved scenarios) and the names the API gives in Chinese only.
(function () {
  'use strict';
  const S = window.Stockpile;
  const { t, el, num, pct, pick } = S;
  const boot = JSON.parse(document.getElementById('readiness-data').textContent);
  const $ = (id) => document.getElementById(id);

  const state = {
    pair: boot.pair,
    hazard: boot.hazard,
    overview: null, // GET /api/readiness
    custom: null, // the assessment of the user's own scenario
    selected: '', // code of the scenario shown in detail
    measure: 'coverage', // of the district map and chart
    item: '', // the item the district map and chart show; '' for the mean over items
    district: '', // the district whose figures are shown
    map: null, // Stockpile.basemap result
    legend: null,
    charts: {},
    depots: {}, // code → English name, in English only
    ready: false,
  };

  // ---- names: the API names items, districts and depots in Chinese; the
  // page has the catalogue and the districts in both languages.
  const districts = Object.fromEntries(boot.districts.map((d) => [d.code, d]));
  const ROMAN = ['Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ'];
  function itemName(code, zh) { const it = boot.items[code]; return it ? pick(it[0], it[1]) : (zh || code); }
  function unitName(code, zh) { const it = boot.items[code]; return it ? pick(it[2], it[3]) : (zh || ''); }
  function districtName(code, zh) {
    if (code === boot.city) return t('readiness.all_city');
    const d = districts[code];
    return d ? pick(d.name_zh, d.name_en) : (zh || code);
  }
  function depotName(code, zh) { return pick(zh, state.depots[code]) || code; }
  const LIST_SEP = S.lang === 'en' ? ', ' : '、';
  function hazardName(h) { return h ? t('readiness.hazard.' + h) : ''; }
  function levelName(l) { return l >= 1 && l <= 4 ? t('readiness.level_n', ROMAN[l - 1]) : '–'; }
  function scenarioName(sc) { return pick(sc.name_zh, sc.name_en) || sc.code; }
  function time(unix) {
    return new Date(unix * 1000).toLocaleString(S.lang === 'en' ? 'en-GB' : 'zh-CN',
      { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  }
  function qty(v, code, zh) { return num(v, 1) + ' ' + unitName(code, zh); }

  // ---- shares: classes for badges and colours for the map.
  function shareClass(x) { return x >= 0.95 ? 'ok' : x >= 0.6 ? 'warn' : 'bad'; }
  function shareBadge(x) { return el('span', { class: 'badge ' + shareClass(x) }, pct(x)); }
  const SCALES = {
    share: [[1, '#1b7e3c', '100%'], [0.95, '#7cc47f', '95–100%'], [0.8, '#fdd835', '80–95%'], [0.5, '#fb8c00', '50–80%'], [0, '#e53935', '< 50%']],
    local: [[0.75, '#08519c', '≥ 75%'], [0.5, '#3182bd', '50–75%'], [0.25, '#6baed6', '25–50%'], [0, '#c6dbef', '< 25%']],
  };
  function scaleOf(measure) { return measure === 'local' ? SCALES.local : SCALES.share; }
  function colour(measure, v) {
    for (const [min, c] of scaleOf(measure)) if (v >= min - 1e-9) return c;
    return '#e53935';
  }

  // ---- small building blocks
  function spinnerText(text) { return el('div', { class: 'empty' }, el('span', { class: 'spinner' }), ' ', text || t('common.loading')); }
  function emptyState(title, hint) {
    return el('div', { class: 'empty rd-empty-small' }, el('strong', null, title), hint ? el('div', null, hint) : null);
  }
  function errorBox(err, retry) {
    return el('div', { class: 'alert bad', role: 'alert' }, S.errorText(err), ' ',
      retry ? el('button', { type: 'button', onclick: retry }, t('common.retry')) : null);
  }
  // table builds a table from columns {label, num, get(row)}.
  function table(columns, rows, attrs) {
    return el('table', attrs || null,
      el('thead', null, el('tr', null, columns.map((c) => el('th', { class: c.num ? 'num' : null, scope: 'col' }, c.label)))),
      el('tbody', null, rows.map((r) => el('tr', null, columns.map((c) => el('td', { class: c.num ? 'num' : null }, c.get(r)))))));
  }
  function kpi(label, value, cls, sub) {
    return el('div', { class: 'kpi' }, el('div', { class: 'label' }, label),
      el('div', { class: 'value ' + (cls ? 'rd-' + cls : '') }, value), sub ? el('div', { class: 'sub' }, sub) : null);
  }

  // ---- charts
  function chartIn(key, box, height) {
    let c = state.charts[key];
    if (height) box.style.height = height + 'px';
    if (c && !c.isDisposed() && c.getDom() === box) { c.resize(); return c; }
    if (c) c.dispose();
    box.replaceChildren();
    c = echarts.init(box);
    state.charts[key] = c;
    return c;
  }
  function chartEmpty(key, box, node) {
    if (state.charts[key]) { state.charts[key].dispose(); delete state.charts[key]; }
    box.style.height = 'auto';
    box.replaceChildren(node);
  }
  window.addEventListener('resize', () => { for (const c of Object.values(state.charts)) if (!c.isDisposed()) c.resize(); });
  const COLOURS = { coverage: '#1565c0', in_time: '#ef6c00', within_24: '#7e57c2', local: '#26a69a', before: '#b0bec5', after: '#2e7d32' };

  // tooltip is the content of a chart's tooltip: the row's name and each
  // series' share. It is built as elements because ECharts reads a string
  // as HTML (its own tooltip is markup with style attributes, which the
  // pages' Content-Security-Policy refuses), and the names are data: an
  // item or district called "<img onerror=…>" must show as typed.
  function tooltip(params) {
    const list = [].concat(params);
    return el('div', { class: 'chart-tip' },
      el('div', { class: 'chart-tip-title' }, list.length ? list[0].name : ''),
      list.map((p) => el('div', { class: 'chart-tip-row' },
        el('i', { class: 'chart-tip-dot', style: 'background:' + p.color }),
        el('span', null, p.seriesName), el('b', null, pct(p.value)))));
  }

  // bars is a horizontal bar chart of shares: one row per category, worst
  // at the top, a dashed line at 100 %.
  function bars(categories, series, extra) {
    const top = Math.max(1, ...series.flatMap((s) => s.data.map((d) => (typeof d === 'object' ? d.value : d))));
    return Object.assign({
      animationDuration: 300,
      grid: { left: 8, right: 28, top: 30, bottom: 4, containLabel: true },
      legend: { top: 0, itemWidth: 14, itemHeight: 10 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, formatter: tooltip },
      xAxis: { type: 'value', min: 0, max: Math.min(Math.ceil(top * 4) / 4, 3), axisLabel: { formatter: (v) => Math.round(v * 100) + '%' } },
      yAxis: { type: 'category', data: categories, axisTick: { show: false }, axisLabel: { width: S.lang === 'en' ? 150 : 110, overflow: 'truncate' } },
      series: series.map((s, i) => ({
        type: 'bar', name: s.name, data: s.data, barMaxWidth: 11, barGap: '15%', itemStyle: { color: s.color },
        markLine: i === 0 ? { silent: true, symbol: 'none', data: [{ xAxis: 1 }], label: { show: false }, lineStyle: { color: '#c62828', type: 'dashed' } } : undefined,
      })),
    }, extra || {});
  }

  // ---- the standing scenarios and the districts
  async function loadOverview() {
    const apply = $('standing-apply');
    const box = $('readiness-kpis');
    apply.disabled = true;
    const spin = el('span', { class: 'spinner' });
    apply.prepend(spin, ' ');
    box.setAttribute('aria-busy', 'true');
    box.classList.add('rd-loading');
    if (!state.overview) box.replaceChildren(el('div', { class: 'card rd-scenario' }, spinnerText(t('readiness.assessing_standing'))));
    try {
      const q = '?pair=' + encodeURIComponent(state.pair.join(',')) + '&hazard=' + encodeURIComponent(state.hazard);
      state.overview = await S.api('GET', '/api/readiness' + q);
      if (!scenarioList().some((as) => as.scenario.code === state.selected)) state.selected = state.overview.scenarios[0]?.scenario.code || '';
      drawStanding();
      fillItemPicker();
      drawMap();
      drawDistrictChart();
      drawDetail();
      if (state.district) showDistrict(state.district);
    } catch (err) {
      box.replaceChildren(errorBox(err, loadOverview));
    } finally {
      apply.disabled = false;
      spin.nextSibling?.remove();
      spin.remove();
      box.setAttribute('aria-busy', 'false');
      box.classList.remove('rd-loading');
    }
  }

  function scenarioList() {
    const list = state.overview ? state.overview.scenarios.slice() : [];
    if (state.custom) list.push(state.custom);
    return list;
  }

  // eventsText says what a scenario plans for: hazard, level, districts,
  // people and days of each event, as resolved by the assessment.
  function eventsText(as) {
    return as.events.map((e) => {
      const where = e.areas.map((a) => districtName(a)).join(LIST_SEP);
      const what = e.hazard === 'general' ? t('readiness.life_support') : hazardName(e.hazard) + ' ' + levelName(e.level);
      return [what, where, t('readiness.people', num(e.relocated, 0)), t('readiness.days_n', num(e.days))].join(' · ');
    }).join(S.lang === 'en' ? '; ' : ';');
  }

  function drawStanding() {
    const box = $('readiness-kpis');
    box.replaceChildren(...scenarioList().map(scenarioCard));
  }

  function scenarioCard(as) {
    const s = as.summary;
    const custom = as === state.custom;
    return el('article', { class: 'card rd-scenario' + (as.scenario.code === state.selected ? ' selected' : ''), 'data-code': as.scenario.code },
      el('div', { class: 'rd-scenario-head' },
        el('h2', null, custom ? el('span', { class: 'badge info' }, t('readiness.custom')) : null, ' ', scenarioName(as.scenario)),
        el('button', { type: 'button', class: 'rd-link', onclick: () => select(as.scenario.code, true) }, t('readiness.show_items'))),
      el('p', { class: 'muted rd-events' }, eventsText(as)),
      el('div', { class: 'kpis rd-kpis' },
        kpi(t('readiness.k.coverage'), pct(s.coverage), shareClass(s.coverage), t('readiness.k.coverage_sub')),
        kpi(t('readiness.k.in_time', num(as.deadline_hours)), pct(s.in_time), shareClass(s.in_time), t('readiness.k.in_time_sub')),
        kpi(t('readiness.k.within_24'), pct(s.within_24), shareClass(s.within_24), t('readiness.k.within_24_sub')),
        kpi(t('readiness.k.short'), num(s.short) + ' / ' + num(s.items), s.short ? 'bad' : 'ok', t('readiness.k.short_sub'))));
  }

  function select(code, scroll) {
    state.selected = code;
    for (const card of document.querySelectorAll('#readiness-kpis .rd-scenario')) card.classList.toggle('selected', card.dataset.code === code);
    drawDetail();
    if (scroll) $('rd-detail').scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  // ---- the map layer
  async function initMap() {
    const bm = await S.basemap($('readiness-map'), { labels: true });
    state.map = bm;
    for (const [code, layer] of Object.entries(bm.byCode)) {
      layer.on('click', () => showDistrict(code));
    }
    state.legend = L.control({ position: 'bottomright' });
    state.legend.onAdd = () => el('div', { class: 'legend rd-legend' });
    state.legend.addTo(bm.map);
    bm.map.on('zoomend', drawMap);
    drawMap();
  }

  function roomy(layer) {
    const b = layer.getBounds();
    const a = state.map.map.latLngToLayerPoint(b.getNorthWest());
    const z = state.map.map.latLngToLayerPoint(b.getSouthEast());
    return z.x - a.x > 64 && z.y - a.y > 48;
  }

  function measureName(m) { return t('readiness.m.' + m); }

  // districtValue is a district's share m (coverage, in_time, within_24,
  // local) for the chosen item, or the mean over its items; undefined when
  // the district's event does not need the chosen item.
  function districtValue(d, m) {
    if (!d) return undefined;
    if (!state.item) return d.summary[m];
    const it = (d.items || []).find((x) => x.item === state.item);
    return it ? it[m] : undefined;
  }

  // fillItemPicker offers every item the districts' events need, keeping
  // the choice when the new overview still has it.
  function fillItemPicker() {
    const pickEl = $('map-item');
    const codes = [...new Set(state.overview.districts.flatMap((d) => (d.items || []).map((x) => x.item)))].sort();
    if (!codes.includes(state.item)) state.item = '';
    pickEl.replaceChildren(el('option', { value: '' }, t('readiness.all_items')),
      ...codes.map((c) => el('option', { value: c, selected: c === state.item }, c + ' ' + itemName(c))));
  }

  function drawMap() {
    const bm = state.map;
    const ov = state.overview;
    if (!bm || !ov) return;
    const byArea = Object.fromEntries(ov.districts.map((d) => [d.area, d]));
    for (const [code, layer] of Object.entries(bm.byCode)) {
      const d = byArea[code];
      const v = districtValue(d, state.measure);
      const chosen = code === state.district;
      layer.setStyle({ fillColor: v === undefined ? '#e4e7eb' : colour(state.measure, v), fillOpacity: 0.78,
        color: chosen ? '#1f2933' : '#52606d', weight: chosen ? 3 : 1 });
      if (chosen) layer.bringToFront();
      if (layer.getTooltip()) {
        // The value goes under the name where the district is large enough
        // on screen; the small central districts show their name only.
        const name = districtName(code, d && d.name_zh);
        layer.setTooltipContent(roomy(layer) && v !== undefined ? el('span', null, name, el('br'), el('b', null, pct(v))) : el('span', null, name));
      }
    }
    const box = state.legend.getContainer();
    box.replaceChildren(el('div', { class: 'rd-legend-title' }, measureName(state.measure) + (state.item ? ' · ' + itemName(state.item) : '')),
      ...scaleOf(state.measure).map(([, c, label]) => el('div', null, el('i', { style: 'background:' + c }), label)));
  }

  // showDistrict shows one district's figures under the map.
  function showDistrict(code) {
    const ov = state.overview;
    const d = ov && ov.districts.find((x) => x.area === code);
    if (!d) return;
    state.district = code;
    drawMap();
    const s = d.summary;
    const it = state.item && (d.items || []).find((x) => x.item === state.item);
    const shares = (x) => [['coverage', x.coverage], ['in_time', x.in_time], ['within_24', x.within_24], ['local', x.local]].flatMap(([m, v]) =>
      [el('dt', null, measureName(m)), el('dd', null, m === 'local' ? el('span', { class: 'badge' }, pct(v)) : shareBadge(v))]);
    $('district-detail').classList.remove('muted');
    $('district-detail').replaceChildren(
      el('div', { class: 'rd-district-name' }, el('strong', null, districtName(d.area, d.name_zh)), ' ',
        el('span', { class: 'muted' }, t('readiness.population', num(d.population, 0)) + ' · ' + t('readiness.district_event', levelName(d.level), hazardName(d.hazard)))),
      it ? el('dl', { class: 'rd-figures', 'data-item': it.item },
        el('dt', null, t('readiness.col.item')), el('dd', null, itemName(it.item)),
        el('dt', null, t('readiness.col.required')), el('dd', null, qty(it.required, it.item)), ...shares(it))
        : el('dl', { class: 'rd-figures' }, ...shares(s),
          el('dt', null, t('readiness.k.short')), el('dd', null, num(s.short) + ' / ' + num(s.items))));
  }

  function drawDistrictChart() {
    const ov = state.overview;
    const box = $('district-chart');
    if (!ov.districts.length) { chartEmpty('district', box, emptyState(t('readiness.no_districts'))); return; }
    const m = state.measure;
    const rows = ov.districts.filter((d) => districtValue(d, m) !== undefined)
      .sort((a, b) => districtValue(b, m) - districtValue(a, m)); // the chart draws the last row on top
    const measures = ['coverage', 'in_time'];
    if (!measures.includes(m)) measures.push(m);
    const chart = chartIn('district', box, Math.max(300, rows.length * (measures.length * 9 + 10) + 60));
    chart.setOption(bars(rows.map((d) => districtName(d.area, d.name_zh)),
      measures.map((k) => ({ name: measureName(k), color: COLOURS[k], data: rows.map((d) => districtValue(d, k)) }))), true);
    chart.off('click');
    chart.on('click', (p) => showDistrict(rows[p.dataIndex].area));
  }

  // ---- one assessment in detail
  function drawDetail() {
    const list = scenarioList();
    const as = list.find((x) => x.scenario.code === state.selected) || list[0];
    if (!as) return;
    state.selected = as.scenario.code;
    $('detail-title').textContent = t('readiness.detail_of', scenarioName(as.scenario));
    $('detail-tabs').replaceChildren(...list.map((x) => el('button', {
      type: 'button', role: 'tab', 'aria-selected': String(x === as), class: x === as ? 'active' : null,
      onclick: () => select(x.scenario.code),
    }, x === state.custom ? t('readiness.custom') : t('readiness.standing_n', list.indexOf(x) + 1))));
    const exp = $('detail-export');
    exp.disabled = false;
    exp.onclick = () => exportAssessment({ scenario: as.scenario }, as.scenario.code, exp);
    const notes = new Map();
    for (const n of [...(as.notes || []), ...as.events.flatMap((e) => e.notes || [])]) notes.set(n.zh, n);
    $('detail-notes').replaceChildren(...[...notes.values()].map((n) => el('div', { class: 'alert rd-note' }, t('readiness.assumption') + ':' + pick(n.zh, n.en))));
    drawItemChart(as);
    drawItemTable(as);
    drawPurchases(as);
    drawTiers(as);
    drawRotation(as);
  }

  function drawItemChart(as) {
    const box = $('item-chart');
    if (!as.items.length) { chartEmpty('item', box, emptyState(t('readiness.no_items'), t('readiness.no_items_hint'))); return; }
    const items = as.items.slice().sort((a, b) => b.coverage - a.coverage || b.in_time - a.in_time);
    const chart = chartIn('item', box, Math.max(280, items.length * 28 + 60));
    chart.setOption(bars(items.map((it) => itemName(it.item, it.name_zh)), [
      { name: t('readiness.m.coverage'), color: COLOURS.coverage, data: items.map((it) => it.coverage) },
      { name: t('readiness.k.in_time', num(as.deadline_hours)), color: COLOURS.in_time, data: items.map((it) => it.in_time) },
    ]), true);
  }

  function drawItemTable(as) {
    const box = $('item-table');
    if (!as.items.length) { box.replaceChildren(emptyState(t('readiness.no_items'), t('readiness.no_items_hint'))); return; }
    const items = as.items.slice().sort((a, b) => a.coverage - b.coverage);
    const q = (k) => (it) => num(it[k]);
    box.replaceChildren(table([
      { label: t('readiness.col.item'), get: (it) => [itemName(it.item, it.name_zh), it.assumption ? el('span', { class: 'badge warn rd-flag', title: (it.sources || []).join('\n') }, t('readiness.assumed')) : null] },
      { label: t('readiness.col.unit'), get: (it) => unitName(it.item, it.unit_zh) },
      { label: t('readiness.col.required'), num: true, get: q('required') },
      { label: t('readiness.col.physical'), num: true, get: q('physical') },
      { label: t('readiness.col.agreement'), num: true, get: q('agreement') },
      { label: t('readiness.col.capacity'), num: true, get: q('capacity') },
      { label: t('readiness.col.held'), num: true, get: q('held') },
      { label: t('readiness.col.coverage'), num: true, get: (it) => shareBadge(it.coverage) },
      { label: t('readiness.col.on_time', num(as.deadline_hours)), num: true, get: q('on_time') },
      { label: t('readiness.col.in_time'), num: true, get: (it) => shareBadge(it.in_time) },
      { label: t('readiness.col.within_24h'), num: true, get: q('within_24h') },
      { label: t('readiness.col.gap'), num: true, get: (it) => (it.gap > 0 ? el('span', { class: 'error-text' }, num(it.gap)) : '–') },
      { label: t('readiness.col.expiring'), num: true, get: (it) => (it.expiring > 0 ? num(it.expiring) : '–') },
    ], items, { class: 'rd-items' }));
  }

  function drawPurchases(as) {
    const box = $('purchase-list');
    if (!as.purchases.length) { box.replaceChildren(emptyState(t('readiness.no_purchases'), t('readiness.no_purchases_hint'))); return; }
    box.replaceChildren(table([
      { label: t('readiness.col.item'), get: (p) => itemName(p.item, p.name_zh) },
      { label: t('readiness.col.tier'), get: (p) => S.tier(p.tier) },
      { label: t('readiness.col.quantity'), num: true, get: (p) => num(p.quantity) },
      { label: t('readiness.col.unit'), get: (p) => unitName(p.item, p.unit_zh) },
    ], as.purchases));
  }

  function drawTiers(as) {
    const box = $('tier-table');
    const rows = as.tiers.filter((r) => r.required > 0 || r.held > 0);
    if (!rows.length) { box.replaceChildren(emptyState(t('readiness.no_tiers'))); return; }
    box.replaceChildren(table([
      { label: t('readiness.col.item'), get: (r) => itemName(r.item, r.name_zh) },
      { label: t('readiness.col.tier'), get: (r) => S.tier(r.tier) },
      { label: t('readiness.col.required'), num: true, get: (r) => num(r.required) },
      { label: t('readiness.col.held'), num: true, get: (r) => num(r.held) },
      { label: t('readiness.col.coverage'), num: true, get: (r) => shareBadge(r.coverage) },
      { label: t('readiness.col.gap'), num: true, get: (r) => (r.gap > 0 ? el('span', { class: 'error-text' }, num(r.gap)) : '–') },
    ], rows));
  }

  function drawRotation(as) {
    const box = $('rotation-list');
    if (!as.rotation.length) { box.replaceChildren(emptyState(t('readiness.no_rotation', as.planning_days))); return; }
    box.replaceChildren(table([
      { label: t('readiness.col.expires'), get: (r) => r.expires_on },
      { label: t('readiness.col.depot'), get: (r) => depotName(r.depot, r.depot_name_zh) },
      { label: t('readiness.col.tier'), get: (r) => S.tier(r.tier) },
      { label: t('readiness.col.item'), get: (r) => itemName(r.item, r.name_zh) },
      { label: t('readiness.col.lot'), get: (r) => el('span', { class: 'mono' }, r.lot) },
      { label: t('readiness.col.quantity'), num: true, get: (r) => qty(r.quantity, r.item) },
    ], as.rotation));
  }

  // ---- workbooks of a POSTed assessment
  async function download(path, body, filename) {
    S.busy(1);
    try {
      const res = await fetch(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
      if (!res.ok) {
        let detail;
        try { detail = (await res.json()).error; } catch (e) { /* not JSON */ }
        throw new S.ApiError(res.status, detail || { message_zh: t('common.server_error') + ' ' + res.status, message: t('common.server_error') + ' ' + res.status });
      }
      const url = URL.createObjectURL(await res.blob());
      const a = el('a', { href: url, download: filename });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 30000);
    } finally {
      S.busy(-1);
    }
  }

  async function exportAssessment(body, code, button) {
    if (button) button.disabled = true;
    try {
      await download('/api/assessments?format=xlsx', body, 'assessment-' + code + '.xlsx');
    } catch (err) {
      S.toast(S.errorText(err), true);
    } finally {
      if (button) button.disabled = false;
    }
  }

  // showCustom shows the assessment of the user's scenario beside the
  // standing ones.
  function showCustom(as) {
    state.custom = as;
    state.selected = as.scenario.code;
    drawStanding();
    drawDetail();
    S.toast(t('readiness.assessed', scenarioName(as.scenario), pct(as.summary.coverage), pct(as.summary.in_time)));
    $('rd-detail').scrollIntoView({ behavior: 'smooth', block: 'start' });
  }

  // ---- saved scenarios: the list is rendered on the server.
  async function reloadSaved() {
    const res = await fetch('/readiness/saved', { headers: { 'HX-Request': 'true' } });
    if (!res.ok) return;
    // Parsed in a document of its own, which loads and runs nothing, then
    // adopted: the list is the server's escaped HTML, but given as
    // innerHTML to an element of this page, even a detached one, any image
    // in it would load (and its handlers fire) at once.
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    const fresh = doc.getElementById('saved-scenarios');
    if (fresh) $('saved-scenarios').replaceWith(document.adoptNode(fresh));
  }

  async function onSaved(e) {
    const btn = e.target.closest('button[data-act]');
    const li = btn && btn.closest('li[data-code]');
    if (!li) return;
    const code = li.dataset.code;
    btn.disabled = true;
    const spin = el('span', { class: 'spinner' });
    btn.prepend(spin);
    try {
      if (btn.dataset.act === 'assess') showCustom(await S.api('POST', '/api/assessments', { code }));
      else if (btn.dataset.act === 'edit') {
        const sc = await S.api('GET', '/api/scenarios/' + encodeURIComponent(code));
        window.dispatchEvent(new CustomEvent('readiness:edit', { detail: sc }));
        $('scenario-form').scrollIntoView({ behavior: 'smooth', block: 'start' });
      } else if (btn.dataset.act === 'export') await download('/api/assessments?format=xlsx', { code }, 'assessment-' + code + '.xlsx');
    } catch (err) {
      S.toast(S.errorText(err), true);
    } finally {
      spin.remove();
      btn.disabled = false;
    }
  }

  // ---- pre-positioning
  function statusBadge(status) {
    const cls = { proposed: 'warn', approved: 'ok', cancelled: '' }[status] || '';
    return el('span', { class: 'badge ' + cls + ' rd-status', 'data-status': status }, t('readiness.status.' + status));
  }
  function warningText(w) {
    return [w.headline || null, hazardName(w.hazard) + ' ' + levelName(w.level) + ' ' + t('readiness.colour.' + w.level),
      (w.areas || []).map((a) => districtName(a)).join(LIST_SEP),
      w.onset ? t('readiness.onset_at', time(w.onset)) : null].filter(Boolean).join(' · ');
  }

  async function showRecommendation(rec) {
    const box = $('preposition-result');
    box.dataset.id = rec.id;
    box.dataset.status = rec.status;
    const b = rec.before, a = rec.after;
    const change = (x, y) => pct(x) + ' → ' + pct(y);
    const areas = [...new Set(rec.items.map((i) => i.area))];
    const chartBox = el('div', { id: 'preposition-chart', class: 'chart' });
    const areaPick = areas.length > 1
      ? el('select', { id: 'preposition-area', 'aria-label': t('readiness.col.district'), onchange: (e) => drawPrepositionChart(rec, e.target.value, chartBox) },
        areas.map((c) => el('option', { value: c }, districtName(c))))
      : null;
    box.replaceChildren(...[
      el('div', { class: 'rd-rec-head' },
        el('h3', null, t('readiness.rec_title', rec.id)), statusBadge(rec.status),
        rec.transfer_id ? el('span', { class: 'badge info', id: 'transfer-order', 'data-id': rec.transfer_id }, t('readiness.transfer', rec.transfer_id)) : null,
        el('span', { class: 'muted' }, time(rec.created_at))),
      el('p', { class: 'muted' }, warningText(rec.warning), ' · ', t('readiness.keep_deadline', pct(rec.keep_share), num(rec.deadline_hours))),
      el('div', { class: 'kpis' },
        kpi(t('readiness.k.in_time', num(rec.deadline_hours)), change(b.in_time, a.in_time), shareClass(a.in_time), t('readiness.before_after')),
        kpi(t('readiness.k.within_24'), change(b.within_24, a.within_24), shareClass(a.within_24), t('readiness.before_after')),
        kpi(t('readiness.m.local'), change(b.local, a.local), '', t('readiness.before_after')),
        kpi(t('readiness.k.moves'), num(rec.moves.length), '', t('readiness.k.moves_sub', num(new Set(rec.moves.map((m) => m.from)).size)))),
      ...(rec.notes || []).map((n) => el('div', { class: 'alert rd-note' }, pick(n.zh, n.en))),
      el('div', { id: 'preposition-transfer' }),
      actions(rec),
      el('div', { class: 'rd-card-head' }, el('h3', null, t('readiness.before_after_title')), areaPick),
      chartBox,
      el('h3', null, t('readiness.coverage_table')),
      el('div', { class: 'table-wrap rd-scroll' }, coverageTable(rec)),
      el('h3', null, t('readiness.moves')),
      el('div', { class: 'table-wrap rd-scroll', id: 'preposition-moves' }, movesTable(rec)),
    ].filter(Boolean));
    drawPrepositionChart(rec, areas[0], chartBox);
    if (rec.transfer_id) showTransfer(rec.transfer_id);
  }

  function drawPrepositionChart(rec, area, box) {
    const rows = rec.items.filter((i) => i.area === area && i.required > 0 && (i.before < i.required || i.moved > 0));
    if (!rows.length) { chartEmpty('preposition', box, emptyState(t('readiness.nothing_late'))); return; }
    rows.sort((x, y) => y.before / y.required - x.before / x.required);
    const chart = chartIn('preposition', box, Math.max(160, rows.length * 28 + 60));
    chart.setOption(bars(rows.map((i) => itemName(i.item, i.name_zh)), [
      { name: t('readiness.before'), color: COLOURS.before, data: rows.map((i) => i.before / i.required) },
      { name: t('readiness.after'), color: COLOURS.after, data: rows.map((i) => i.after / i.required) },
    ]), true);
  }

  function coverageTable(rec) {
    if (!rec.items.length) return emptyState(t('readiness.no_items'));
    const share = (v, r) => (r > 0 ? shareBadge(v / r) : '–');
    return table([
      { label: t('readiness.col.district'), get: (i) => districtName(i.area, i.area_name_zh) },
      { label: t('readiness.col.item'), get: (i) => itemName(i.item, i.name_zh) },
      { label: t('readiness.col.required'), num: true, get: (i) => qty(i.required, i.item) },
      { label: t('readiness.col.before'), num: true, get: (i) => num(i.before) },
      { label: t('readiness.col.after'), num: true, get: (i) => num(i.after) },
      { label: t('readiness.col.moved'), num: true, get: (i) => (i.moved > 0 ? num(i.moved) : '–') },
      { label: t('readiness.col.before_share'), num: true, get: (i) => share(i.before, i.required) },
      { label: t('readiness.col.after_share'), num: true, get: (i) => share(i.after, i.required) },
    ], rec.items);
  }

  function movesTable(rec) {
    if (!rec.moves.length) return emptyState(t('readiness.no_moves'), t('readiness.no_moves_hint'));
    return table([
      { label: t('readiness.col.from'), get: (m) => depotName(m.from, m.from_name_zh) },
      { label: t('readiness.col.to'), get: (m) => [depotName(m.to, m.to_name_zh), ' ', el('span', { class: 'muted' }, districtName(m.area))] },
      { label: t('readiness.col.item'), get: (m) => el('span', { title: pick(m.explain_zh, m.explain_en) }, itemName(m.item, m.name_zh)) },
      { label: t('readiness.col.quantity'), num: true, get: (m) => qty(m.quantity, m.item, m.unit_zh) },
      { label: t('readiness.col.travel'), num: true, get: (m) => t('readiness.minutes', num(m.travel_min, 0)) },
      { label: t('readiness.col.lots'), get: (m) => el('span', { class: 'mono' }, (m.lots || []).map((l) => l.lot + '×' + num(l.quantity)).join(', ')) },
    ], rec.moves);
  }

  // actions: approve or cancel a proposed recommendation. Who acts is the
  // signed-in user, known to the server: the page sends no name.
  function actions(rec) {
    if (rec.status !== 'proposed' || !boot.can_approve) return null;
    const error = el('div', { class: 'alert bad rd-error', role: 'alert', hidden: true });
    const act = async (verb, btn) => {
      error.hidden = true;
      for (const b of btn.parentElement.querySelectorAll('button')) b.disabled = true;
      btn.prepend(el('span', { class: 'spinner' }));
      try {
        const done = await S.api('POST', '/api/prepositions/' + rec.id + '/' + verb, {});
        S.toast(t(verb === 'approve' ? 'readiness.approved' : 'readiness.cancelled', done.id, done.transfer_id));
        await showRecommendation(done);
        loadRecent();
      } catch (err) {
        error.textContent = S.errorText(err);
        error.hidden = false;
        for (const b of btn.parentElement.querySelectorAll('button')) b.disabled = false;
        btn.querySelector('.spinner')?.remove();
      }
    };
    return el('div', { class: 'rd-approve' },
      el('div', { class: 'toolbar' },
        rec.moves.length ? el('button', { type: 'button', class: 'primary', id: 'preposition-approve', onclick: (e) => act('approve', e.currentTarget) }, t('readiness.approve')) : null,
        el('button', { type: 'button', id: 'preposition-cancel', onclick: (e) => act('cancel', e.currentTarget) }, t('readiness.cancel'))),
      error);
  }

  async function showTransfer(id) {
    const box = $('preposition-transfer');
    try {
      const o = await S.api('GET', '/api/transfers/' + id);
      box.replaceChildren(el('div', { class: 'alert ok' }, t('readiness.transfer_status', o.id, t('readiness.transfer.' + o.status), num(o.lines.length), o.created_by)));
    } catch (err) {
      box.replaceChildren(errorBox(err));
    }
  }

  async function loadRecent() {
    const box = $('preposition-list');
    try {
      const res = await S.api('GET', '/api/prepositions');
      const recs = res.prepositions || [];
      if (!recs.length) {
        box.replaceChildren(emptyState(t('readiness.no_recent'), t(boot.can_create ? 'readiness.no_recent_hint' : 'readiness.no_recent_readonly')));
        return;
      }
      box.replaceChildren(table([
        { label: '#', get: (r) => String(r.id) },
        { label: t('readiness.col.created'), get: (r) => time(r.created_at) },
        { label: t('readiness.col.warning'), get: (r) => warningText(r.warning) },
        { label: t('readiness.k.moves'), num: true, get: (r) => num(r.moves.length) },
        { label: t('readiness.col.in_time_change'), num: true, get: (r) => pct(r.before.in_time) + ' → ' + pct(r.after.in_time) },
        { label: t('readiness.col.status'), get: (r) => [statusBadge(r.status), r.transfer_id ? ' ' + t('readiness.transfer', r.transfer_id) : null] },
        { label: '', get: (r) => el('button', { type: 'button', onclick: () => { showRecommendation(r); $('preposition-result').scrollIntoView({ behavior: 'smooth', block: 'start' }); } }, t('readiness.open')) },
      ], recs.slice(0, 20)));
    } catch (err) {
      box.replaceChildren(errorBox(err, loadRecent));
    }
  }

  // ---- forms (Alpine.js)
  let eventSeq = 0;
  function newEvent(e) {
    e = e || {};
    return { id: ++eventSeq, hazard: e.hazard && e.hazard !== 'general' ? e.hazard : 'flood', level: e.level || 2,
      areas: (e.areas || []).slice(), relocated: e.relocated || '', affected: e.affected || '', days: e.days || '' };
  }
  const count = (v) => (v === '' || v === null || v === undefined || Number.isNaN(Number(v)) ? undefined : Number(v));
  function stamp() {
    const d = new Date();
    const p = (n) => String(n).padStart(2, '0');
    return d.getFullYear() + p(d.getMonth() + 1) + p(d.getDate()) + '-' + p(d.getHours()) + p(d.getMinutes()) + p(d.getSeconds());
  }

  document.addEventListener('alpine:init', () => {
    window.Alpine.data('readinessScenario', () => ({
      code: '', name: '', events: [newEvent()], busy: '', error: '',
      init() { window.addEventListener('readiness:edit', (e) => this.load(e.detail)); },
      load(sc) {
        this.code = sc.code;
        this.name = sc.name_zh;
        this.events = sc.events.map(newEvent);
        this.error = '';
      },
      addEvent() { this.events.push(newEvent()); },
      removeEvent(i) { this.events.splice(i, 1); },
      // scenario is the form as the API takes it; assessing needs no code
      // or name, so they default.
      scenario(forSave) {
        const code = this.code || (forSave ? '' : 'custom-' + stamp());
        const name = this.name || (forSave ? '' : t('readiness.custom_name'));
        return { code, name_zh: name, events: this.events.map((e) => ({ hazard: e.hazard, level: Number(e.level), areas: e.areas.slice(),
          relocated: count(e.relocated), affected: count(e.affected), days: count(e.days) })) };
      },
      async run(what, fn) {
        this.busy = what;
        this.error = '';
        try { await fn(); } catch (err) { this.error = S.errorText(err); } finally { this.busy = ''; }
      },
      assess() { return this.run('assess', async () => showCustom(await S.api('POST', '/api/assessments', { scenario: this.scenario(false) }))); },
      save() {
        return this.run('save', async () => {
          const sc = await S.api('POST', '/api/scenarios', this.scenario(true));
          S.toast(t('readiness.saved_ok', scenarioName(sc)));
          await reloadSaved();
        });
      },
      exportXlsx() {
        const sc = this.scenario(false);
        return this.run('export', () => download('/api/assessments?format=xlsx', { scenario: sc }, 'assessment-' + sc.code + '.xlsx'));
      },
    }));

    window.Alpine.data('readinessPreposition', () => ({
      hazard: 'flood', level: 2, areas: [], onset: '', lead: 12, deadline: boot.deadline_hours,
      keep: Math.round(boot.keep_share * 100), headline: '', busy: false, error: '',
      go() {
        const warning = { identifier: 'WEB-' + stamp(), hazard: this.hazard, level: Number(this.level), areas: this.areas.slice() };
        if (this.headline) warning.headline = this.headline;
        if (this.onset) warning.onset = Math.floor(new Date(this.onset + ':00+08:00').getTime() / 1000); // entered in Beijing time
        const body = { warning, keep_share: count(this.keep) === undefined ? undefined : count(this.keep) / 100,
          deadline_hours: count(this.deadline), lead_hours: count(this.lead) };
        this.busy = true;
        this.error = '';
        $('preposition-result').replaceChildren(spinnerText(t('readiness.planning')));
        return S.api('POST', '/api/prepositions', body)
          .then((rec) => { showRecommendation(rec); loadRecent(); })
          .catch((err) => { this.error = S.errorText(err); $('preposition-result').replaceChildren(); })
          .finally(() => { this.busy = false; });
      },
    }));
  });

  // ---- start
  function wire() {
    $('standing-form').addEventListener('submit', (e) => {
      e.preventDefault();
      const pair = [$('pair-a').value, $('pair-b').value];
      if (pair[0] === pair[1]) { S.toast(t('readiness.pair_same'), true); return; }
      state.pair = pair;
      state.hazard = $('standing-hazard').value;
      const q = '?pair=' + pair.join(',') + '&hazard=' + state.hazard;
      $('export-xlsx').href = '/api/readiness' + q + '&format=xlsx';
      $('district-hazard').textContent = t('readiness.districts_sub', hazardName(state.hazard));
      history.replaceState(null, '', '/readiness' + q);
      loadOverview();
    });
    const redrawDistricts = () => {
      drawMap();
      if (state.overview) drawDistrictChart();
      if (state.district) showDistrict(state.district);
    };
    $('map-measure').addEventListener('change', (e) => { state.measure = e.target.value; redrawDistricts(); });
    $('map-item').addEventListener('change', (e) => { state.item = e.target.value; redrawDistricts(); });
    $('rd-builder').addEventListener('click', onSaved);
  }

  async function start() {
    wire();
    if (S.lang === 'en') {
      try {
        const res = await S.api('GET', '/api/depots');
        for (const d of res.depots || []) state.depots[d.code] = d.name_en;
      } catch (err) { /* Chinese names will do */ }
    }
    const map = initMap().catch((err) => { $('readiness-map').replaceChildren(errorBox(err)); });
    await Promise.all([loadOverview(), map]);
    loadRecent();
    if (state.overview && !state.ready) {
      state.ready = true;
      S.ready('readiness');
    }
  }
  start();
})();
