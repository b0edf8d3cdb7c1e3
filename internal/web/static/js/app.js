// Stockpile: what every page shares. Messages and settings come from the
// #client JSON block the server writes into each page; nothing here is
// global except the one `Stockpile` object.
(function () {
  'use strict';
  const client = JSON.parse(document.getElementById('client').textContent);
  const lang = client.lang;

  // t returns the message for key in the page's language, with %s/%d/%v
  // replaced by args in order.
  function t(key, ...args) {
    const msg = client.messages[key];
    if (msg === undefined) return '[' + key + ']';
    let i = 0;
    return msg.replace(/%[sdv]/g, () => String(args[i++]));
  }

  // pick chooses the Chinese or the English of a pair.
  function pick(zh, en) { return lang === 'en' && en ? en : zh; }

  // num formats a number for tables: thousands separators, at most `digits` decimals.
  function num(v, digits = 1) {
    if (v === null || v === undefined || Number.isNaN(Number(v))) return '–';
    return Number(v).toLocaleString(lang === 'en' ? 'en-US' : 'zh-CN', { maximumFractionDigits: digits });
  }
  function pct(share) { return Number.isFinite(share) ? num(share * 100, 1) + '%' : '–'; }

  // duration says how long a number of minutes is, as every screen says
  // it: "2 小时 5 分", "45 分", "3 小时" (English "2 h 5 min"). The server's
  // durationText (format.go) writes the same.
  function duration(minutes) {
    if (!Number.isFinite(minutes)) return '–';
    const sign = minutes < 0 ? '-' : '';
    const m = Math.round(Math.abs(minutes));
    const h = Math.floor(m / 60), r = m % 60;
    if (h === 0) return sign + t('fmt.min', r);
    if (r === 0) return sign + t('fmt.h', num(h, 0));
    return sign + t('fmt.hm', num(h, 0), r);
  }

  // router names where travel times came from (a plan's or a search's
  // router, e.g. "great-circle") in the page's language; the server's
  // routerText (format.go) does the same.
  function router(name) {
    let suffix = '';
    const m = /^(.*) \(\+([0-9.]+)% contingency, \+(?:(\d+)h)?(?:(\d+)m)?(?:[0-9.]+s)? handling\)$/.exec(name || '');
    if (m) {
      name = m[1];
      suffix = t('router.allowance', m[2], duration((Number(m[3]) || 0) * 60 + (Number(m[4]) || 0)));
    }
    if (name === 'great-circle') name = t('router.great_circle');
    else if (/^osrm:/.test(name)) name = t('router.osrm', name.slice(5));
    else if (/^osm:/.test(name)) name = t('router.osm', name.slice(4));
    else if (name === 'road') name = t('router.road');
    else if (!name) name = '–';
    return name + suffix;
  }

  // The progress bar runs while any request is out.
  const bar = document.getElementById('progress');
  let pending = 0;
  function busy(delta) {
    pending = Math.max(0, pending + delta);
    if (pending > 0) { bar.className = 'progress on'; }
    else { bar.className = 'progress done'; }
  }
  document.addEventListener('htmx:beforeRequest', () => busy(1));
  document.addEventListener('htmx:afterRequest', () => busy(-1));

  // toast shows a short message at the bottom of the screen.
  let toastTimer;
  function toast(text, bad) {
    const el = document.getElementById('toast');
    el.textContent = text;
    el.className = bad ? 'toast bad' : 'toast';
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { el.hidden = true; }, bad ? 8000 : 4000);
  }

  // ApiError carries the API's error object: code, both messages, field, rows.
  class ApiError extends Error {
    constructor(status, detail) {
      super(pick(detail.message_zh, detail.message) || String(status));
      this.status = status;
      this.detail = detail;
    }
  }

  // api calls the JSON API and returns the decoded body, or throws an
  // ApiError with the server's message in the page's language.
  async function api(method, path, body) {
    busy(1);
    try {
      const opts = { method, headers: { 'Accept': 'application/json' } };
      if (body !== undefined) {
        opts.headers['Content-Type'] = 'application/json';
        opts.body = JSON.stringify(body);
      }
      let res;
      try { res = await fetch(path, opts); } catch (e) { throw new ApiError(0, { message_zh: t('common.network_error'), message: t('common.network_error') }); }
      const text = await res.text();
      let data = null;
      try { data = text ? JSON.parse(text) : null; } catch (e) { /* not JSON */ }
      if (!res.ok) {
        const detail = (data && data.error) || { message_zh: t('common.server_error') + ' ' + res.status, message: t('common.server_error') + ' ' + res.status };
        throw new ApiError(res.status, detail);
      }
      return data;
    } finally {
      busy(-1);
    }
  }

  // errorText renders an ApiError for people: the message, the field, and
  // each bad row of a refused import.
  function errorText(err) {
    if (!(err instanceof ApiError)) return String(err && err.message || err);
    let s = err.message;
    if (err.detail.field) s += ' (' + err.detail.field + ')';
    for (const row of err.detail.rows || []) s += '\n' + t('common.row', row.line) + ' ' + pick(row.message_zh, row.message);
    return s;
  }

  // el builds an element: el('td', {class: 'num'}, '12'). Children that are
  // not nodes become text, never markup, so names from the data (a depot
  // called "<img onerror=…>") show as typed. Leaflet's tooltips, popups and
  // icons and ECharts' tooltips read a string as HTML: give them an element
  // from el, never a string built from data.
  //
  // A style is set through the CSSOM (element.style), which the pages'
  // Content-Security-Policy allows; a style="…" attribute it refuses.
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'style') e.style.cssText = v;
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    return e;
  }

  // tier names a depot tier (city, district, …) in the page's language,
  // or gives the code back for a tier the catalogue does not name.
  function tier(code) { return client.messages['tier.' + code] !== undefined ? t('tier.' + code) : code; }

  // Pages once remembered the name typed as the operator of an approval
  // in this key; the server now knows who acts, so forget it.
  try { localStorage.removeItem('stockpile.actor'); } catch (e) { /* storage off */ }

  // ready marks the page as usable, for people (nothing) and for the
  // browser tests and benchmarks, which wait on data-ready.
  function ready(what) {
    performance.mark('stockpile:ready:' + what);
    document.body.dataset.ready = (document.body.dataset.ready ? document.body.dataset.ready + ' ' : '') + what;
    document.dispatchEvent(new CustomEvent('stockpile:ready', { detail: what }));
  }

  // A [data-back] button (the error page's) goes back where the user came
  // from; it stays hidden when there is nowhere to go back to.
  for (const b of document.querySelectorAll('[data-back]')) {
    if (history.length > 1) b.hidden = false;
    b.addEventListener('click', () => history.back());
  }

  window.Stockpile = { client, lang, t, pick, num, pct, duration, router, api, ApiError, errorText, toast, el, ready, busy, tier };
})();
