// 扫码: the scan field of the 作业 and 库存 screens. A handheld scanner
// types a label's text and Enter into the field, which opens the lot; where
// the browser has a QR-code detector (BarcodeDetector: Chrome and Edge on
// Android, among others) and a camera, the camera button reads the label
// instead. Elsewhere the button stays hidden.
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

  // The next scan replaces what the field holds: its text is selected
  // whenever it takes the focus, and after a refused code it has the focus.
  const input = document.getElementById('lot-scan-input');
  if (input) {
    input.addEventListener('focus', () => input.select());
    if (input.getAttribute('aria-invalid') === 'true') input.focus();
  }
  scanner(window.Stockpile);
})();
