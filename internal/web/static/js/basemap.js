// Stockpile.basemap: the Leaflet map every map screen starts from. It draws
// the district boundaries shipped with the app (offline, WGS-84) and, when
// the server is configured with one, a tile layer under them. Positions are
// stored in WGS-84; when the tiles use GCJ-02 (AMap, Tencent) every position
// is shifted to GCJ-02 before drawing and every click shifted back.
(function () {
  'use strict';
  const S = window.Stockpile;

  // GCJ-02 ("Mars coordinates"): the standard published transform on the
  // Krasovsky ellipsoid. Outside China positions are left alone.
  const A = 6378245.0, EE = 0.00669342162296594323;
  function outOfChina(lon, lat) { return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271; }
  function tLat(x, y) {
    let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(y * Math.PI) + 40 * Math.sin(y / 3 * Math.PI)) * 2 / 3;
    r += (160 * Math.sin(y / 12 * Math.PI) + 320 * Math.sin(y * Math.PI / 30)) * 2 / 3;
    return r;
  }
  function tLon(x, y) {
    let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(x * Math.PI) + 40 * Math.sin(x / 3 * Math.PI)) * 2 / 3;
    r += (150 * Math.sin(x / 12 * Math.PI) + 300 * Math.sin(x / 30 * Math.PI)) * 2 / 3;
    return r;
  }
  function wgsToGcj(lon, lat) {
    if (outOfChina(lon, lat)) return [lon, lat];
    const radLat = lat / 180 * Math.PI;
    let magic = Math.sin(radLat);
    magic = 1 - EE * magic * magic;
    const sq = Math.sqrt(magic);
    const dLat = tLat(lon - 105, lat - 35) * 180 / ((A * (1 - EE)) / (magic * sq) * Math.PI);
    const dLon = tLon(lon - 105, lat - 35) * 180 / (A / sq * Math.cos(radLat) * Math.PI);
    return [lon + dLon, lat + dLat];
  }
  // gcjToWgs inverts wgsToGcj by fixed-point iteration (error < 1e-7°).
  function gcjToWgs(lon, lat) {
    let x = lon, y = lat;
    for (let i = 0; i < 10; i++) {
      const [gx, gy] = wgsToGcj(x, y);
      const dx = gx - lon, dy = gy - lat;
      x -= dx; y -= dy;
      if (Math.abs(dx) < 1e-7 && Math.abs(dy) < 1e-7) break;
    }
    return [x, y];
  }

  // ---- district labels ------------------------------------------------------
  // A district's label sits at the pole of inaccessibility of its largest
  // polygon (the interior point farthest from its edges, found as by
  // Mapbox's polylabel), not at the centre of its first ring: 朝阳区's and
  // 顺义区's first ring is the Capital Airport exclave. Distances are
  // worked out with longitude scaled by cos(latitude), near enough to
  // metres at Beijing's size.

  // ringArea is a ring's area and polygonArea a polygon's (outer ring less
  // holes), in degrees², to compare polygons.
  function ringArea(ring) {
    let a = 0;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
    return Math.abs(a) / 2;
  }
  function polygonArea(rings) { return rings.reduce((a, r, i) => a + (i === 0 ? ringArea(r) : -ringArea(r)), 0); }

  // largestPolygon returns the rings of a (Multi)Polygon's largest polygon.
  function largestPolygon(geom) {
    if (geom.type === 'Polygon') return geom.coordinates;
    let best = null, area = -1;
    for (const rings of geom.coordinates) {
      const a = polygonArea(rings);
      if (a > area) { best = rings; area = a; }
    }
    return best;
  }

  // inside reports whether [x, y] is inside rings (in the outer ring and
  // in no hole), by ray casting.
  function inside(rings, x, y) {
    let in_ = false;
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        const [xi, yi] = ring[i], [xj, yj] = ring[j];
        if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) in_ = !in_;
      }
    }
    return in_;
  }

  // edgeDistance is the signed distance from [x, y] to the rings' edges:
  // positive inside, negative outside.
  function edgeDistance(rings, x, y) {
    let d2 = Infinity;
    for (const ring of rings) {
      for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
        let [ax, ay] = ring[j];
        const [bx, by] = ring[i];
        let dx = bx - ax, dy = by - ay;
        if (dx !== 0 || dy !== 0) {
          const t = ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy);
          if (t > 1) { ax = bx; ay = by; } else if (t > 0) { ax += dx * t; ay += dy * t; }
        }
        dx = x - ax; dy = y - ay;
        d2 = Math.min(d2, dx * dx + dy * dy);
      }
    }
    return (inside(rings, x, y) ? 1 : -1) * Math.sqrt(d2);
  }

  // poleOfInaccessibility returns [lon, lat] inside rings (WGS-84), to
  // within about 1e-4 of the polygon's size.
  function poleOfInaccessibility(rings) {
    const k = Math.cos(rings[0].reduce((a, p) => a + p[1], 0) / rings[0].length * Math.PI / 180);
    const proj = rings.map((r) => r.map(([x, y]) => [x * k, y]));
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const [x, y] of proj[0]) { minX = Math.min(minX, x); minY = Math.min(minY, y); maxX = Math.max(maxX, x); maxY = Math.max(maxY, y); }
    const size = Math.min(maxX - minX, maxY - minY);
    const precision = Math.max(maxX - minX, maxY - minY) * 1e-4;
    const cell = (x, y, h) => { const d = edgeDistance(proj, x, y); return { x, y, h, d, max: d + h * Math.SQRT2 }; };
    const queue = [];
    let h = size / 2;
    for (let x = minX; x < maxX; x += size) for (let y = minY; y < maxY; y += size) queue.push(cell(x + h, y + h, h));
    // The centroid of the ring's vertices is a first guess; any grid cell may beat it.
    let best = cell(proj[0].reduce((a, p) => a + p[0], 0) / proj[0].length, proj[0].reduce((a, p) => a + p[1], 0) / proj[0].length, 0);
    for (const c of queue) if (c.d > best.d) best = c;
    while (queue.length) {
      let i = 0;
      for (let j = 1; j < queue.length; j++) if (queue[j].max > queue[i].max) i = j;
      const c = queue.splice(i, 1)[0];
      if (c.d > best.d) best = c;
      if (c.max - best.d <= precision) continue;
      h = c.h / 2;
      for (const [dx, dy] of [[-1, -1], [1, -1], [-1, 1], [1, 1]]) queue.push(cell(c.x + dx * h, c.y + dy * h, h));
    }
    return [best.x / k, best.y];
  }

  // shifts are the moves tried for a label that covers another, nearest
  // first: up to twice its height up or down, half its width aside.
  function shifts(w, h) {
    const out = [];
    for (const fy of [0, -0.5, 0.5, -1, 1, -1.5, 1.5, -2, 2]) {
      for (const fx of [0, -0.25, 0.25, -0.5, 0.5, -1, 1]) if (fx || fy) out.push([fx * w, fy * h]);
    }
    return out.sort((a, b) => Math.hypot(a[0] / w, a[1] / h) - Math.hypot(b[0] / w, b[1] / h));
  }

  // overlaps reports whether two DOMRects share any area.
  function overlaps(a, b) { return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom; }

  // place puts a label at its pole, or moved by one of shifts with its
  // centre still inside its district, where it overlaps no placed label,
  // and returns its box; or returns null.
  function place(map, lb, tip, el, placed, toMap, fromMap) {
    // The box drawn, which is what must be inside and clear: Leaflet
    // rounds its position to whole pixels.
    const box = map.getContainer().getBoundingClientRect();
    const fits = () => {
      const r = el.getBoundingClientRect();
      const c = fromMap(map.containerPointToLatLng(L.point((r.left + r.right) / 2 - box.left, (r.top + r.bottom) / 2 - box.top)));
      return inside(lb.rings, c.lon, c.lat) && !placed.some((p) => overlaps(p, r)) ? r : null;
    };
    tip.setLatLng(toMap(lb.pole));
    let rect = fits();
    if (rect) return rect;
    rect = el.getBoundingClientRect();
    const at = map.latLngToContainerPoint(toMap(lb.pole));
    for (const [dx, dy] of shifts(rect.width + 2, rect.height + 2)) {
      const p = fromMap(map.containerPointToLatLng(L.point(at.x + dx, at.y + dy)));
      if (!inside(lb.rings, p.lon, p.lat)) continue;
      tip.setLatLng(toMap(p));
      const r = fits();
      if (r) return r;
    }
    return null;
  }

  // declutter places the district labels so that no two overlap at the
  // map's zoom: smallest district first (it has the least room to move
  // in), each at its pole; a label that would cover one already placed is
  // moved (see shifts) as long as its centre stays inside its district,
  // and when no move clears it is set in small type, or else hidden
  // (class label-hidden) until the map is zoomed in.
  function declutter(map, labels, toMap, fromMap) {
    // A label that finds no room goes first on the next pass (it is the
    // hardest to place), up to one pass per label; the last pass stands.
    let order = labels.slice();
    for (let pass = 0; pass <= labels.length; pass++) {
      const failed = layout(map, order, toMap, fromMap);
      if (failed.length === 0 || pass === labels.length) return;
      order = failed.concat(order.filter((lb) => !failed.includes(lb)));
    }
  }

  // layout places labels in order and returns those it had to hide.
  function layout(map, order, toMap, fromMap) {
    const placed = [], failed = [];
    for (const lb of order) {
      const tip = lb.layer.getTooltip();
      const el = tip && tip.getElement();
      if (!el) continue;
      el.classList.remove('label-hidden', 'label-small');
      // Where the label fits as it is; else in small type; else nowhere.
      let rect = place(map, lb, tip, el, placed, toMap, fromMap);
      if (!rect) {
        el.classList.add('label-small');
        rect = place(map, lb, tip, el, placed, toMap, fromMap);
      }
      if (!rect) {
        tip.setLatLng(toMap(lb.pole));
        el.classList.remove('label-small');
        el.classList.add('label-hidden');
        failed.push(lb);
        continue;
      }
      placed.push(rect);
    }
    return failed;
  }

  let basemapData; // the district GeoJSON, fetched once per page
  const maps = []; // the page's maps, for the browser tests (Stockpile.maps)

  // basemap makes a map in el and resolves when the districts are drawn.
  // It returns the Leaflet map, the district layers by code, and the two
  // conversions between stored points {lon, lat} and map positions.
  async function basemap(el, opts = {}) {
    const tiles = S.client.tiles;
    const gcj = !!tiles && tiles.crs === 'gcj02';
    const map = L.map(el, { preferCanvas: true, zoomSnap: 0.5, attributionControl: !!tiles });
    map.setView([40.25, 116.45], opts.zoom || 8.5);
    if (tiles) {
      // The pages send no Referer to other sites (Referrer-Policy:
      // same-origin), but tile services that key on it (a Tianditu browser
      // key limited to some domains, OpenStreetMap's usage policy) need
      // the site's origin: the tiles send that, and never the page's path.
      // The attribution is HTML, as Leaflet takes it: it is the operator's
      // own --tiles-attribution, not data users enter.
      L.tileLayer(tiles.url, { subdomains: tiles.subdomains || 'abc', attribution: tiles.attribution || '', maxZoom: 18,
        referrerPolicy: 'strict-origin-when-cross-origin' }).addTo(map);
    }
    const toMap = (p) => { const [x, y] = gcj ? wgsToGcj(p.lon, p.lat) : [p.lon, p.lat]; return L.latLng(y, x); };
    const fromMap = (ll) => { const [lon, lat] = gcj ? gcjToWgs(ll.lng, ll.lat) : [ll.lng, ll.lat]; return { lon: +lon.toFixed(6), lat: +lat.toFixed(6) }; };

    if (!basemapData) {
      const res = await fetch(S.client.basemap);
      basemapData = await res.json();
    }
    const byCode = {};
    const labels = []; // {code, layer, rings, pole, area}, smallest first
    const districts = L.geoJSON(basemapData, {
      coordsToLatLng: (c) => toMap({ lon: c[0], lat: c[1] }),
      style: () => ({ color: '#7b8794', weight: 1.2, fillColor: tiles ? 'transparent' : '#f7f9fb', fillOpacity: tiles ? 0 : 1 }),
      onEachFeature: (f, layer) => {
        byCode[f.properties.code] = layer;
        if (opts.labels !== false) {
          layer.bindTooltip(S.el('span', { 'data-district': f.properties.code }, S.pick(f.properties.name_zh, f.properties.name_en)),
            { permanent: true, direction: 'center', className: 'district-label', interactive: false });
          const rings = largestPolygon(f.geometry);
          const [lon, lat] = poleOfInaccessibility(rings);
          labels.push({ code: f.properties.code, layer, rings, pole: { lon, lat }, area: polygonArea(rings) });
        }
      },
    }).addTo(map);
    labels.sort((a, b) => a.area - b.area);
    const relabel = () => declutter(map, labels, toMap, fromMap);
    for (const lb of labels) lb.layer.openTooltip(toMap(lb.pole));
    if (opts.fit !== false) map.fitBounds(districts.getBounds(), { padding: [8, 8] });
    relabel();
    map.on('zoomend', relabel);
    maps.push(map);
    // relabel is for a page that changes the labels' text (the readiness
    // map adds figures): it lays them out again.
    return { map, districts, byCode, toMap, fromMap, labels, relabel };
  }

  S.basemap = basemap;
  S.maps = maps;
  S.coords = { wgsToGcj, gcjToWgs };
  S.geom = { largestPolygon, poleOfInaccessibility, inside };
})();
