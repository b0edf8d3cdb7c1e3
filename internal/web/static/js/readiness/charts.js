// The readiness screen's ECharts: one chart per box, disposed when the box
// shows an empty state instead, all resized with the window.
import { S } from './state.js';

const { el, pct } = S;
const charts = {}; // key → chart

export const COLOURS = { coverage: '#1565c0', in_time: '#ef6c00', within_24: '#7e57c2', local: '#26a69a', before: '#b0bec5', after: '#2e7d32' };

export function chartIn(key, box, height) {
  let c = charts[key];
  if (height) box.style.height = height + 'px';
  if (c && !c.isDisposed() && c.getDom() === box) { c.resize(); return c; }
  if (c) c.dispose();
  box.replaceChildren();
  c = echarts.init(box);
  charts[key] = c;
  return c;
}

export function chartEmpty(key, box, node) {
  if (charts[key]) { charts[key].dispose(); delete charts[key]; }
  box.style.height = 'auto';
  box.replaceChildren(node);
}

window.addEventListener('resize', () => { for (const c of Object.values(charts)) if (!c.isDisposed()) c.resize(); });

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
export function bars(categories, series, extra) {
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
