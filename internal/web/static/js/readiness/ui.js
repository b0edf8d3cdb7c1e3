// Small building blocks of the readiness screen: share badges, the map's
// colour scales, empty and error states, tables and key figures.
import { S } from './state.js';

const { t, el, pct } = S;

export function shareClass(x) { return x >= 0.95 ? 'ok' : x >= 0.6 ? 'warn' : 'bad'; }
export function shareBadge(x) { return el('span', { class: 'badge ' + shareClass(x) }, pct(x)); }

const SCALES = {
  share: [[1, '#1b7e3c', '100%'], [0.95, '#7cc47f', '95–100%'], [0.8, '#fdd835', '80–95%'], [0.5, '#fb8c00', '50–80%'], [0, '#e53935', '< 50%']],
  local: [[0.75, '#08519c', '≥ 75%'], [0.5, '#3182bd', '50–75%'], [0.25, '#6baed6', '25–50%'], [0, '#c6dbef', '< 25%']],
};
// scaleOf is the colour scale of a measure: the local share, which is
// rarely high, has a blue scale of its own.
export function scaleOf(measure) { return measure === 'local' ? SCALES.local : SCALES.share; }
export function colour(measure, v) {
  for (const [min, c] of scaleOf(measure)) if (v >= min - 1e-9) return c;
  return '#e53935';
}

export function spinnerText(text) { return el('div', { class: 'empty' }, el('span', { class: 'spinner' }), ' ', text || t('common.loading')); }
export function emptyState(title, hint) {
  return el('div', { class: 'empty rd-empty-small' }, el('strong', null, title), hint ? el('div', null, hint) : null);
}
export function errorBox(err, retry) {
  return el('div', { class: 'alert bad', role: 'alert' }, S.errorText(err), ' ',
    retry ? el('button', { type: 'button', onclick: retry }, t('common.retry')) : null);
}
// table builds a table from columns {label, num, get(row)}.
export function table(columns, rows, attrs) {
  return el('table', attrs || null,
    el('thead', null, el('tr', null, columns.map((c) => el('th', { class: c.num ? 'num' : null, scope: 'col' }, c.label)))),
    el('tbody', null, rows.map((r) => el('tr', null, columns.map((c) => el('td', { class: c.num ? 'num' : null }, c.get(r)))))));
}
export function kpi(label, value, cls, sub) {
  return el('div', { class: 'kpi' }, el('div', { class: 'label' }, label),
    el('div', { class: 'value ' + (cls ? 'rd-' + cls : '') }, value), sub ? el('div', { class: 'sub' }, sub) : null);
}
