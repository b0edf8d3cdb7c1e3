// 库存 screen. The tables are rendered on the server and swapped by htmx;
// this script tells the user when a swap fails (htmx leaves the page as it
// was on an error answer) and marks the screen ready. Lot labels are read
// by scan.js.
(function () {
  'use strict';

  const S = window.Stockpile;

  // The error page carries the bilingual message in the language of the
  // page; show it rather than failing silently.
  document.body.addEventListener('htmx:responseError', (e) => {
    const xhr = e.detail.xhr;
    const doc = new DOMParser().parseFromString(xhr.responseText || '', 'text/html');
    const msg = doc.querySelector('.error-page p');
    S.toast(msg ? msg.textContent : S.t('common.server_error') + ' ' + xhr.status, true);
  });
  // Leave empty filters out of the request, so the address bar keeps
  // /stock/lots?depot=X rather than every field of the form.
  document.body.addEventListener('htmx:configRequest', (e) => {
    const params = e.detail.parameters;
    for (const key of Array.from(params.keys ? params.keys() : Object.keys(params))) {
      if (params.get ? params.get(key) === '' : params[key] === '') {
        if (params.delete) params.delete(key); else delete params[key];
      }
    }
  });
  document.body.addEventListener('htmx:sendError', () => S.toast(S.t('common.network_error'), true));

  S.ready('stock');
})();
