// The saved scenarios: the list is rendered on the server; its buttons
// assess, edit (in the builder) or export one.
import { S, $ } from './state.js';
import { showCustom } from './standing.js';
import { download } from './detail.js';

const { el } = S;

// reloadSaved fetches the list again after the user saves a scenario.
export async function reloadSaved() {
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

export async function onSaved(e) {
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
