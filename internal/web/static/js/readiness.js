// 储备评估 (readiness): the two standing scenarios of the reserve plan, the
// readiness of every district as a map layer and a chart, one assessment's
// items, tiers, purchase list and rotation list, a scenario builder, and
// pre-positioning before a warning (物资前置). Everything shown is read from
// the JSON API; the server renders the forms' choices (districts, hazards,
// levels, saved scenarios) and names everything the API names in Chinese
// only in both languages (the page's #readiness-data).
//
// This is the entry of the screen's ES modules under readiness/: state
// (the shared state and the page's data), names, ui and charts (building
// blocks), standing (the scenario cards), districts (map and chart),
// detail (one assessment), saved, preposition, and forms (the Alpine.js
// components). The server versions their imports (assets.go).
import { S, $, state, scenarioList } from './readiness/state.js';
import { hazardName } from './readiness/names.js';
import { spinnerText, errorBox } from './readiness/ui.js';
import { drawStanding } from './readiness/standing.js';
import { initMap, fillPickers, drawMap, drawDistrictChart, showDistrict, redrawDistricts } from './readiness/districts.js';
import { drawDetail } from './readiness/detail.js';
import { onSaved } from './readiness/saved.js';
import { loadRecent } from './readiness/preposition.js';
import './readiness/forms.js';

const { t, el } = S;

// loadOverview assesses the standing scenarios and the districts (GET
// /api/readiness) and draws everything that shows them.
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
    fillPickers();
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
  $('map-measure').addEventListener('change', (e) => { state.measure = e.target.value; redrawDistricts(); });
  $('map-item').addEventListener('change', (e) => { state.item = e.target.value; redrawDistricts(); });
  $('rd-builder').addEventListener('click', onSaved);
}

async function start() {
  wire();
  const map = initMap().catch((err) => { $('readiness-map').replaceChildren(errorBox(err)); });
  await Promise.all([loadOverview(), map]);
  loadRecent();
  if (state.overview) S.ready('readiness');
}
start();
