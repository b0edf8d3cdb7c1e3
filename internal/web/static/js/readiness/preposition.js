// Pre-positioning before a warning (物资前置): a recommendation's moves and
// the coverage before and after, approving or cancelling it, and the
// recent recommendations.
import { S, $, boot } from './state.js';
import { itemName, districtName, depotName, hazardName, levelName, time, qty, LIST_SEP } from './names.js';
import { shareClass, shareBadge, emptyState, errorBox, table, kpi } from './ui.js';
import { COLOURS, chartIn, chartEmpty, bars } from './charts.js';

const { t, el, num, pct, pick } = S;

function statusBadge(status) {
  const cls = { proposed: 'warn', approved: 'ok', cancelled: '' }[status] || '';
  return el('span', { class: 'badge ' + cls + ' rd-status', 'data-status': status }, t('readiness.status.' + status));
}
// transferLink is the badge of the transfer order a recommendation made,
// leading to the order's page.
function transferLink(id, attrs) {
  return el('a', Object.assign({ class: 'badge info transfer-order', 'data-id': id, href: '/transfers/' + encodeURIComponent(id) }, attrs),
    t('readiness.transfer', id));
}
function warningText(w) {
  return [w.headline || null, hazardName(w.hazard) + ' ' + levelName(w.level) + ' ' + t('readiness.colour.' + w.level),
    (w.areas || []).map((a) => districtName(a)).join(LIST_SEP),
    w.onset ? t('readiness.onset_at', time(w.onset)) : null].filter(Boolean).join(' · ');
}

export async function showRecommendation(rec) {
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
      rec.transfer_id ? transferLink(rec.transfer_id, { id: 'transfer-order' }) : null,
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
    { label: t('readiness.col.travel'), num: true, get: (m) => S.duration(m.travel_min) },
    { label: t('readiness.col.lots'), get: (m) => el('span', { class: 'mono' }, (m.lots || []).map((l) => l.lot + ' × ' + num(l.quantity)).join(LIST_SEP)) },
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

export async function loadRecent() {
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
      { label: t('readiness.col.status'), get: (r) => [statusBadge(r.status), r.transfer_id ? ' ' : null, r.transfer_id ? transferLink(r.transfer_id) : null] },
      { label: '', get: (r) => el('button', { type: 'button', onclick: () => { showRecommendation(r); $('preposition-result').scrollIntoView({ behavior: 'smooth', block: 'start' }); } }, t('readiness.open')) },
    ], recs.slice(0, 20)));
  } catch (err) {
    box.replaceChildren(errorBox(err, loadRecent));
  }
}
