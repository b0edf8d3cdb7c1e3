// 调运 screen: an order's steps and shipments, a shipment's steps and its
// signed receipt, a site's distribution, write-off and return; requests
// for supplies and their decisions, replenishment settled, donations
// received, call-offs ordered, received and cancelled, requisitions and
// their steps; and the supplier directory of 基础数据, which shares the
// forms' ways. Each form or button calls the JSON API and shows the
// answer: a refusal by the form or box that sent it, in the page's
// language (the API's message_zh or message), and on success the page as
// it now stands. Who acts is the signed-in user, known to the server: no
// form sends a name but the signer's, who may be someone else at the
// destination.
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

  // ---- forms with lines: requests, donations, requisitions, suppliers ----
  // A fieldset.form-lines holds .form-line rows; its add button
  // (button.line-add[data-lines=<the fieldset's id>]) adds a copy of the
  // first row, emptied, and each row but a lone one has a remove button.
  for (const box of document.querySelectorAll('fieldset.form-lines')) {
    const template = box.querySelector('.form-line').cloneNode(true);
    for (const f of template.querySelectorAll('input')) { if (f.type === 'checkbox') f.checked = false; else f.value = ''; }
    for (const f of template.querySelectorAll('select')) f.selectedIndex = 0;
    template.classList.remove('discrepancy');
    const removable = () => {
      const rows = box.querySelectorAll('.form-line');
      for (const r of rows) r.querySelector('.line-remove').hidden = rows.length < 2;
    };
    const wire = (row) => row.querySelector('.line-remove').addEventListener('click', () => { row.remove(); removable(); });
    for (const row of box.querySelectorAll('.form-line')) wire(row);
    removable();
    const add = document.querySelector('button.line-add[data-lines="' + box.id + '"]');
    if (add) {
      add.addEventListener('click', () => {
        const row = template.cloneNode(true);
        box.append(row);
        wire(row);
        removable();
        row.dispatchEvent(new Event('change', { bubbles: true }));
        const first = row.querySelector('input, select');
        if (first) first.focus();
      });
    }
  }
  const field = (row, name) => row.querySelector('[name=' + name + ']');
  const value = (row, name) => { const f = field(row, name); return f ? f.value.trim() : ''; };

  // Times are typed and shown in China time (UTC+8, no summer time),
  // wherever the browser is: chinaTime reads a datetime-local value as
  // unix seconds (0 for none), chinaLocal writes one.
  function chinaTime(v) {
    const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(v || '');
    return m ? Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5]) / 1000 - 8 * 3600 : 0;
  }
  const chinaLocal = (unix) => new Date((unix + 8 * 3600) * 1000).toISOString().slice(0, 16);

  // ---- a request for supplies (需求申报): submit one ----
  const reqForm = document.getElementById('request-form');
  if (reqForm) {
    const key = newKey();
    reqForm.dataset.key = key;
    const area = document.getElementById('request-area');
    const lon = document.getElementById('request-lon'), lat = document.getElementById('request-lat');
    // The area's position stands in for the place's until one is typed.
    let typed = false;
    for (const f of [lon, lat]) f.addEventListener('input', () => { typed = true; });
    const fillPoint = () => {
      const o = area.selectedOptions[0];
      if (!typed && o) { lon.value = o.dataset.lon; lat.value = o.dataset.lat; }
    };
    area.addEventListener('change', fillPoint);
    fillPoint();
    reqForm.addEventListener('submit', (e) => {
      e.preventDefault();
      clearError(reqForm);
      const site = document.getElementById('request-site-name');
      if (!site.value.trim()) { invalid(reqForm, site, t('flow.request.site_needed')); return; }
      const x = Number(lon.value.trim()), y = Number(lat.value.trim());
      if (!lon.value.trim() || !Number.isFinite(x) || x < -180 || x > 180) { invalid(reqForm, lon, t('flow.request.point_needed')); return; }
      if (!lat.value.trim() || !Number.isFinite(y) || y < -90 || y > 90) { invalid(reqForm, lat, t('flow.request.point_needed')); return; }
      const within = document.getElementById('request-within');
      if (!positive(within.value)) { invalid(reqForm, within, t('flow.request.within_needed')); return; }
      const lines = [];
      for (const row of reqForm.querySelectorAll('.req-line')) {
        const q = field(row, 'quantity');
        if (qty(q.value) === '') continue;
        if (!positive(q.value)) { invalid(reqForm, q, t('flow.line.quantity_needed')); return; }
        lines.push({ item: value(row, 'item'), quantity: qty(q.value) });
      }
      if (!lines.length) { invalid(reqForm, reqForm.querySelector('.req-line .line-quantity'), t('flow.use.nothing')); return; }
      busy(reqForm, async () => {
        const r = await S.api('POST', '/api/requests', { area: area.value, site_name: site.value.trim(), point: { lon: x, lat: y },
          within_hours: Number(qty(within.value)), lines, note: document.getElementById('request-note').value.trim(),
          idempotency_key: key });
        go('/requests/' + r.id, t('flow.done.request', r.id));
      });
    });
  }

  // ---- a request's decision: approve on, accept, reject, withdraw ----
  const decide = document.getElementById('request-decide');
  if (decide) {
    const id = decide.dataset.request;
    const note = document.getElementById('request-decision-note');
    const incident = document.getElementById('request-incident');
    decide.querySelector('form').addEventListener('submit', (e) => e.preventDefault());
    for (const b of decide.querySelectorAll('button[data-decision]')) {
      b.addEventListener('click', async () => {
        clearError(decide);
        const d = b.dataset.decision;
        const body = { note: note.value.trim() };
        if (d === 'reject' && !body.note) { invalid(decide, note, t('flow.request.reason_needed')); return; }
        if (d === 'accept') {
          if (!incident.value) { invalid(decide, incident, t('flow.request.incident_needed')); return; }
          body.incident = incident.value;
        }
        if (!window.confirm(t('flow.confirm.request.' + d, id))) return;
        b.disabled = true;
        try {
          await S.api('POST', '/api/requests/' + id + '/' + d, body);
          reload(t('flow.done.request.' + d, id));
        } catch (err) { showError(decide, err); b.disabled = false; }
      });
    }
  }

  // ---- replenishment owed: mark it settled, saying how ----
  for (const form of document.querySelectorAll('form.settle-form')) {
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearError(form);
      const note = field(form, 'note');
      if (!note.value.trim()) { invalid(form, note, t('flow.replenish.how_needed')); return; }
      busy(form, async () => {
        await S.api('POST', '/api/replenishments/' + form.dataset.need + '/settle', { note: note.value.trim() });
        reload(t('flow.done.settle', form.dataset.need));
      });
    });
  }

  // ---- a donation's intake (捐赠入库), each line checked ----
  const donation = document.getElementById('donation-form');
  if (donation) {
    const key = newKey();
    donation.dataset.key = key;
    // A line pending or rejected needs its reason: say so as it is chosen.
    const mark = (row) => {
      const need = field(row, 'check').value !== 'accepted';
      field(row, 'reason').required = need;
      row.classList.toggle('discrepancy', need);
    };
    const lines = document.getElementById('donation-lines');
    lines.addEventListener('change', () => { for (const row of lines.querySelectorAll('.form-line')) mark(row); });
    for (const row of lines.querySelectorAll('.form-line')) mark(row);
    donation.addEventListener('submit', (e) => {
      e.preventDefault();
      clearError(donation);
      const donor = document.getElementById('donation-donor');
      if (!donor.value.trim()) { invalid(donation, donor, t('flow.donation.donor_needed')); return; }
      const body = { donor: donor.value.trim(), donor_kind: document.getElementById('donation-kind').value,
        contact: document.getElementById('donation-contact').value.trim(),
        anonymous: document.getElementById('donation-anonymous').checked,
        depot: document.getElementById('donation-depot').value,
        restriction: { area: document.getElementById('donation-restrict-area').value,
          incident_type: document.getElementById('donation-restrict-type').value,
          purpose: document.getElementById('donation-purpose').value.trim() },
        note: document.getElementById('donation-note').value.trim(), idempotency_key: key, lines: [] };
      for (const row of lines.querySelectorAll('.form-line')) {
        const q = field(row, 'quantity');
        if (qty(q.value) === '') continue;
        if (!positive(q.value)) { invalid(donation, q, t('flow.line.quantity_needed')); return; }
        const line = { item: value(row, 'item'), quantity: qty(q.value), check: value(row, 'check'),
          reason: value(row, 'reason') || undefined, batch: value(row, 'batch') || undefined,
          expires_on: value(row, 'expires_on') || undefined };
        if (line.check !== 'accepted' && !line.reason) { invalid(donation, field(row, 'reason'), t('flow.donation.reason_needed')); return; }
        body.lines.push(line);
      }
      if (!body.lines.length) { invalid(donation, lines.querySelector('.line-quantity'), t('flow.use.nothing')); return; }
      busy(donation, async () => {
        const d = await S.api('POST', '/api/donations', body);
        go('/donations/' + d.id, t('flow.done.donation', d.id));
      });
    });
  }

  // The public report prints as it stands.
  const printButton = document.getElementById('report-print');
  if (printButton) printButton.addEventListener('click', () => window.print());

  // ---- emergency purchase: call off, receive, cancel ----
  const callOff = document.getElementById('purchase-form');
  if (callOff) {
    const key = newKey();
    callOff.dataset.key = key;
    const agreement = document.getElementById('purchase-agreement');
    const due = document.getElementById('purchase-due');
    // The due time starts at now and the agreement's delivery hours.
    let dueTyped = false;
    due.addEventListener('input', () => { dueTyped = true; });
    const fillDue = () => {
      const o = agreement.selectedOptions[0];
      const hours = Math.max(Number(o && o.dataset.hours) || 0, 1);
      if (!dueTyped) due.value = chinaLocal(Math.ceil(Date.now() / 60000) * 60 + Math.ceil(hours * 60) * 60);
    };
    agreement.addEventListener('change', fillDue);
    fillDue();
    callOff.addEventListener('submit', (e) => {
      e.preventDefault();
      clearError(callOff);
      const q = document.getElementById('purchase-quantity');
      if (!positive(q.value)) { invalid(callOff, q, t('flow.line.quantity_needed')); return; }
      const free = Number(agreement.selectedOptions[0].dataset.free);
      if (Number(qty(q.value)) > free) { invalid(callOff, q, t('flow.purchase.too_much', S.num(free, 3))); return; }
      const at = chinaTime(due.value);
      if (!at) { invalid(callOff, due, t('flow.purchase.due_needed')); return; }
      busy(callOff, async () => {
        const c = await S.api('POST', '/api/purchases', { agreement: agreement.value, depot: document.getElementById('purchase-depot').value,
          quantity: qty(q.value), due_at: at, note: document.getElementById('purchase-note').value.trim(), idempotency_key: key });
        reload(t('flow.done.purchase', c.code));
      });
    });
  }
  for (const form of document.querySelectorAll('form.receive-form')) {
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      clearError(form);
      const q = field(form, 'quantity');
      if (!positive(q.value)) { invalid(form, q, t('flow.line.quantity_needed')); return; }
      if (Number(qty(q.value)) > Number(form.dataset.quantity)) { invalid(form, q, t('flow.purchase.over', form.dataset.quantity)); return; }
      busy(form, async () => {
        const c = await S.api('POST', '/api/purchases/' + form.dataset.purchase + '/receive', { quantity: qty(q.value),
          batch: value(form, 'batch'), produced_on: value(form, 'produced_on') || undefined,
          expires_on: value(form, 'expires_on') || undefined, pending: field(form, 'pending').checked });
        reload(t('flow.done.receive', c.code));
      });
    });
  }
  for (const b of document.querySelectorAll('button.purchase-cancel')) {
    b.addEventListener('click', async () => {
      const box = b.closest('.purchase-cancel-box');
      clearError(box);
      if (!window.confirm(t('flow.confirm.purchase_cancel', b.dataset.code))) return;
      b.disabled = true;
      try {
        await S.api('POST', '/api/purchases/' + b.dataset.purchase + '/cancel', {});
        reload(t('flow.done.purchase_cancel', b.dataset.code));
      } catch (err) { showError(box, err); b.disabled = false; }
    });
  }

  // ---- a requisition (征用): record one, then its steps ----
  const reqn = document.getElementById('requisition-form');
  if (reqn) {
    const key = newKey();
    reqn.dataset.key = key;
    // A line's unit follows its catalogue item until one is typed.
    reqn.addEventListener('change', (e) => {
      if (!e.target.matches || !e.target.matches('.line-item')) return;
      const row = e.target.closest('.form-line');
      const unit = field(row, 'unit'), o = e.target.selectedOptions[0];
      if (o && o.dataset.unit && !unit.value.trim()) unit.value = o.dataset.unit;
      const desc = field(row, 'description');
      if (o && o.value && !desc.value.trim()) desc.value = o.textContent.split(' · ')[0];
    });
    reqn.addEventListener('submit', (e) => {
      e.preventDefault();
      clearError(reqn);
      for (const id of ['req-owner-name', 'req-owner-phone', 'req-reason', 'req-place']) {
        const f = document.getElementById(id);
        if (!f.value.trim()) { invalid(reqn, f, t('flow.requisition.needed', f.closest('label').firstChild.textContent.trim())); return; }
      }
      const body = { incident: document.getElementById('req-incident').value, area: document.getElementById('req-area').value,
        owner: { kind: document.getElementById('req-owner-kind').value, name: document.getElementById('req-owner-name').value.trim(),
          id_number: document.getElementById('req-owner-id').value.trim() || undefined,
          phone: document.getElementById('req-owner-phone').value.trim() },
        reason: document.getElementById('req-reason').value.trim(), place: document.getElementById('req-place').value.trim(),
        requisitioned_at: chinaTime(document.getElementById('req-at').value) || undefined, idempotency_key: key, lines: [] };
      for (const row of reqn.querySelectorAll('.rq-line')) {
        const d = field(row, 'description'), q = field(row, 'quantity');
        if (!d.value.trim() && qty(q.value) === '') continue;
        if (!d.value.trim()) { invalid(reqn, d, t('flow.requisition.description_needed')); return; }
        if (!positive(q.value)) { invalid(reqn, q, t('flow.line.quantity_needed')); return; }
        if (!value(row, 'unit')) { invalid(reqn, field(row, 'unit'), t('flow.requisition.unit_needed')); return; }
        body.lines.push({ description: d.value.trim(), item: value(row, 'item') || undefined, quantity: qty(q.value),
          unit: value(row, 'unit'), value_yuan: qty(value(row, 'value')) || '0' });
      }
      if (!body.lines.length) { invalid(reqn, reqn.querySelector('.line-description'), t('flow.requisition.nothing')); return; }
      busy(reqn, async () => {
        const x = await S.api('POST', '/api/requisitions', body);
        go('/requisitions/' + x.id, t('flow.done.requisition', x.id));
      });
    });
  }
  const steps = document.getElementById('requisition-steps');
  if (steps) {
    const id = steps.dataset.requisition;
    for (const form of steps.querySelectorAll('form.step-form')) {
      const step = form.dataset.step;
      // A line returned damaged or lost needs a note: say so as it is chosen.
      const mark = () => {
        for (const fs of form.querySelectorAll('fieldset.return-line')) {
          const need = field(fs, 'condition').value !== 'intact';
          field(fs, 'note').required = need;
          fs.classList.toggle('discrepancy', need);
        }
      };
      form.addEventListener('change', mark);
      mark();
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        clearError(form);
        let body;
        if (step === 'return') {
          body = { at: chinaTime(value(form, 'at')) || undefined, note: value(form, 'return_note'), lines: [] };
          for (const fs of form.querySelectorAll('fieldset.return-line')) {
            const line = { n: Number(fs.dataset.n), condition: field(fs, 'condition').value, note: value(fs, 'note') };
            if (line.condition !== 'intact' && !line.note) { invalid(form, field(fs, 'note'), t('flow.requisition.condition_needed', line.n)); return; }
            body.lines.push(line);
          }
        } else if (step === 'assess') {
          const amount = field(form, 'amount');
          if (qty(amount.value) === '' || !(Number(qty(amount.value)) >= 0)) { invalid(form, amount, t('flow.requisition.amount_needed')); return; }
          if (!value(form, 'basis')) { invalid(form, field(form, 'basis'), t('flow.requisition.basis_needed')); return; }
          body = { amount_yuan: qty(amount.value), basis: value(form, 'basis') };
        } else if (step === 'pay') {
          if (!value(form, 'voucher')) { invalid(form, field(form, 'voucher'), t('flow.requisition.voucher_needed')); return; }
          body = { voucher: value(form, 'voucher'), at: chinaTime(value(form, 'at')) || undefined };
        } else {
          if (!value(form, 'reason')) { invalid(form, field(form, 'reason'), t('flow.requisition.cancel_needed')); return; }
          if (!window.confirm(t('flow.confirm.requisition_cancel', id))) return;
          body = { reason: value(form, 'reason') };
        }
        busy(form, async () => {
          await S.api('POST', '/api/requisitions/' + id + '/' + step, body);
          reload(t('flow.done.requisition.' + step, id));
        });
      });
    }
  }

  // ---- the supplier directory: list an enterprise, edit an entry, change its status ----
  const supplierForm = document.getElementById('supplier-form');
  if (supplierForm) {
    const org = supplierForm.dataset.org;
    supplierForm.addEventListener('submit', (e) => {
      e.preventDefault();
      clearError(supplierForm);
      const body = { contacts: [], qualifications: [], note: document.getElementById('supplier-note').value.trim(),
        categories: document.getElementById('supplier-categories-input').value.split(/[,，、\s]+/).filter(Boolean) };
      for (const row of supplierForm.querySelectorAll('.contact-line')) {
        const c = { name: value(row, 'name'), role: value(row, 'role') || undefined, phone: value(row, 'phone') || undefined,
          email: value(row, 'email') || undefined };
        if (!c.name && !c.role && !c.phone && !c.email) continue;
        if (!c.name) { invalid(supplierForm, field(row, 'name'), t('flow.supplier.contact_needed')); return; }
        body.contacts.push(c);
      }
      for (const row of supplierForm.querySelectorAll('.qualification-line')) {
        const q = { name: value(row, 'name'), number: value(row, 'number'), valid_until: value(row, 'valid_until') };
        if (!q.name && !q.number && !q.valid_until) continue;
        for (const k of ['name', 'number', 'valid_until']) {
          if (!q[k]) { invalid(supplierForm, field(row, k), t('flow.supplier.qualification_needed')); return; }
        }
        body.qualifications.push(q);
      }
      busy(supplierForm, async () => {
        if (org) {
          body.org = org;
          body.version = Number(supplierForm.dataset.version);
          await S.api('PUT', '/api/suppliers/' + encodeURIComponent(org), body);
          reload(t('flow.done.supplier_saved'));
        } else {
          body.org = document.getElementById('supplier-org').value;
          const x = await S.api('POST', '/api/suppliers', body);
          go('/masterdata/suppliers/' + encodeURIComponent(x.org), t('flow.done.supplier_added'));
        }
      });
    });
  }
  const supplierSteps = document.getElementById('supplier-steps');
  if (supplierSteps) {
    const org = supplierSteps.dataset.supplier;
    const reason = document.getElementById('supplier-reason');
    supplierSteps.querySelector('form').addEventListener('submit', (e) => e.preventDefault());
    for (const b of supplierSteps.querySelectorAll('button[data-step]')) {
      b.addEventListener('click', async () => {
        clearError(supplierSteps);
        const step = b.dataset.step;
        if (step !== 'reinstate' && !reason.value.trim()) { invalid(supplierSteps, reason, t('flow.supplier.reason_needed')); return; }
        if (!window.confirm(t('flow.confirm.supplier', b.textContent.trim()))) return;
        b.disabled = true;
        try {
          await S.api('POST', '/api/suppliers/' + encodeURIComponent(org) + '/' + step,
            { reason: reason.value.trim(), version: Number(supplierSteps.dataset.version) });
          reload(t('flow.done.supplier_step', b.textContent.trim()));
        } catch (err) { showError(supplierSteps, err); b.disabled = false; }
      });
    }
  }

  // A page restored from the back-forward cache keeps the buttons held by
  // a request that led away from it: free them.
  window.addEventListener('pageshow', (e) => {
    if (e.persisted) for (const b of document.querySelectorAll('#main button')) b.disabled = false;
  });

  S.ready('flow');
})();
