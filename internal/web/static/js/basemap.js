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
    const districts = L.geoJSON(basemapData, {
      coordsToLatLng: (c) => toMap({ lon: c[0], lat: c[1] }),
      style: () => ({ color: '#7b8794', weight: 1.2, fillColor: tiles ? 'transparent' : '#f7f9fb', fillOpacity: tiles ? 0 : 1 }),
      onEachFeature: (f, layer) => {
        byCode[f.properties.code] = layer;
        if (opts.labels !== false) {
          layer.bindTooltip(S.el('span', null, S.pick(f.properties.name_zh, f.properties.name_en)),
            { permanent: true, direction: 'center', className: 'district-label', interactive: false });
        }
      },
    }).addTo(map);
    if (opts.fit !== false) map.fitBounds(districts.getBounds(), { padding: [8, 8] });
    maps.push(map);
    return { map, districts, byCode, toMap, fromMap };
  }

  S.basemap = basemap;
  S.maps = maps;
  S.coords = { wgsToGcj, gcjToWgs };
})();
