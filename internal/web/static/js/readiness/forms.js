// The scenario builder and the pre-positioning form, as Alpine.js
// components (its CSP build). This module registers them on alpine:init,
// so it must run before Alpine starts: the page loads it, a module, before
// Alpine's deferred script, and deferred scripts and modules run in order.
import { S, $, boot } from './state.js';
import { scenarioName } from './names.js';
import { spinnerText } from './ui.js';
import { download } from './detail.js';
import { showCustom } from './standing.js';
import { reloadSaved } from './saved.js';
import { showRecommendation, loadRecent } from './preposition.js';

const { t } = S;

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
