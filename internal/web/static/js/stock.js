// 库存 screen. The tables are rendered on the server and swapped by htmx;
// this script tells the user when a swap fails (htmx leaves the page as it
// was on an error answer), reads lot labels with the camera where the
// browser can, and marks the screen ready.
(function () {
  'use strict';

  // scanner wires the camera button of 扫码查批次: where the browser has a
  // QR-code detector (BarcodeDetector: Chrome and Edge on Android, among
  // others) and a camera, it shows the button; a code read fills the field
  // and looks the lot up. Elsewhere the field takes a handheld scanner's
  // input or typing, and the button stays hidden.
  function scanner(S) {
    const form = document.getElementById('lot-scan');
    const button = document.getElementById('lot-scan-camera');
    const dialog = document.getElementById('lot-scan-dialog');
    if (!form || !('BarcodeDetector' in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
    const video = document.getElementById('lot-scan-video');
    let stream = null, timer = 0;
    const stop = () => {
      clearTimeout(timer);
      if (stream) stream.getTracks().forEach((tr) => tr.stop());
      stream = null;
      if (dialog.open) dialog.close();
    };
    const look = async (detector) => {
      if (!stream) return;
      try {
        const codes = await detector.detect(video);
        const hit = codes.find((c) => c.rawValue);
        if (hit) {
          stop();
          form.elements.lot.value = hit.rawValue;
          form.requestSubmit();
          return;
        }
      } catch (e) { /* the frame is not ready yet */ }
      timer = setTimeout(() => look(detector), 200);
    };
    button.hidden = false;
    button.addEventListener('click', async () => {
      dialog.showModal();
      try {
        const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
        video.srcObject = stream;
        await video.play();
        look(detector);
      } catch (err) {
        stop();
        S.toast(S.t('stock.scan.no_camera', String(err && err.message || err)), true);
      }
    });
    document.getElementById('lot-scan-close').addEventListener('click', stop);
    dialog.addEventListener('close', stop);
  }

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

  scanner(S);
  S.ready('stock');
})();
