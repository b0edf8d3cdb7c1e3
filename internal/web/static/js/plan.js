// A dispatch plan (调度方案): its lines drawn on the map from source to site,
// and the actions its status allows — approve, cancel, execute, recompute —
// each after a confirmation. Who acts is the signed-in user, known to the
// server: the page sends no name.
(function () {
  'use strict';
  const S = window.Stockpile;
  const t = S.t, el = S.el;
  const data = JSON.parse(document.getElementById('plan-data').textContent);
  const actions = document.getElementById('plan-actions');
  const planID = actions.dataset.plan;

  // Colours by the source's relation to the site, as in the legend.
  const COLOURS = {
    'own-district': '#2e7d32', city: '#c62828', 'other-district': '#ef6c00',
    neighbour: '#6d4c41', agreement: '#6a1b9a', capacity: '#00838f',
  };
  const colour = (rel) => COLOURS[rel] || '#546e7a';

  // A zero point is a plan stored before lines carried points: skip it.
  const known = (p) => p && (p.lon !== 0 || p.lat !== 0);

  // tip is a tooltip's content: an element, since Leaflet reads a string as
  // HTML and these names are whatever was typed into an incident or depot.
  const tip = (text) => el('span', null, text);

  function drawPlan(b) {
    const bounds = [];
    for (const r of data.routes) {
      if (!known(r.from) || !known(r.to)) continue;
      const a = b.toMap(r.from), z = b.toMap(r.to);
      L.polyline([a, z], { color: colour(r.relation), weight: 3, opacity: 0.8, dashArray: r.late ? '6 6' : null })
        .bindTooltip(tip(r.label + (r.late ? ' ' + t('dispatch.late') : '')), { sticky: true })
        .addTo(b.map);
      bounds.push(a, z);
    }
    for (const s of data.sources) {
      if (!known(s.point)) continue;
      const p = b.toMap(s.point);
      L.circleMarker(p, { radius: 6, color: '#fff', weight: 1.5, fillColor: colour(s.relation), fillOpacity: 1 })
        .bindTooltip(tip(s.name)).addTo(b.map);
      bounds.push(p);
    }
    for (const s of data.sites) {
      if (!known(s.point)) continue;
      const p = b.toMap(s.point);
      L.marker(p, { icon: L.divIcon({ className: 'site-pin plan-site', html: '<span>◆</span>', iconSize: [22, 22], iconAnchor: [11, 11] }),
        keyboard: false }).bindTooltip(tip(s.name)).addTo(b.map);
      bounds.push(p);
    }
    if (bounds.length) b.map.fitBounds(L.latLngBounds(bounds), { padding: [30, 30], maxZoom: 11 });
    legend(b.map);
  }

  function legend(map) {
    const used = new Set(data.routes.map((r) => r.relation));
    const box = L.control({ position: 'bottomright' });
    box.onAdd = () => el('div', { class: 'legend' },
      [...used].map((rel) => el('div', {}, el('i', { style: 'background:' + colour(rel) }), t('dispatch.relation.' + rel))),
      el('div', {}, el('span', { class: 'legend-site' }, '◆'), ' ' + t('dispatch.legend.site')),
      data.routes.some((r) => r.late) ? el('div', {}, el('span', { class: 'legend-dash' }), ' ' + t('dispatch.late')) : null);
    box.addTo(map);
  }

  const mapEl = document.getElementById('plan-map');
  S.basemap(mapEl).then((b) => {
    mapEl.querySelector('.map-loading')?.remove();
    drawPlan(b);
  }).catch((err) => {
    mapEl.replaceChildren(el('p', { class: 'alert bad' }, t('dispatch.map_failed') + ' ' + S.errorText(err)));
  }).finally(() => S.ready('plan'));

  // ---- actions ----
  const errorBox = document.getElementById('action-error');
  const progress = document.getElementById('action-progress');
  const status = document.getElementById('plan-status').dataset.status;

  function showError(text) {
    errorBox.replaceChildren(...String(text).split('\n').map((line, i) => (i ? [el('br'), line] : line)).flat());
    errorBox.hidden = false;
  }

  function working(on) {
    progress.hidden = !on;
    actions.querySelectorAll('button[data-action]').forEach((b) => { b.disabled = on; });
  }

  // confirmation asks before an action; recomputing an approved plan also
  // releases the stock it reserved, and the new plan needs approving again.
  function confirmation(action) {
    if (action === 'recompute' && status === 'approved') return t('dispatch.confirm.recompute_approved', planID);
    return t('dispatch.confirm.' + action, planID);
  }

  async function act(action) {
    errorBox.hidden = true;
    if (!window.confirm(confirmation(action))) return;
    working(true);
    try {
      // The body is empty: the server knows who acts.
      const plan = await S.api('POST', '/api/plans/' + planID + '/' + action, {});
      S.toast(t('dispatch.done.' + action, plan.id));
      // Recompute answers with the new plan, proposed whatever the old one
      // was: open it.
      if (action === 'recompute') window.location.assign('/plans/' + plan.id);
      else window.location.reload();
    } catch (err) {
      working(false);
      let text = S.errorText(err);
      if (err.detail && err.detail.code === 'plan.stale') {
        text += '\n' + t('dispatch.stale_hint');
        const again = document.getElementById('recompute');
        if (again) { again.classList.add('suggested'); again.focus(); }
      }
      showError(text);
    }
  }

  actions.querySelectorAll('button[data-action]').forEach((b) => {
    b.addEventListener('click', () => act(b.dataset.action));
  });
})();
