// One assessment in detail: its notes, the items as a chart and a table,
// the purchase budget per holder (the city, each district) and the
// purchase list with each line's cost, the tiers (a district's rows named)
// and the rotation list (lots in their rotation window, still held); and the workbook of
// an assessment, which is POSTed.
import { S, $, state, scenarioList } from './state.js';
import { itemName, unitName, depotName, holderName, scenarioName, qty, yuan } from './names.js';
import { shareBadge, emptyState, table } from './ui.js';
import { COLOURS, chartIn, chartEmpty, bars } from './charts.js';

const { t, el, num, pick } = S;

// select shows scenario code in detail, marking its card.
export function select(code, scroll) {
  state.selected = code;
  for (const card of document.querySelectorAll('#readiness-kpis .rd-scenario')) card.classList.toggle('selected', card.dataset.code === code);
  drawDetail();
  if (scroll) $('rd-detail').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

export function drawDetail() {
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
  // A note's sources are shown as they were recorded, beside the note.
  $('detail-notes').replaceChildren(...[...notes.values()].map((n) => el('div', { class: 'alert rd-note' },
    t('readiness.assumption_note', pick(n.zh, n.en)),
    ...(n.sources || []).map((src) => el('div', { class: 'rd-note-source' }, t('readiness.note_source', src))))));
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
    { label: t('readiness.col.cost'), num: true, get: (it) => (it.cost > 0 ? yuan(it.cost) : '–') },
  ], items, { class: 'rd-items' }));
}

// price is a purchase line's unit price or cost in yuan, "未定价" for an
// item without a price; flag marks an assumed price.
function price(p, v, flag) {
  if (!p.priced) return el('span', { class: 'muted' }, t('readiness.no_price'));
  return flag && p.price_assumption ? [yuan(v), ' ', el('span', { class: 'badge warn rd-flag', title: t('readiness.price_assumed') }, t('readiness.assumed'))] : yuan(v);
}

function drawPurchases(as) {
  const box = $('purchase-list');
  drawBudget(as);
  if (!as.purchases.length) { box.replaceChildren(emptyState(t('readiness.no_purchases'), t('readiness.no_purchases_hint'))); return; }
  box.replaceChildren(table([
    { label: t('readiness.col.item'), get: (p) => itemName(p.item, p.name_zh) },
    { label: t('readiness.col.holder'), get: (p) => holderName(p.tier, p.area, p.area_name_zh) },
    { label: t('readiness.col.quantity'), num: true, get: (p) => num(p.quantity) },
    { label: t('readiness.col.unit'), get: (p) => unitName(p.item, p.unit_zh) },
    { label: t('readiness.col.unit_price'), num: true, get: (p) => price(p, p.unit_yuan, true) },
    { label: t('readiness.col.cost'), num: true, get: (p) => price(p, p.cost) },
  ], as.purchases, { class: 'rd-purchases' }));
}

// drawBudget shows what each budget holder must buy (列入本级财政预算): the
// city, then each district, with its lines and their cost in yuan, and the
// sum over all.
function drawBudget(as) {
  const box = $('purchase-budget');
  const budgets = as.budgets || [];
  if (!budgets.length) { box.replaceChildren(); return; }
  const lines = budgets.reduce((n, b) => n + b.lines, 0);
  const unpriced = budgets.reduce((n, b) => n + b.unpriced, 0);
  const note = (b) => (b.unpriced ? el('div', { class: 'muted small' }, t('readiness.unpriced', b.unpriced)) : null);
  const tbl = table([
    { label: t('readiness.col.holder'), get: (b) => (b.total ? el('strong', null, t('readiness.budget_total')) : holderName(b.tier, b.area, b.area_name_zh)) },
    { label: t('readiness.col.lines'), num: true, get: (b) => num(b.lines, 0) },
    { label: t('readiness.col.cost'), num: true, get: (b) => [b.total ? el('strong', null, yuan(b.cost)) : yuan(b.cost), note(b)] },
  ], [...budgets, { total: true, lines, unpriced, cost: as.purchase_cost }], { class: 'rd-budget' });
  box.replaceChildren(el('h4', null, t('readiness.budget')), tbl);
}

function drawTiers(as) {
  const box = $('tier-table');
  const rows = as.tiers.filter((r) => r.required > 0 || r.held > 0);
  if (!rows.length) { box.replaceChildren(emptyState(t('readiness.no_tiers'))); return; }
  box.replaceChildren(table([
    { label: t('readiness.col.item'), get: (r) => itemName(r.item, r.name_zh) },
    { label: t('readiness.col.tier'), get: (r) => holderName(r.tier, r.area, r.area_name_zh) },
    { label: t('readiness.col.required'), num: true, get: (r) => num(r.required) },
    { label: t('readiness.col.held'), num: true, get: (r) => num(r.held) },
    { label: t('readiness.col.coverage'), num: true, get: (r) => shareBadge(r.coverage) },
    { label: t('readiness.col.gap'), num: true, get: (r) => (r.gap > 0 ? el('span', { class: 'error-text' }, num(r.gap)) : '–') },
  ], rows));
}

function drawRotation(as) {
  const box = $('rotation-list');
  if (!as.rotation.length) { box.replaceChildren(emptyState(t('readiness.no_rotation'))); return; }
  box.replaceChildren(table([
    { label: t('readiness.col.expires'), get: (r) => r.expires_on },
    { label: t('readiness.col.due_on'), get: (r) => r.due_on || '–' },
    { label: t('readiness.col.horizon'), num: true, get: (r) => (r.horizon_days ? num(r.horizon_days, 0) : '–') },
    { label: t('readiness.col.depot'), get: (r) => depotName(r.depot, r.depot_name_zh) },
    { label: t('readiness.col.tier'), get: (r) => S.tier(r.tier) },
    { label: t('readiness.col.item'), get: (r) => itemName(r.item, r.name_zh) },
    { label: t('readiness.col.lot'), get: (r) => el('span', { class: 'mono' }, r.lot) },
    { label: t('readiness.col.quantity'), num: true, get: (r) => qty(r.quantity, r.item) },
  ], as.rotation, { class: 'rd-rotation' }));
}

// download POSTs body to path and saves the workbook it answers.
export async function download(path, body, filename) {
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
