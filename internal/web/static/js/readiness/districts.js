// Readiness by district: a coloured layer on the district map, a chart, and
// one district's figures. A district's event is a level Ⅱ event of the
// chosen hazard in that district alone; its figures are for all items (the
// mean) or the item picked beside the map.
//
// Where the overview carries the reserve plan's delivery chain (each
// district's `chain` and its items' own_4h, city_6h, others_24h: what the
// district's own stock delivers within 4 h, with city stock within 6 h,
// with other districts' stock within 24 h), the map offers those three
// measures, opens on the first (which tells districts apart: every
// district draws on the whole city's stock for the others), shows them in
// each district's popup, and marks the neighbouring provinces' relief
// sites with what city stock gets there within 24 h. Without it the screen
// shows the coverage measures alone.
import { S, $, state } from './state.js';
import { itemName, districtName, hazardName, levelName, measureName, qty } from './names.js';
import { shareBadge, colour, scaleOf, emptyState } from './ui.js';
import { COLOURS, chartIn, chartEmpty, bars } from './charts.js';

const { t, el, num, pct } = S;

const SHARES = ['coverage', 'in_time', 'within_24', 'local'];
export const CHAIN = ['own_4h', 'city_6h', 'others_24h'];
const CHAIN_COLOURS = { own_4h: '#00897b', city_6h: '#1565c0', others_24h: '#7e57c2' };

let bm = null; // Stockpile.basemap's answer
let legend = null;
let neighbours = null; // layer of the neighbours' relief sites
let labelText = ''; // the labels' text as last laid out

// hasChain reports whether the overview carries the delivery chain.
export function hasChain() {
  return !!state.overview && state.overview.districts.some((d) => d.chain);
}
const isChain = (m) => CHAIN.includes(m);

export async function initMap() {
  bm = await S.basemap($('readiness-map'), { labels: true });
  for (const [code, layer] of Object.entries(bm.byCode)) layer.on('click', (e) => showDistrict(code, e.latlng));
  legend = L.control({ position: 'bottomright' });
  legend.onAdd = () => el('div', { class: 'legend rd-legend' });
  legend.addTo(bm.map);
  bm.map.on('zoomend', () => drawMap(true));
  drawMap();
}

function roomy(layer) {
  const b = layer.getBounds();
  const a = bm.map.latLngToLayerPoint(b.getNorthWest());
  const z = bm.map.latLngToLayerPoint(b.getSouthEast());
  return z.x - a.x > 64 && z.y - a.y > 48;
}

// districtValue is a district's share m (a coverage measure or a link of
// the chain) for the chosen item, or the mean over its items; undefined
// when the district's event does not need the chosen item, or the
// overview has no such figure.
function districtValue(d, m) {
  if (!d) return undefined;
  if (!state.item) return isChain(m) ? (d.chain ? d.chain[m] : undefined) : d.summary[m];
  const it = (d.items || []).find((x) => x.item === state.item);
  return it && typeof it[m] === 'number' ? it[m] : undefined;
}

// fillPickers offers every item the districts' events need, and the chain's
// measures when the overview has them, keeping the choices the new
// overview still has. The first overview with the chain opens on own_4h.
export function fillPickers() {
  const pickEl = $('map-item');
  const codes = [...new Set(state.overview.districts.flatMap((d) => (d.items || []).map((x) => x.item)))].sort();
  if (!codes.includes(state.item)) state.item = '';
  pickEl.replaceChildren(el('option', { value: '' }, t('readiness.all_items')),
    ...codes.map((c) => el('option', { value: c, selected: c === state.item }, c + ' ' + itemName(c))));

  const measure = $('map-measure');
  const group = measure.querySelector('optgroup[data-chain]');
  if (hasChain() && !group) {
    measure.prepend(el('optgroup', { label: t('readiness.chain'), 'data-chain': '' },
      CHAIN.map((m) => el('option', { value: m }, measureName(m)))));
    if (!state.chainSeen) { state.chainSeen = true; state.measure = 'own_4h'; }
  } else if (!hasChain() && group) {
    group.remove();
    if (isChain(state.measure)) state.measure = 'coverage';
  }
  measure.value = state.measure;
}

export function drawMap(zoomed) {
  const ov = state.overview;
  if (!bm || !ov) return;
  const byArea = Object.fromEntries(ov.districts.map((d) => [d.area, d]));
  let text = '';
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
      const value = roomy(layer) && v !== undefined ? pct(v) : '';
      text += code + name + value + ';';
      layer.setTooltipContent(value ? el('span', { 'data-district': code }, name, el('br'), el('b', null, value)) : el('span', { 'data-district': code }, name));
    }
  }
  // The labels changed size: lay them out again (basemap.js did so on the
  // zoom already, with the old text).
  if (zoomed || text !== labelText) { labelText = text; bm.relabel(); }
  drawNeighbours();
  legend.getContainer().replaceChildren(el('div', { class: 'rd-legend-title' }, measureName(state.measure) + (state.item ? ' · ' + itemName(state.item) : '')),
    ...scaleOf(state.measure).map(([, c, label]) => el('div', null, el('i', { style: 'background:' + c }), label)));
}

// drawNeighbours marks the neighbouring provinces' relief sites, coloured
// by what city stock gets there within 24 h (for the item, if one is
// picked).
function drawNeighbours() {
  if (neighbours) { neighbours.remove(); neighbours = null; }
  const list = (state.overview.neighbours || []).filter((n) => n.point);
  if (!list.length) return;
  neighbours = L.layerGroup().addTo(bm.map);
  for (const n of list) {
    let v = n.within_24h;
    if (state.item) {
      const it = (n.items || []).find((x) => x.item === state.item);
      v = it ? it.within_24h : undefined;
    }
    const name = S.pick(n.name_zh, n.name_en);
    L.circleMarker(bm.toMap(n.point), { radius: 8, color: '#1f2933', weight: 1.5,
      fillColor: v === undefined ? '#e4e7eb' : colour('share', v), fillOpacity: 0.9 })
      .bindTooltip(el('span', { 'data-neighbour': n.code }, name, el('br'),
        t('readiness.neighbour_24h', v === undefined ? '–' : pct(v))), { direction: 'top' })
      .addTo(neighbours);
  }
}

// shares is a definition list of one district's (or one item's) figures:
// the chain's three links when the overview has them, then the coverage
// measures.
function shares(x) {
  const rows = [];
  if (CHAIN.every((m) => typeof x[m] === 'number')) {
    for (const m of CHAIN) rows.push(el('dt', null, measureName(m)), el('dd', { 'data-chain': m }, shareBadge(x[m])));
  }
  for (const m of SHARES) {
    if (typeof x[m] !== 'number') continue;
    rows.push(el('dt', null, measureName(m)), el('dd', null, m === 'local' ? el('span', { class: 'badge' }, pct(x[m])) : shareBadge(x[m])));
  }
  return rows;
}

// showDistrict shows one district's figures under the map and, when
// clicked at latlng, in a popup there.
export function showDistrict(code, latlng) {
  const ov = state.overview;
  const d = ov && ov.districts.find((x) => x.area === code);
  if (!d) return;
  state.district = code;
  drawMap();
  const s = Object.assign({}, d.summary, d.chain || {});
  const it = state.item && (d.items || []).find((x) => x.item === state.item);
  const name = districtName(d.area, d.name_zh);
  const box = $('district-detail');
  box.classList.remove('muted');
  box.replaceChildren(
    el('div', { class: 'rd-district-name' }, el('strong', null, name), ' ',
      el('span', { class: 'muted' }, t('readiness.population', num(d.population, 0)) + ' · ' + t('readiness.district_event', levelName(d.level), hazardName(d.hazard)))),
    it ? el('dl', { class: 'rd-figures', 'data-item': it.item },
      el('dt', null, t('readiness.col.item')), el('dd', null, itemName(it.item)),
      el('dt', null, t('readiness.col.required')), el('dd', null, qty(it.required, it.item)), ...shares(it))
      : el('dl', { class: 'rd-figures' }, ...shares(s),
        el('dt', null, t('readiness.k.short')), el('dd', null, num(s.short) + ' / ' + num(s.items))));
  if (latlng && bm) popup(d, it || s, name, latlng);
}

// popup shows the district's chain (or, without one, its coverage and
// in-time shares) where it was clicked.
function popup(d, x, name, latlng) {
  const figures = CHAIN.every((m) => typeof x[m] === 'number') ? CHAIN : ['coverage', 'in_time', 'within_24'];
  const root = el('div', { class: 'map-popup rd-popup', 'data-district': d.area },
    el('strong', null, name),
    el('div', { class: 'muted small' }, (state.item ? itemName(state.item) + ' · ' : '') + t('readiness.district_event', levelName(d.level), hazardName(d.hazard))),
    el('dl', { class: 'rd-figures' }, figures.flatMap((m) => [el('dt', null, measureName(m)), el('dd', { 'data-measure': m }, shareBadge(x[m]))])));
  L.popup({ maxWidth: 280 }).setLatLng(latlng).setContent(root).openOn(bm.map);
}

export function drawDistrictChart() {
  const ov = state.overview;
  const box = $('district-chart');
  if (!ov.districts.length) { chartEmpty('district', box, emptyState(t('readiness.no_districts'))); return; }
  const m = state.measure;
  const rows = ov.districts.filter((d) => districtValue(d, m) !== undefined)
    .sort((a, b) => districtValue(b, m) - districtValue(a, m)); // the chart draws the last row on top
  let measures = ['coverage', 'in_time'];
  if (isChain(m)) measures = CHAIN.slice();
  else if (!measures.includes(m)) measures.push(m);
  const chart = chartIn('district', box, Math.max(300, rows.length * (measures.length * 9 + 10) + 60));
  chart.setOption(bars(rows.map((d) => districtName(d.area, d.name_zh)),
    measures.map((k) => ({ name: measureName(k), color: COLOURS[k] || CHAIN_COLOURS[k], data: rows.map((d) => districtValue(d, k)) }))), true);
  chart.off('click');
  chart.on('click', (p) => showDistrict(rows[p.dataIndex].area));
}

// redrawDistricts draws the map, the chart and the chosen district again,
// after the measure or the item changes.
export function redrawDistricts() {
  drawMap();
  if (state.overview) drawDistrictChart();
  if (state.district) showDistrict(state.district);
}
