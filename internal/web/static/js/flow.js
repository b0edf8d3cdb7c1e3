// 调运 screen: an order's steps and shipments, a shipment's steps and its
// signed receipt, a site's distribution, write-off and return. Each form
// or button calls the JSON API and shows the answer: a refusal by the form
// or box that sent it, in the page's language (the API's message_zh or
// message), and on success the page as it now stands. Who acts is the
// signed-in user, known to the server: no form sends a name but the
// signer's, who may be someone else at the destination.
(function () {
  'use strict';
  const S = window.Stockpile;
  const t = S.t, el = S.el;

  // qty reads a quantity as typed: "1,200" and " 12 " are numbers too.
  const qty = (v) => String(v || '').replace(/[,\s，]/g, '');
  const positive = (v) => qty(v) !== '' && Number(qty(v)) > 0;

  // showError puts err (an ApiError or a message) by the form or box
  // that caused it; an error naming a field marks that field.
  function showError(box, err) {
    const p = box.querySelector('[data-error]');
    const text = typeof err === 'string' ? err : S.errorText(err);
    if (!p) { S.toast(text, true); return; }
    p.textContent = text;
    p.hidden = false;
    if (err instanceof S.ApiError && err.detail.field) p.dataset.field = err.detail.field;
    else delete p.dataset.field;
  }
  function clearError(box) {
    const p = box.querySelector('[data-error]');
    if (p) { p.hidden = true; p.textContent = ''; delete p.dataset.field; }
    for (const f of box.querySelectorAll('[aria-invalid]')) f.removeAttribute('aria-invalid');
  }
  // invalid marks a field the page found wrong before sending, and says why.
  function invalid(form, field, text) {
    field.setAttribute('aria-invalid', 'true');
    showError(form, text);
    field.focus();
  }

  // The page after a change, with a message that survives the reload.
  const TOAST = 'stockpile.toast';
  const reload = (msg) => { if (msg) sessionStorage.setItem(TOAST, msg); location.reload(); };
  const go = (url, msg) => { if (msg) sessionStorage.setItem(TOAST, msg); location.assign(url); };
  const flash = sessionStorage.getItem(TOAST);
  if (flash) { sessionStorage.removeItem(TOAST); S.toast(flash); }

  // newKey is an idempotency key: one per form shown, so that a second
  // click or a retry after a lost answer is recorded once.
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  }

  // busy holds a form's submit button while its request is out, and after
  // it succeeds, until the page it leads to is there.
  async function busy(form, send) {
    const button = form.querySelector('button[type=submit]');
    if (button) button.disabled = true;
    try { await send(); } catch (err) { showError(form, err); if (button) button.disabled = false; }
  }

  // ---- an order: execute at once, cancel ----
  const order = document.getElementById('transfer');
  if (order) {
    const id = order.dataset.transfer;
    for (const b of order.querySelectorAll('button[data-action]')) {
      b.addEventListener('click', async () => {
        clearError(order);
        if (!window.confirm(t('flow.confirm.' + b.dataset.action, id))) return;
        b.disabled = true;
        try {
          await S.api('POST', '/api/transfers/' + id + '/' + b.dataset.action, {});
          reload(t('flow.done.' + b.dataset.action, id));
        } catch (err) { showError(order, err); b.disabled = false; }
      });
    }
  }

  // ---- arrange a shipment: one route's lots, the quantities as typed ----
  const ship = document.getElementById('ship-form');
  if (ship) {
    const id = ship.dataset.transfer;
    for (const form of ship.querySelectorAll('form.ship-route')) {
      const key = newKey(); // a retry of this form arranges one shipment
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        clearError(form);
        const lines = [];
        for (const input of form.querySelectorAll('input[data-order-line]')) {
          const q = qty(input.value);
          if (q === '' || Number(q) === 0) continue; // 0 or empty: not loaded
          lines.push({ order_line: Number(input.dataset.orderLine), quantity: q });
        }
        // Nothing loaded: say so here rather than ask the API.
        if (!lines.length) { invalid(form, form.querySelector('input[data-order-line]'), t('flow.ship.nothing')); return; }
        const d = new FormData(form);
        busy(form, async () => {
          const sh = await S.api('POST', '/api/transfers/' + id + '/shipments', {
            vehicle: d.get('vehicle').trim(), driver: d.get('driver').trim(), phone: d.get('phone').trim(),
            note: d.get('note').trim(), lines, idempotency_key: key });
          go('/shipments/' + sh.id, t('flow.done.ship', sh.id));
        });
      });
    }
  }

  // ---- a shipment: load, depart, deliver, cancel ----
  const shipment = document.getElementById('shipment');
  if (shipment) {
    const id = shipment.dataset.shipment;
    for (const b of shipment.querySelectorAll('button[data-step]')) {
      b.addEventListener('click', async () => {
        clearError(shipment);
        const label = b.textContent.trim();
        if (!window.confirm(t('flow.confirm.step', label, id))) return;
        b.disabled = true;
        try {
          await S.api('POST', '/api/shipments/' + id + '/' + b.dataset.step, {});
          reload(t('flow.done.step', label, id));
        } catch (err) { showError(shipment, err); b.disabled = false; }
      });
    }
  }

  // ---- sign for a shipment (签收) ----
  const receipt = document.getElementById('receipt-form');
  if (receipt) {
    const id = receipt.dataset.shipment;
    const key = newKey();
    receipt.dataset.key = key;
    const field = (fs, name) => fs.querySelector('input[name=' + name + ']');
    // A line with damage or a shortfall needs a note: say so as it is typed.
    const discrepancy = (fs) => positive(field(fs, 'damaged').value) || positive(field(fs, 'missing').value);
    for (const fs of receipt.querySelectorAll('fieldset.receipt-line')) {
      const mark = () => {
        const need = discrepancy(fs);
        field(fs, 'note').required = need;
        fs.classList.toggle('discrepancy', need);
      };
      fs.addEventListener('input', mark);
      mark();
    }
    receipt.addEventListener('submit', (e) => {
      e.preventDefault();
      clearError(receipt);
      const signer = document.getElementById('receipt-signer');
      if (!signer.value.trim()) { invalid(receipt, signer, t('flow.receipt.signer_needed')); return; }
      const lines = [];
      for (const fs of receipt.querySelectorAll('fieldset.receipt-line')) {
        const line = { n: Number(fs.dataset.n), received: qty(field(fs, 'received').value) || '0',
          damaged: qty(field(fs, 'damaged').value) || '0', missing: qty(field(fs, 'missing').value) || '0',
          note: field(fs, 'note').value.trim() };
        if ([line.received, line.damaged, line.missing].every((q) => Number(q) === 0)) continue; // nothing said of it
        if (discrepancy(fs) && !line.note) { invalid(receipt, field(fs, 'note'), t('flow.receipt.note_needed', line.n)); return; }
        lines.push(line);
      }
      if (!lines.length) { invalid(receipt, receipt.querySelector('input[name=received]'), t('flow.receipt.nothing')); return; }
      busy(receipt, async () => {
        await S.api('POST', '/api/shipments/' + id + '/receipts', { idempotency_key: key, signer: signer.value.trim(),
          note: document.getElementById('receipt-note').value.trim(), lines });
        reload(t('flow.done.receipt', id));
      });
    });
  }

  // ---- a site's stock: distribute, write off, return ----
  const use = document.getElementById('site-use-form');
  if (use) {
    const code = use.dataset.site;
    const key = newKey();
    use.dataset.key = key;
    const items = JSON.parse(document.getElementById('site-lots-data').textContent);
    const kind = () => use.querySelector('input[name=kind]:checked').value;
    // Only the fields of the kind chosen: a recipient to hand out to, a
    // depot to return to.
    const showKind = () => {
      for (const f of use.querySelectorAll('[data-for-kind]')) f.hidden = f.dataset.forKind !== kind();
    };
    for (const r of use.querySelectorAll('input[name=kind]')) r.addEventListener('change', showKind);
    showKind();

    // The lot list follows the item: its lots at the site, first
    // expiring first, or none named (the API takes them FEFO).
    const fillLots = (row) => {
      const item = row.querySelector('.use-item').value;
      const lots = row.querySelector('.use-lot');
      const found = items.find((x) => x.item.code === item);
      const unit = found ? S.pick(found.item.unit_zh, found.item.unit_en) : '';
      lots.replaceChildren(el('option', { value: '' }, t('flow.use.fefo')),
        ...(found ? found.lots : []).map((l) => el('option', { value: l.lot },
          l.lot + ' · ' + S.num(Number(l.quantity), 3) + ' ' + unit + (l.expires_on ? ' · ' + t('flow.use.expires', l.expires_on) : ''))));
    };
    const lines = document.getElementById('site-use-lines');
    const wire = (row) => {
      row.querySelector('.use-item').addEventListener('change', () => fillLots(row));
      row.querySelector('.use-remove').addEventListener('click', () => { row.remove(); removable(); });
      fillLots(row);
    };
    const removable = () => {
      const rows = lines.querySelectorAll('.use-line');
      for (const r of rows) r.querySelector('.use-remove').hidden = rows.length < 2;
    };
    const template = lines.querySelector('.use-line').cloneNode(true);
    wire(lines.querySelector('.use-line'));
    document.getElementById('site-use-add').addEventListener('click', () => {
      const row = template.cloneNode(true);
      lines.append(row);
      wire(row);
      removable();
      row.querySelector('.use-item').focus();
    });

    use.addEventListener('submit', (e) => {
      e.preventDefault();
      clearError(use);
      const k = kind();
      const d = new FormData(use);
      const body = { kind: k, note: d.get('note').trim(), idempotency_key: key, lines: [] };
      if (k === 'distribute') {
        const who = use.querySelector('input[name=recipient]');
        if (!who.value.trim()) { invalid(use, who, t('flow.use.recipient_needed')); return; }
        body.recipient = who.value.trim();
      }
      if (k === 'return') body.to_depot = d.get('to_depot');
      for (const row of lines.querySelectorAll('.use-line')) {
        const q = row.querySelector('.use-quantity');
        if (qty(q.value) === '') continue;
        body.lines.push({ item: row.querySelector('.use-item').value, lot: row.querySelector('.use-lot').value || undefined,
          quantity: qty(q.value) });
      }
      if (!body.lines.length) { invalid(use, lines.querySelector('.use-quantity'), t('flow.use.nothing')); return; }
      busy(use, async () => {
        await S.api('POST', '/api/sites/' + encodeURIComponent(code) + '/uses', body);
        reload(t('flow.done.use.' + k));
      });
    });
  }

  // A page restored from the back-forward cache keeps the buttons held by
  // a request that led away from it: free them.
  window.addEventListener('pageshow', (e) => {
    if (e.persisted) for (const b of document.querySelectorAll('#main button')) b.disabled = false;
  });

  S.ready('flow');
})();
