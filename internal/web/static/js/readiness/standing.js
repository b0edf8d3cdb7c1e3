// The standing scenarios' cards, and the user's own assessed scenario
// shown beside them.
import { S, $, state, scenarioList } from './state.js';
import { districtName, hazardName, levelName, scenarioName, LIST_SEP } from './names.js';
import { shareClass, kpi } from './ui.js';
import { drawDetail, select } from './detail.js';

const { t, el, num, pct } = S;

// eventsText says what a scenario plans for: hazard, level, districts,
// people and days of each event, as resolved by the assessment.
function eventsText(as) {
  return as.events.map((e) => {
    const where = e.areas.map((a) => districtName(a)).join(LIST_SEP);
    const what = e.hazard === 'general' ? t('readiness.life_support') : hazardName(e.hazard) + ' ' + levelName(e.level);
    return [what, where, t('readiness.people', num(e.relocated, 0)), t('readiness.days_n', num(e.days))].join(' · ');
  }).join(t('readiness.event_sep'));
}

export function drawStanding() {
  $('readiness-kpis').replaceChildren(...scenarioList().map(scenarioCard));
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

// showCustom shows the assessment of the user's scenario beside the
// standing ones.
export function showCustom(as) {
  state.custom = as;
  state.selected = as.scenario.code;
  drawStanding();
  drawDetail();
  S.toast(t('readiness.assessed', scenarioName(as.scenario), pct(as.summary.coverage), pct(as.summary.in_time)));
  $('rd-detail').scrollIntoView({ behavior: 'smooth', block: 'start' });
}
