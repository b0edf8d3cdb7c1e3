// New incident (新建事件): sites are added by clicking the map or picking a
// street, each with what it needs by when; submitting stores the incident
// and computes its plan (POST /api/plans) and opens the plan. What the user
// typed lives in `sites` and is never cleared by an error.
(function () {
  'use strict';
  const S = window.Stockpile;
  const t = S.t, el = S.el;
  const form = document.getElementById('incident-form');
  const sitesBox = document.getElementById('sites');
  const errorBox = document.getElementById('form-error');
  const submitButton = document.getElementById('submit-incident');
  const progress = document.getElementById('submit-progress');
  const itemOptions = document.getElementById('item-options');

  const DEFAULT_HOURS = 4;
  let base = null; // the basemap once drawn
  // sites: [{name, point: {lon, lat}, area, marker, demands: [{text, item, quantity, hours}]}]
  const sites = [];

  // ---- the catalogue: searched through the API, remembered by code ----
  const items = new Map(); // code → item
  const codeRe = /^\s*(\d{7})(?:\s|$)/;

  // resolve finds the item a text names: a 7-digit code at its start (as
  // typed, or as the "code name" a list entry puts in), or an exact name.
  function resolve(text) {
    const s = (text || '').trim();
    if (!s) return null;
    const m = codeRe.exec(s);
    if (m) return items.get(m[1]) || null;
    const low = s.toLowerCase();
    for (const it of items.values()) {
      if (it.name_zh === s || (it.name_en || '').toLowerCase() === low) return it;
    }
    return null;
  }

  // search asks the API for items matching text: by code prefix when it
  // is digits, else by name; results go to the cache and the option list.
  async function search(text) {
    const s = (text || '').trim();
    if (!s) return [];
    const m = /^\d{1,7}/.exec(s);
    const q = m ? 'prefix=' + m[0] : 'q=' + encodeURIComponent(s);
    const res = await S.api('GET', '/api/items?' + q);
    const found = res.items || [];
    for (const it of found) items.set(it.code, it);
    itemOptions.replaceChildren(...found.slice(0, 50).map((it) =>
      el('option', { value: it.code + ' ' + S.pick(it.name_zh, it.name_en) }, S.pick(it.unit_zh, it.unit_en))));
    return found;
  }

  // resolveSoon resolves a demand's item, searching when the cache does
  // not know it yet; only the latest search of a row counts.
  const timers = new WeakMap();
  function resolveSoon(d, row, delay) {
    clearTimeout(timers.get(d));
    d.item = resolve(d.text);
    showItem(d, row);
    if (d.item || !d.text.trim()) return Promise.resolve(d.item);
    return new Promise((done) => {
      timers.set(d, setTimeout(async () => {
        const asked = d.text;
        try { await search(asked); } catch (err) { /* shown on submit */ }
        if (d.text === asked) {
          d.item = resolve(d.text) || onlyMatch(d.text);
          showItem(d, row);
        }
        done(d.item);
      }, delay));
    });
  }

  // onlyMatch accepts a search that found exactly one item.
  function onlyMatch(text) {
    const s = text.trim().toLowerCase();
    const hits = [...items.values()].filter((it) => it.code.startsWith(s) ||
      it.name_zh.includes(text.trim()) || (it.name_en || '').toLowerCase().includes(s));
    return hits.length === 1 ? hits[0] : null;
  }

  function showItem(d, row) {
    if (!row) return;
    const note = row.querySelector('.demand-found');
    const unit = row.querySelector('.demand-unit');
    row.querySelector('.demand-item').classList.toggle('invalid', false);
    if (d.item) {
      note.textContent = d.item.code + ' · ' + S.pick(d.item.name_zh, d.item.name_en);
      note.className = 'demand-found ok';
      unit.textContent = S.pick(d.item.unit_zh, d.item.unit_en);
    } else {
      note.textContent = d.text.trim() ? t('dispatch.new.item_unknown') : '';
      note.className = 'demand-found warn';
      unit.textContent = '';
    }
  }

  // ---- sites and their markers ----
  function newDemand() { return { text: '', item: null, quantity: '', hours: String(DEFAULT_HOURS) }; }

  function addSite(point, name, area) {
    const site = { name, point, area: area || '', demands: [newDemand()], marker: null };
    sites.push(site);
    attachMarker(site);
    render();
    const box = sitesBox.querySelector('.site[data-index="' + (sites.length - 1) + '"]');
    if (box) box.scrollIntoView({ block: 'nearest' });
  }

  // attachMarker puts a draggable numbered pin on the map for a site;
  // dragging it moves the site.
  function attachMarker(site) {
    if (!base || site.marker) return;
    site.marker = L.marker(base.toMap(site.point), { draggable: true, icon: pin(sites.indexOf(site) + 1), keyboard: false })
      .addTo(base.map);
    site.marker.on('dragend', () => {
      site.point = base.fromMap(site.marker.getLatLng());
      render();
    });
    site.marker.on('click', () => {
      const box = sitesBox.querySelector('.site[data-index="' + sites.indexOf(site) + '"]');
      if (box) { box.scrollIntoView({ behavior: 'smooth', block: 'center' }); box.querySelector('.site-name').focus(); }
    });
  }

  function pin(n) {
    return L.divIcon({ className: 'site-pin', html: el('span', null, String(n)), iconSize: [26, 26], iconAnchor: [13, 13] });
  }

  function removeSite(i) {
    const [site] = sites.splice(i, 1);
    if (site.marker) site.marker.remove();
    sites.forEach((s, j) => s.marker && s.marker.setIcon(pin(j + 1)));
    render();
  }

  // render draws the site list from `sites`; inputs write straight back
  // into it, so nothing typed is lost when the list is drawn again.
  function render() {
    document.getElementById('site-count').textContent = sites.length;
    if (!sites.length) {
      sitesBox.replaceChildren(el('p', { class: 'empty sites-empty' }, t('dispatch.new.no_sites')));
      return;
    }
    sitesBox.replaceChildren(...sites.map(siteBox));
  }

  function siteBox(site, i) {
    const name = el('input', { class: 'site-name', value: site.name, maxlength: 100, 'aria-label': t('dispatch.new.site_name'),
      oninput: (e) => { site.name = e.target.value; } });
    const rows = site.demands.map((d, j) => demandRow(site, d, j));
    return el('div', { class: 'site', 'data-index': i },
      el('div', { class: 'site-head' },
        el('span', { class: 'site-number' }, String(i + 1)),
        name,
        el('button', { type: 'button', class: 'remove-site link-button', title: t('dispatch.new.remove_site'),
          onclick: () => removeSite(i) }, '✕')),
      el('div', { class: 'site-point muted' }, t('dispatch.new.point', site.point.lon.toFixed(4), site.point.lat.toFixed(4))),
      el('div', { class: 'demands' },
        el('div', { class: 'demand-head muted' },
          el('span', {}, t('dispatch.new.item')), el('span', {}, t('dispatch.new.quantity')),
          el('span', {}, t('dispatch.new.hours')), el('span', {})),
        rows),
      el('button', { type: 'button', class: 'add-demand', onclick: () => {
        site.demands.push(newDemand());
        render();
        const box = sitesBox.querySelector('.site[data-index="' + i + '"]');
        const inputs = box.querySelectorAll('.demand-item');
        inputs[inputs.length - 1].focus();
      } }, '＋ ' + t('dispatch.new.add_demand')));
  }

  function demandRow(site, d, j) {
    const row = el('div', { class: 'demand', 'data-demand': j });
    const item = el('input', { class: 'demand-item', list: 'item-options', value: d.text,
      placeholder: t('dispatch.new.item_placeholder'), 'aria-label': t('dispatch.new.item'),
      oninput: (e) => { d.text = e.target.value; resolveSoon(d, row, 250); },
      onchange: (e) => { d.text = e.target.value; resolveSoon(d, row, 0); } });
    const qty = el('input', { class: 'demand-quantity', type: 'number', min: 0, step: 'any', inputmode: 'decimal',
      value: d.quantity, placeholder: t('dispatch.new.quantity'), 'aria-label': t('dispatch.new.quantity'), oninput: (e) => { d.quantity = e.target.value; } });
    const hours = el('input', { class: 'demand-hours', type: 'number', min: 0.5, max: 8760, step: 'any', list: 'hour-presets',
      value: d.hours, 'aria-label': t('dispatch.new.hours'), oninput: (e) => { d.hours = e.target.value; } });
    row.append(
      el('div', { class: 'demand-item-cell' }, item, el('small', { class: 'demand-found' })),
      el('div', { class: 'demand-qty-cell' }, qty, el('span', { class: 'demand-unit' })),
      el('div', { class: 'demand-hours-cell' }, hours, el('span', { class: 'muted' }, t('dispatch.new.h'))),
      el('button', { type: 'button', class: 'remove-demand link-button', title: t('dispatch.new.remove_demand'),
        onclick: () => { site.demands.splice(j, 1); if (!site.demands.length) site.demands.push(newDemand()); render(); } }, '✕'));
    showItem(d, row);
    return row;
  }

  // ---- submitting ----
  // FieldError points at the input a client-side check refused.
  class FieldError extends Error {
    constructor(message, input) { super(message); this.input = input; }
  }

  function siteInput(i, sel) {
    const box = sitesBox.querySelector('.site[data-index="' + i + '"]');
    return box ? (sel ? box.querySelectorAll(sel) : box) : null;
  }

  // build turns the form into the API's incident, checking what the API
  // would refuse first; `order` maps each sent demand back to its row.
  async function build() {
    const code = document.getElementById('incident-code');
    const title = document.getElementById('incident-title');
    if (!code.value.trim()) throw new FieldError(t('dispatch.new.need_code'), code);
    if (!title.value.trim()) throw new FieldError(t('dispatch.new.need_title'), title);
    if (!sites.length) throw new FieldError(t('dispatch.new.need_site'), document.getElementById('incident-map'));
    await Promise.all(sites.flatMap((s, i) => s.demands.map((d, j) =>
      d.item || !d.text.trim() ? null : resolveSoon(d, siteInput(i, '.demand')[j], 0))));
    const order = [];
    const out = sites.map((s, i) => {
      const demands = [];
      const sent = [];
      s.demands.forEach((d, j) => {
        const inputs = siteInput(i, '.demand')[j];
        if (!d.text.trim() && !String(d.quantity).trim()) return; // an empty row is left out
        if (!d.item) throw new FieldError(t('dispatch.new.need_item', i + 1), inputs.querySelector('.demand-item'));
        const q = Number(d.quantity);
        const qtyInput = inputs.querySelector('.demand-quantity');
        if (!(q > 0)) throw new FieldError(t('dispatch.new.need_quantity', i + 1), qtyInput);
        if (d.item.counted && !Number.isInteger(q)) {
          throw new FieldError(t('dispatch.new.need_whole', i + 1, S.pick(d.item.name_zh, d.item.name_en)), qtyInput);
        }
        const h = Number(d.hours);
        if (!(h > 0 && h <= 8760)) throw new FieldError(t('dispatch.new.need_hours', i + 1), inputs.querySelector('.demand-hours'));
        demands.push({ item: d.item.code, quantity: q, within_hours: h });
        sent.push(j);
      });
      if (!demands.length) {
        throw new FieldError(t('dispatch.new.need_demand', i + 1), siteInput(i, '.demand-item')[0]);
      }
      order.push(sent);
      const site = { code: 'S' + String(i + 1).padStart(2, '0'), name: s.name.trim() || t('dispatch.new.site_default', i + 1),
        point: s.point, demands };
      if (s.area) site.area = s.area;
      return site;
    });
    return {
      order,
      incident: { code: code.value.trim(), title: title.value.trim(), type: document.getElementById('incident-type').value,
        level: Number(document.getElementById('incident-level').value), sites: out },
    };
  }

  // inputOf finds the input an API error's field names, such as
  // incident.sites[0].demands[1].quantity.
  function inputOf(field, order) {
    if (!field) return null;
    const f = field.replace(/^incident\./, '');
    const simple = { code: 'incident-code', title: 'incident-title', type: 'incident-type', level: 'incident-level' }[f];
    if (simple) return document.getElementById(simple);
    const m = /^sites\[(\d+)\](?:\.demands\[(\d+)\]\.(item|quantity|within_hours))?(?:\.(name|point|code))?/.exec(f);
    if (!m) return null;
    const i = Number(m[1]);
    if (m[2] === undefined) return m[4] === 'name' ? siteInput(i, '.site-name')[0] : siteInput(i);
    const j = (order[i] || [])[Number(m[2])];
    const row = j === undefined ? null : siteInput(i, '.demand')[j];
    if (!row) return siteInput(i);
    return row.querySelector({ item: '.demand-item', quantity: '.demand-quantity', within_hours: '.demand-hours' }[m[3]]);
  }

  function showError(text, input) {
    errorBox.textContent = text;
    errorBox.hidden = false;
    form.querySelectorAll('.invalid').forEach((e) => e.classList.remove('invalid'));
    if (input) {
      input.classList.add('invalid');
      input.scrollIntoView({ block: 'center' });
      if (input.focus) input.focus({ preventScroll: true });
    }
  }

  function working(on) {
    submitButton.disabled = on;
    progress.hidden = !on;
  }

  // confirmCode asks before replacing an incident stored under the same code.
  async function confirmCode(code) {
    try {
      await S.api('GET', '/api/incidents/' + encodeURIComponent(code));
    } catch (err) {
      if (err instanceof S.ApiError && err.status === 404) return true;
      throw err;
    }
    return window.confirm(t('dispatch.new.code_exists', code));
  }

  form.addEventListener('input', (e) => e.target.classList.remove('invalid'));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    errorBox.hidden = true;
    working(true);
    let built = { order: [] };
    try {
      built = await build();
      if (!(await confirmCode(built.incident.code))) { working(false); return; }
      const plan = await S.api('POST', '/api/plans', { incident: built.incident });
      window.location.assign('/plans/' + plan.id);
    } catch (err) {
      working(false);
      if (err instanceof FieldError) showError(err.message, err.input);
      else showError(S.errorText(err), inputOf(err.detail && err.detail.field, built.order));
    }
  });

  // ---- streets ----
  document.getElementById('street-add').addEventListener('click', () => {
    const sel = document.getElementById('street-select');
    const opt = sel.selectedOptions[0];
    if (!opt || !opt.value) { sel.focus(); S.toast(t('dispatch.new.street_choose'), true); return; }
    addSite({ lon: Number(opt.dataset.lon), lat: Number(opt.dataset.lat) }, opt.dataset.name, opt.dataset.district);
    if (base) base.map.setView(base.toMap(sites[sites.length - 1].point), Math.max(base.map.getZoom(), 11));
  });

  // ---- the map ----
  const mapEl = document.getElementById('incident-map');
  S.basemap(mapEl, { labels: true }).then((b) => {
    base = b;
    mapEl.querySelector('.map-loading')?.remove();
    b.map.invalidateSize();
    b.map.fitBounds(b.districts.getBounds(), { padding: [8, 8] });
    b.map.on('click', (e) => addSite(b.fromMap(e.latlng), t('dispatch.new.site_default', sites.length + 1), ''));
    sites.forEach(attachMarker); // sites picked from the street list before the map was drawn
  }).catch((err) => {
    mapEl.replaceChildren(el('p', { class: 'alert bad' }, t('dispatch.map_failed') + ' ' + S.errorText(err)));
  }).finally(() => S.ready('incident-new'));
  render();
})();
