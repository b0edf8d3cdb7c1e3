// 一张图: depots sized by the volume they hold and coloured by readiness,
// clustered when zoomed out; contract reserves, open incidents and the
// lines of their latest plans as layers; filters; and the nearby search
// ("where is item X within N hours of this point").
(function () {
  'use strict';
  const S = window.Stockpile;
  const { t, pick, num, el } = S;
  const $ = (id) => document.getElementById(id);

  const COLOURS = { ok: '#2e9d47', warn: '#f29100', bad: '#d32f2f', none: '#9aa5b1' };
  const WORST = { none: 0, ok: 1, warn: 2, bad: 3 };
  const MIN_R = 4, MAX_R = 18;   // depot circle radius in pixels
  const FOCUS_ZOOM = 13;         // clustering stops here, so a focused depot stands alone

  let base;            // Stockpile.basemap result
  let data;            // /map/data.json
  let entries = [];    // {d, marker, text} per depot
  let byCode = {};     // depot code → entry
  let cluster;         // the depot cluster group
  let layers = {};     // reserves, incidents, lines, nearby
  let chunksDone = null;
  let readyCalled = false;

  // ---- formatting ---------------------------------------------------------

  const names = (dict, code) => { const n = dict && dict[code]; return n ? pick(n.name_zh, n.name_en) : (code || '–'); };
  const itemName = (code) => names(data.items, code);
  const itemUnit = (code) => { const it = data.items[code]; return it ? pick(it.unit_zh, it.unit_en) : ''; };
  function duration(min) {
    return S.duration(min);
  }
  function typeName(type) {
    const key = 'map.type.' + type;
    return S.client.messages[key] !== undefined ? t(key) : type;
  }
  function badge(cls) { return el('span', { class: 'badge ' + cls }, t('map.readiness.' + cls)); }
  function rows(pairs) {
    return el('table', {}, el('tbody', {}, pairs.filter(Boolean).map(([k, v]) => el('tr', {}, el('th', {}, k), el('td', {}, v)))));
  }

  // ---- depots -------------------------------------------------------------

  function radius(used, maxUsed) {
    if (!(used > 0) || !(maxUsed > 0)) return MIN_R;
    return MIN_R + (MAX_R - MIN_R) * Math.sqrt(used / maxUsed);
  }

  // ofLots is a count of lots with its share of the depot's lots.
  const ofLots = (n, d) => n > 0 && d.lots > 0 ? t('map.of_lots', num(n, 0), S.pct(n / d.lots)) : num(n, 0);

  // A depot's popup: counts of lots and items, and volumes, which compare
  // across items; quantities only per item with their units, read when the
  // popup opens.
  function depotPopup(d) {
    const byItem = el('div', { class: 'depot-items' }, el('p', { class: 'muted small' }, t('map.items_loading')));
    const root = el('div', { class: 'map-popup depot-popup', 'data-depot': d.code },
      el('h3', {}, pick(d.name_zh, d.name_en)),
      el('div', { class: 'sub' }, d.code + ' · ' + S.tier(d.tier) + ' · ' + t('map.kind.' + d.kind) + ' ', badge(d.readiness)),
      rows([
        [t('map.f.org'), names(data.orgs, d.org)],
        [t('map.f.district'), names(data.districts, d.district)],
        [t('map.f.capacity'), d.capacity_m3 > 0 ? num(d.capacity_m3, 0) + ' ' + t('unit.m3') : '–'],
        [t('map.f.used'), num(d.used_m3, 1) + ' ' + t('unit.m3') + (d.capacity_m3 > 0 ? ' · ' + t('map.of_capacity', S.pct(d.utilisation)) : '')],
        [t('map.f.lots'), num(d.lots, 0) + ' / ' + num(d.items, 0)],
        [t('map.f.usable_lots'), ofLots(d.usable_lots, d)],
        d.reserved_lots > 0 ? [t('map.f.reserved_lots'), ofLots(d.reserved_lots, d)] : null,
        [t('map.f.expiring_lots', num(data.rule.expiring_days, 0)), ofLots(d.expiring_lots, d)],
        [t('map.f.expired_lots'), ofLots(d.expired_lots, d)],
        d.damaged_lots > 0 ? [t('map.f.damaged_lots'), ofLots(d.damaged_lots, d)] : null,
      ]),
      d.lots > 0 ? byItem : null,
      el('div', { class: 'actions' },
        el('a', { href: '/stock/lots?depot=' + encodeURIComponent(d.code) }, t('map.see_lots'))));
    if (d.lots > 0) loadItems(d, byItem);
    return root;
  }

  const POPUP_ITEMS = 8; // items a popup lists; the lots screen has the rest

  // loadItems fills a depot popup's per-item list: usable and on hand of
  // each item, in its own unit.
  async function loadItems(d, box) {
    let rep;
    try {
      rep = await S.api('GET', '/api/balances?group_by=item&depot=' + encodeURIComponent(d.code));
    } catch (err) {
      box.replaceChildren(el('p', { class: 'error-text small' }, t('map.items_failed', S.errorText(err))));
      refreshPopup(box);
      return;
    }
    const list = (rep.rows || []).slice().sort((a, b) => b.usable - a.usable || a.item.localeCompare(b.item));
    box.replaceChildren(el('div', { class: 'small' }, t('map.f.by_item')),
      el('ul', {}, list.slice(0, POPUP_ITEMS).map((r) => {
        const unit = pick(r.unit_zh, r.unit_en);
        return el('li', { 'data-item': r.item }, pick(r.item_name_zh, r.item_name_en) + ' ' +
          num(r.usable) + ' / ' + num(r.quantity) + ' ' + unit);
      })),
      list.length > POPUP_ITEMS ? el('p', { class: 'muted small' }, t('map.items_more', num(list.length - POPUP_ITEMS, 0))) : null);
    box.dataset.loaded = String(list.length);
    refreshPopup(box);
  }

  // refreshPopup lays out again the open popup that holds node, whose
  // content grew after it opened.
  let openPopup = null;
  function refreshPopup(node) {
    const c = openPopup && openPopup.getElement && openPopup.getElement();
    if (c && c.contains(node)) openPopup.update();
  }

  // worstOf is the worst readiness in a cluster, memoised on the cluster:
  // computed from its own markers and its child clusters (fields of the
  // pinned markercluster 1.5.3), so each zoom costs one pass, not one per
  // level. Clusters are rebuilt whenever the depots are refilled.
  function worstOf(c) {
    if (c._stockpileWorst) return c._stockpileWorst;
    let worst = 'none';
    for (const m of c._markers) if (WORST[m.options.readiness] > WORST[worst]) worst = m.options.readiness;
    for (const cc of c._childClusters) { const w = worstOf(cc); if (WORST[w] > WORST[worst]) worst = w; }
    c._stockpileWorst = worst;
    return worst;
  }

  function clusterIcon(c) {
    const n = c.getChildCount();
    const size = n < 10 ? 30 : n < 100 ? 36 : n < 1000 ? 42 : 48;
    return L.divIcon({ html: el('div', null, String(n)), className: 'mk-cluster ' + worstOf(c), iconSize: [size, size] });
  }

  // Depots, reserves and sites sit in a pane above the district names.
  function makePane() {
    const pane = base.map.createPane('stockpile');
    pane.style.zIndex = 655; // tooltips are 650, popups 700
  }

  function buildDepots() {
    const maxUsed = Math.max(0, ...data.depots.map((d) => d.used_m3));
    entries = data.depots.map((d) => {
      const marker = L.circleMarker(base.toMap(d.point), {
        radius: radius(d.used_m3, maxUsed), color: '#fff', weight: 1.5, fillColor: COLOURS[d.readiness] || COLOURS.none,
        fillOpacity: 0.9, readiness: d.readiness, bubblingMouseEvents: false, pane: 'stockpile',
      });
      // Popups and tooltips get elements: Leaflet would read a string as HTML.
      marker.bindPopup(() => depotPopup(d));
      marker.bindTooltip(() => el('span', null, pick(d.name_zh, d.name_en)), { direction: 'top', offset: [0, -4] });
      const text = [d.code, d.name_zh, d.name_en].join(' ').toLowerCase();
      const e = { d, marker, text };
      byCode[d.code] = e;
      return e;
    });
    cluster = L.markerClusterGroup({
      chunkedLoading: true,
      chunkProgress: (done, total) => {
        if (done < total) setStatus(t('map.drawing', done, total), true);
        if (done === total && chunksDone) { const f = chunksDone; chunksDone = null; f(); }
      },
      showCoverageOnHover: false,
      disableClusteringAtZoom: FOCUS_ZOOM,
      maxClusterRadius: 70,
      spiderfyOnMaxZoom: false,
      clusterPane: 'stockpile',
      iconCreateFunction: clusterIcon,
    });
    // Markercluster 1.5.3 keeps icons for three screens each way on desktop
    // (pad 1): with 5,000 depots that is a thousand DOM icons rebuilt per
    // zoom. A quarter-screen margin keeps panning covered at a ninth of
    // the cost.
    cluster._getExpandedVisibleBounds = function () {
      return this._checkBoundsMaxLat(this._map.getBounds().pad(0.25));
    };
    // Clustering needs a maximum zoom; the offline basemap has no tiles to set one.
    if (!Number.isFinite(base.map.getMaxZoom())) base.map.setMaxZoom(18);
    base.map.addLayer(cluster);
  }

  // fill replaces the depots in the cluster group; it resolves when every
  // chunk is drawn.
  function fill(list) {
    return new Promise((resolve) => {
      if (chunksDone) chunksDone(); // a fill still drawing is superseded
      cluster.clearLayers();
      // Off the map (layer unchecked) the group clusters when it is added back.
      chunksDone = base.map.hasLayer(cluster) ? resolve : null;
      cluster.addLayers(list.map((e) => e.marker));
      if (!chunksDone) resolve();
    });
  }

  // ---- filters and the name search ---------------------------------------

  function matches() {
    const tier = $('depot-tier').value, district = $('depot-district').value;
    const q = $('depot-search').value.trim().toLowerCase();
    return entries.filter((e) => (!tier || e.d.tier === tier) && (!district || e.d.district === district) &&
      (!q || e.text.includes(q)));
  }

  let filterTimer;
  async function applyFilters(focusSingle) {
    const list = matches();
    const filtered = list.length !== entries.length;
    $('depot-count').textContent = list.length ? t('map.shown', list.length, entries.length) : t('map.no_match');
    $('depot-clear').hidden = !filtered;
    showMatches(list);
    await fill(list);
    if (focusSingle && list.length === 1) focusDepot(list[0].d.code);
  }

  function showMatches(list) {
    const box = $('depot-matches');
    const q = $('depot-search').value.trim();
    box.replaceChildren();
    if (!q || !list.length || list.length === 1) { box.hidden = true; return; }
    for (const e of list.slice(0, 8)) {
      box.append(el('li', {}, el('button', { type: 'button', onclick: () => focusDepot(e.d.code) },
        pick(e.d.name_zh, e.d.name_en), el('span', { class: 'code' }, e.d.code))));
    }
    box.hidden = false;
  }

  // focusDepot zooms to a depot and opens its popup.
  function focusDepot(code) {
    const e = byCode[code];
    if (!e) return;
    const ll = e.marker.getLatLng();
    const open = () => {
      const visible = cluster.getVisibleParent(e.marker) === e.marker;
      if (visible) e.marker.openPopup(); else L.popup().setLatLng(ll).setContent(depotPopup(e.d)).openOn(base.map);
    };
    base.map.once('moveend', () => setTimeout(open, 0));
    base.map.setView(ll, Math.max(base.map.getZoom(), FOCUS_ZOOM), { animate: false });
  }

  function wireFilters() {
    $('depot-tier').addEventListener('change', () => applyFilters(false));
    $('depot-district').addEventListener('change', () => {
      const code = $('depot-district').value;
      applyFilters(false);
      const layer = code && base.byCode[code];
      if (layer) base.map.fitBounds(layer.getBounds(), { padding: [10, 10] });
    });
    $('depot-search').addEventListener('input', () => {
      clearTimeout(filterTimer);
      filterTimer = setTimeout(() => applyFilters(true), 200);
    });
    $('depot-search').addEventListener('keydown', (ev) => {
      if (ev.key !== 'Enter') return;
      ev.preventDefault();
      clearTimeout(filterTimer);
      const list = matches();
      applyFilters(false).then(() => { if (list.length) focusDepot(list[0].d.code); });
    });
    $('depot-clear').addEventListener('click', () => {
      $('depot-tier').value = ''; $('depot-district').value = ''; $('depot-search').value = '';
      applyFilters(false);
    });
  }

  // ---- reserves, incidents and plan lines ---------------------------------

  function reservePopup(r) {
    const agreement = r.kind === 'agreement';
    const unit = itemUnit(r.item);
    return el('div', { class: 'map-popup reserve-popup', 'data-reserve': r.code },
      el('h3', {}, names(data.orgs, r.org)),
      el('div', { class: 'sub' }, (agreement ? t('map.agreement') : t('map.capacity')) + ' · ' + r.code),
      rows([
        [t('map.f.item'), itemName(r.item) + ' (' + r.item + ')'],
        agreement ? [t('map.f.contracted'), num(r.quantity) + ' ' + unit] : [t('map.f.per_day'), num(r.per_day) + ' ' + unit],
        agreement ? [t('map.f.free'), num(r.quantity - r.reserved) + ' ' + unit] : [t('map.f.reserved'), num(r.reserved) + ' ' + unit],
        [agreement ? t('map.f.delivery') : t('map.f.lead'), duration(r.hours * 60)],
        [t('map.f.valid_until'), r.valid_until],
      ]));
  }

  function buildReserves() {
    const g = L.layerGroup();
    for (const r of data.reserves) {
      const icon = L.divIcon({ className: 'mk mk-' + r.kind, html: '<i></i>', iconSize: [18, 18] });
      L.marker(base.toMap(r.point), { icon, keyboard: false, pane: 'stockpile', title: names(data.orgs, r.org) + ' · ' + itemName(r.item) })
        .bindPopup(() => reservePopup(r)).addTo(g);
    }
    return g;
  }

  function sitePopup(inc, site) {
    return el('div', { class: 'map-popup site-popup', 'data-incident': inc.code, 'data-site': site.code },
      el('h3', {}, inc.title),
      el('div', { class: 'sub' }, [t('map.level.' + inc.level), typeName(inc.type), inc.code].join(' · ')),
      rows([[t('map.f.site'), site.name || site.code]]),
      el('div', { class: 'small' }, t('map.f.demands')),
      el('ul', {}, (site.demands || []).map((dm) =>
        el('li', {}, itemName(dm.item) + ' ' + num(dm.quantity) + ' ' + itemUnit(dm.item) + ' · ' + t('map.f.within', num(dm.within_hours))))),
      el('div', { class: 'actions' }, el('button', { type: 'button', onclick: () => { base.map.closePopup(); setPoint(site.point); } },
        t('map.use_point'))));
  }

  function buildIncidents() {
    const g = L.layerGroup();
    for (const inc of data.incidents) {
      for (const site of inc.sites || []) {
        const icon = L.divIcon({ className: 'mk mk-site', html: '<i></i>', iconSize: [20, 18], iconAnchor: [10, 14] });
        L.marker(base.toMap(site.point), { icon, pane: 'stockpile', title: inc.title + ' · ' + (site.name || site.code), zIndexOffset: 500 })
          .bindPopup(() => sitePopup(inc, site)).addTo(g);
      }
    }
    return g;
  }

  function linePopup(ln) {
    const src = pick(ln.source.name_zh, ln.source.name_en) || ln.source.code;
    return el('div', { class: 'map-popup line-popup', 'data-plan': ln.plan, 'data-source': ln.source.code },
      el('h3', {}, t('map.line_route', src, ln.site_name || ln.site)),
      el('div', { class: 'sub' }, t('map.plan', ln.plan) + ' · ' + t('map.status.' + ln.status) + ' · ' + S.tier(ln.source.tier)),
      ln.items.map((it) => el('div', {},
        el('strong', {}, pick(it.name_zh, it.name_en) + ' ' + num(it.quantity) + ' ' + pick(it.unit_zh, it.unit_en)),
        ' · ' + t('map.f.arrival', duration(it.arrival_min)), it.late ? el('span', { class: 'badge bad' }, t('map.f.late')) : null,
        el('p', { class: 'explain' }, pick(it.explain_zh, it.explain_en)))),
      el('div', { class: 'actions' }, el('a', { href: '/plans/' + ln.plan }, t('map.see_plan'))));
  }

  function buildLines() {
    const g = L.layerGroup();
    for (const ln of data.plan_lines) {
      if (!ln.from.lon || !ln.to.lon) continue;
      const late = ln.items.some((it) => it.late);
      L.polyline([base.toMap(ln.from), base.toMap(ln.to)], {
        color: late ? '#d32f2f' : '#1565c0', weight: 3, opacity: 0.8,
        dashArray: ln.status === 'approved' ? null : '7 6', bubblingMouseEvents: false,
      }).bindPopup(() => linePopup(ln)).addTo(g);
    }
    return g;
  }

  function wireLayers() {
    const toggle = (id, layer) => {
      const box = $(id);
      if (!box) return; // a layer the user may not see (incidents and plans need dispatch.read)
      const sync = () => { if (box.checked) base.map.addLayer(layer); else base.map.removeLayer(layer); };
      box.addEventListener('change', sync);
      sync();
    };
    toggle('layer-depots', cluster);
    toggle('layer-reserves', layers.reserves);
    toggle('layer-incidents', layers.incidents);
    toggle('layer-lines', layers.lines);
  }

  // ---- nearby search ------------------------------------------------------

  const nearby = { item: null, point: null, marker: null };

  function setPoint(p) {
    nearby.point = p;
    if (!nearby.marker) {
      nearby.marker = L.marker(base.toMap(p), {
        icon: L.divIcon({ className: 'mk mk-point', html: '<i></i>', iconSize: [22, 22] }),
        title: t('map.nearby_here'), zIndexOffset: 1000, keyboard: false, pane: 'stockpile',
      }).addTo(base.map);
    } else {
      nearby.marker.setLatLng(base.toMap(p));
    }
    $('nearby-point').textContent = p.lon.toFixed(4) + ', ' + p.lat.toFixed(4);
  }

  function chooseItem(it) {
    nearby.item = it;
    $('nearby-item').value = pick(it.name_zh, it.name_en) + ' (' + it.code + ')';
    $('nearby-item-list').hidden = true;
  }

  let itemTimer, itemSeq = 0;
  async function suggestItems() {
    const q = $('nearby-item').value.trim();
    nearby.item = null;
    const box = $('nearby-item-list');
    if (!q) { box.hidden = true; return; }
    const seq = ++itemSeq;
    try {
      const res = /^\d{7}$/.test(q) ? await S.api('GET', '/api/items?prefix=' + q) : await S.api('GET', '/api/items?q=' + encodeURIComponent(q));
      if (seq !== itemSeq) return;
      const items = res.items || [];
      box.replaceChildren();
      if (!items.length) box.append(el('li', { class: 'muted small' }, t('map.nearby_no_items')));
      for (const it of items.slice(0, 12)) {
        box.append(el('li', {}, el('button', { type: 'button', 'data-item': it.code, onclick: () => chooseItem(it) },
          pick(it.name_zh, it.name_en), el('span', { class: 'code' }, it.code + ' · ' + pick(it.unit_zh, it.unit_en)))));
      }
      box.hidden = false;
      if (items.length === 1 && /^\d{7}$/.test(q)) chooseItem(items[0]);
    } catch (err) {
      S.toast(S.errorText(err), true);
    }
  }

  async function runNearby() {
    if (!nearby.item) {
      // A typed exact code or an only match counts as chosen.
      const first = $('nearby-item-list').querySelector('button[data-item]');
      if (first && $('nearby-item-list').querySelectorAll('button[data-item]').length === 1) first.click();
    }
    if (!nearby.item) { S.toast(t('map.nearby_need_item'), true); $('nearby-item').focus(); return; }
    if (!nearby.point) { S.toast(t('map.nearby_need_point'), true); return; }
    const hours = $('nearby-hours').value || '4';
    const summary = $('nearby-summary'), list = $('nearby-results');
    summary.replaceChildren(el('p', { class: 'muted small' }, el('span', { class: 'spinner' }), ' ' + t('map.nearby_searching')));
    list.replaceChildren();
    layers.nearby.clearLayers();
    $('nearby-go').disabled = true;
    try {
      const q = new URLSearchParams({ item: nearby.item.code, lon: nearby.point.lon, lat: nearby.point.lat, hours });
      const res = await S.api('GET', '/api/stock/nearby?' + q);
      showNearby(res);
    } catch (err) {
      summary.replaceChildren(el('div', { class: 'alert bad', role: 'alert' }, S.errorText(err)));
    } finally {
      $('nearby-go').disabled = false;
    }
  }

  function showNearby(res) {
    const unit = pick(res.item.unit_zh, res.item.unit_en);
    const summary = $('nearby-summary'), list = $('nearby-results');
    const hours = num(res.hours);
    if (!res.sources.length) {
      summary.replaceChildren(el('div', { class: 'alert' }, el('strong', {}, t('map.nearby_none', hours)), el('br'),
        res.considered ? t('map.nearby_none_next', res.considered) : t('map.nearby_nowhere')));
      return;
    }
    summary.replaceChildren(el('div', { class: 'alert ok', 'data-total': res.total },
      el('strong', {}, t('map.nearby_total', hours, num(res.total), unit, num(res.sources.length, 0))),
      el('div', { class: 'muted small' }, pick(res.item.name_zh, res.item.name_en) + ' · ' + t('map.nearby_router', S.router(res.router)))));
    const bounds = L.latLngBounds([base.toMap(res.point)]);
    res.sources.forEach((s, i) => {
      const ll = base.toMap(s.point);
      bounds.extend(ll);
      const name = pick(s.name_zh, s.name_en);
      const ring = L.circleMarker(ll, { radius: 14, color: '#ff6d00', weight: 3, fill: false, interactive: false, pane: 'stockpile' });
      const rank = L.marker(ll, { icon: L.divIcon({ className: 'mk-rank', html: el('span', null, String(i + 1)), iconSize: [20, 18], iconAnchor: [-6, 22] }),
        zIndexOffset: 900, keyboard: false, title: name, pane: 'stockpile' });
      const line = L.polyline([ll, base.toMap(res.point)], { color: '#ff6d00', weight: 2, opacity: 0.6, dashArray: '3 5', interactive: false });
      layers.nearby.addLayer(line); layers.nearby.addLayer(ring); layers.nearby.addLayer(rank);
      const tier = s.kind === 'agreement' ? t('tier.agreement') : S.tier(s.tier);
      const eta = s.ready_min > 0 ? duration(s.ready_min) + ' + ' + duration(s.travel_min) : duration(s.travel_min);
      const li = el('li', { 'data-source': s.code, tabindex: '0' },
        el('span', { class: 'rank' }, String(i + 1)),
        el('span', { class: 'name' }, name),
        el('span', { class: 'qty' }, num(s.usable) + ' ' + unit),
        el('span', { class: 'meta' }, tier + ' · ' + s.code),
        el('span', { class: 'eta', title: eta }, duration(s.arrival_min)));
      const go = () => {
        for (const x of list.children) x.classList.toggle('active', x === li);
        if (s.kind === 'depot' && byCode[s.code]) focusDepot(s.code); else base.map.setView(ll, Math.max(base.map.getZoom(), FOCUS_ZOOM));
      };
      li.addEventListener('click', go);
      li.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') go(); });
      list.append(li);
    });
    base.map.fitBounds(bounds.pad(0.15), { maxZoom: FOCUS_ZOOM });
  }

  function wireNearby() {
    $('nearby-item').addEventListener('input', () => { clearTimeout(itemTimer); itemTimer = setTimeout(suggestItems, 250); });
    $('nearby-item').addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); runNearby(); } });
    $('nearby-hours').addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); runNearby(); } });
    $('nearby-go').addEventListener('click', runNearby);
    base.map.on('click', (ev) => setPoint(base.fromMap(ev.latlng)));
  }

  // ---- start --------------------------------------------------------------

  function setStatus(text, busy) {
    const p = $('map-status');
    p.replaceChildren(busy ? el('span', { class: 'spinner' }) : '', busy ? ' ' + text : text);
  }

  async function start() {
    const mapEl = $('map');
    try {
      [base, data] = await Promise.all([S.basemap(mapEl), S.api('GET', '/map/data.json')]);
    } catch (err) {
      setStatus(t('map.load_failed', S.errorText(err)), false);
      $('map-status').classList.add('error-text');
      return;
    }
    makePane();
    base.map.on('popupopen', (ev) => { openPopup = ev.popup; });
    base.map.on('popupclose', (ev) => { if (openPopup === ev.popup) openPopup = null; });
    layers.nearby = L.layerGroup().addTo(base.map);
    buildDepots();
    layers.reserves = buildReserves();
    layers.incidents = buildIncidents();
    layers.lines = buildLines();
    wireLayers();
    wireFilters();
    wireNearby();
    await applyFilters(false);
    setStatus(t('map.summary', num(data.depots.length, 0), num(data.reserves.length, 0), num(data.incidents.length, 0)), false);
    window.stockpileMap = { map: base.map, depots: entries.length };
    if (!readyCalled) { readyCalled = true; S.ready('map'); }
    const focus = mapEl.dataset.focus;
    if (focus) focusDepot(focus);
  }

  start();
})();
