// 作业 screen: the warehouse keeper's actions. Each form or button calls
// the JSON API and shows the answer: a refusal by the form that sent it,
// in the page's language, and on success the page as it now stands. Who
// acts is the signed-in user, known to the server.
(function () {
  'use strict';
  const S = window.Stockpile;
  const t = S.t;

  // qty reads a quantity as typed: "1,200" and " 12 " are numbers too.
  const qty = (v) => String(v || '').replace(/[,\s，]/g, '');

  // showError puts err by the form (or box) that caused it.
  function showError(box, err) {
    const p = box.querySelector('[data-error]');
    if (!p) { S.toast(S.errorText(err), true); return; }
    p.textContent = S.errorText(err);
    p.hidden = false;
    if (err instanceof S.ApiError && err.detail.field) p.dataset.field = err.detail.field;
  }
  function clearError(box) {
    const p = box.querySelector('[data-error]');
    if (p) { p.hidden = true; p.textContent = ''; }
  }

  // submit runs send(form data) for a form, with its button held while
  // the request is out; done(result) follows success.
  function submit(form, send, done) {
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearError(form);
      const button = form.querySelector('button[type=submit]');
      if (button) button.disabled = true;
      try {
        const res = await send(Object.fromEntries(new FormData(form)));
        await done(res);
      } catch (err) {
        showError(form, err);
      } finally {
        if (button) button.disabled = false;
      }
    });
  }

  const reload = (msg) => { if (msg) sessionStorage.setItem('stockpile.toast', msg); location.reload(); };
  const flash = sessionStorage.getItem('stockpile.toast');
  if (flash) { sessionStorage.removeItem('stockpile.toast'); S.toast(flash); }

  const posted = (res) => t('work.done.posted', res.id);
  const line = (kind, depot, lot, extra) => Object.assign({ kind, depot, item: lotItem(), lot }, extra);
  function lotItem() { const el = document.getElementById('lot'); return el ? el.dataset.item : ''; }
  function lotCode() { const el = document.getElementById('lot'); return el ? el.dataset.lot : ''; }

  // The lot page: issue, scrap, quality, location, count.
  const acts = {
    issue: (f, d) => S.api('POST', '/api/movements', { reason: d.reason, lines: [line('issue', f.dataset.depot, lotCode(), { quantity: qty(d.quantity) })] })
      .then((res) => reload(posted(res))),
    scrap: (f, d) => S.api('POST', '/api/scraps', { reason: d.reason, lines: [line('scrap', f.dataset.depot, lotCode(), { quantity: qty(d.quantity) })] })
      .then((res) => reload(res.approval ? t('work.done.approval', res.approval.id) : posted(res.posting))),
    quality: (f, d) => S.api('POST', '/api/movements', { reason: d.reason, lines: [line('quality', f.dataset.depot, lotCode(), { quality: d.quality })] })
      .then((res) => reload(posted(res))),
    relocate: (f, d) => S.api('POST', '/api/lots/' + encodeURIComponent(lotCode()) + '/relocate', { depot: f.dataset.depot, location: d.location.trim() })
      .then(() => reload(t('work.done.saved'))),
    count: (f, d) => S.api('POST', '/api/counts/' + f.dataset.count + '/lines', { lot: lotCode(), counted: qty(d.counted) })
      .then((res) => reload(t('work.line.' + res.state) + ' · ' + res.lot)),
    care: (f, d) => S.api('POST', '/api/care/records', { schedule: f.dataset.schedule, depot: f.dataset.depot, item: f.dataset.item,
      done_on: new Date().toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' }), outcome: d.outcome, findings: d.findings })
      .then(() => reload(t('work.done.saved'))),
    rotate: (f, d) => S.api('POST', '/api/rotations', { depot: f.dataset.depot, lot: f.dataset.lot, quantity: qty(d.quantity),
      method: d.method, to_depot: d.method === 'transfer' ? d.to_depot : undefined,
      recipient: d.recipient || undefined, due_on: d.due_on })
      .then(() => reload(t('work.done.saved'))),
  };
  for (const form of document.querySelectorAll('form[data-act]')) {
    const act = acts[form.dataset.act];
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      clearError(form);
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      try { await act(form, Object.fromEntries(new FormData(form))); } catch (err) { showError(form, err); } finally { button.disabled = false; }
    });
  }

  // Receive: a new lot, then its labels.
  const receive = document.getElementById('receive-form');
  // upload sends the chosen photos, one at a time, to the posting.
  async function upload(postingID, files) {
    let n = 0;
    for (const f of files) {
      const res = await fetch('/api/postings/' + postingID + '/photos', { method: 'POST', body: f,
        headers: { 'Content-Type': f.type, Accept: 'application/json' } });
      if (!res.ok) {
        const e = await res.json().catch(() => null);
        throw new S.ApiError(res.status, (e && e.error) || { message_zh: String(res.status), message: String(res.status) });
      }
      n++;
    }
    return n;
  }
  if (receive) {
    submit(receive, (d) => S.api('POST', '/api/movements', { reason: d.reason, lines: [{
      kind: 'receive', depot: d.depot, item: d.item.trim(), quantity: qty(d.quantity), location: d.location.trim() || undefined,
      new_lot: { batch: d.batch.trim(), produced_on: d.produced_on || undefined, expires_on: d.expires_on || undefined, quality: d.quality },
    }] }), async (res) => {
      const files = [...document.getElementById('receive-photos').files];
      if (files.length) {
        const note = document.getElementById('receive-photos-done');
        try { note.textContent = t('work.receive.photos_kept', await upload(res.id, files)); }
        catch (err) { note.textContent = S.errorText(err); note.className = 'field-error'; }
        note.hidden = false;
      }
      const code = res.entries[0].lot;
      const box = document.getElementById('receive-done');
      const link = document.getElementById('receive-lot');
      link.textContent = code;
      link.href = '/work/lots/' + encodeURIComponent(code);
      document.getElementById('receive-label').href = '/api/lots/' + encodeURIComponent(code) + '/label.pdf';
      document.getElementById('receive-thermal').href = '/api/lots/' + encodeURIComponent(code) + '/label.pdf?format=thermal';
      box.hidden = false;
      box.scrollIntoView({ block: 'nearest' });
      S.toast(posted(res));
      receive.reset();
    });
  }

  // Stock-takes: open one.
  const countForm = document.getElementById('count-form');
  if (countForm) {
    submit(countForm, (d) => S.api('POST', '/api/counts', { depot: d.depot, scope: {
      location: d.location.trim() || undefined, category: d.category.trim() || undefined, sample: Number(d.sample) || undefined,
    } }), (c) => { location.href = '/work/counts/' + c.id; });
  }

  // One stock-take: record counts (the lot field takes a scanner's text),
  // and its steps.
  const count = document.getElementById('count');
  if (count) {
    const id = count.dataset.count;
    const entry = document.getElementById('count-entry');
    if (entry) {
      const lotField = document.getElementById('count-lot');
      const qtyField = document.getElementById('count-qty');
      // A scanner ends the label's text with Enter, which submits the
      // form: with no quantity yet, that only moves on to the quantity.
      entry.addEventListener('submit', (e) => {
        if (qty(qtyField.value) === '') {
          e.preventDefault();
          e.stopImmediatePropagation();
          qtyField.focus();
        }
      });
      submit(entry, (d) => S.api('POST', '/api/counts/' + id + '/lines', { lot: d.lot, counted: qty(d.counted) }), (res) => {
        const row = document.querySelector('#count-lines li[data-lot="' + CSS.escape(res.lot) + '"]');
        if (!row) { reload(t('work.line.' + res.state) + ' · ' + res.lot); return; }
        row.dataset.state = res.state;
        row.className = 'state-' + res.state;
        const state = row.querySelector('[data-field=state]');
        state.textContent = t('work.line.' + res.state);
        state.className = 'badge ' + (res.state === 'recount' ? 'bad' : 'ok');
        row.querySelector('[data-field=book]').textContent = S.num(res.book, 3);
        row.querySelector('[data-field=counted]').textContent = S.num(res.counted, 3);
        row.querySelector('[data-field=variance]').textContent = S.num(Number(res.counted) - Number(res.book), 3);
        progress();
        S.toast(t('work.line.' + res.state) + ' · ' + res.lot, res.state === 'recount');
        entry.reset();
        lotField.focus();
      });
      // progress says again how many lines are in each state.
      const progress = () => {
        const n = (state) => document.querySelectorAll('#count-lines li[data-state=' + state + ']').length;
        document.getElementById('count-progress').textContent =
          t('work.count.progress', n('pending'), n('recount'), n('counted') + n('recounted'));
      };
      // Tapping a line puts its lot in the field.
      for (const li of document.querySelectorAll('#count-lines li')) {
        li.addEventListener('click', () => { lotField.value = li.dataset.lot; qtyField.focus(); });
      }
    }
    for (const b of count.querySelectorAll('button[data-step]')) {
      b.addEventListener('click', async () => {
        if (!confirm(t('work.count.confirm', b.textContent.trim()))) return;
        b.disabled = true;
        try {
          await S.api('POST', '/api/counts/' + id + '/' + b.dataset.step, {});
          reload(t('work.done.saved'));
        } catch (err) { S.toast(S.errorText(err), true); b.disabled = false; }
      });
    }
    const print = document.getElementById('count-print');
    if (print) print.addEventListener('click', () => window.print());
  }

  // Approvals: approve, reject, withdraw.
  for (const b of document.querySelectorAll('[data-decide]')) {
    const box = b.closest('[data-approval]');
    b.addEventListener('click', async () => {
      clearError(box);
      const note = box.querySelector('.approval-note');
      b.disabled = true;
      try {
        await S.api('POST', '/api/approvals/' + box.dataset.approval + '/' + b.dataset.decide, { note: note ? note.value.trim() : undefined });
        reload(t('work.done.saved'));
      } catch (err) { showError(box, err); b.disabled = false; }
    });
  }

  // Rotations: carry out or cancel.
  for (const b of document.querySelectorAll('[data-rotate]')) {
    const box = b.closest('[data-rotation]');
    b.addEventListener('click', async () => {
      clearError(box);
      b.disabled = true;
      try {
        await S.api('POST', '/api/rotations/' + box.dataset.rotation + '/' + b.dataset.rotate, {});
        reload(t('work.done.saved'));
      } catch (err) { showError(box, err); b.disabled = false; }
    });
  }

  // Capacity bars: widths through the CSSOM, as the page's CSP asks.
  for (const bar of document.querySelectorAll('.fill .bar > span')) {
    bar.style.width = Math.min(100, Number(bar.dataset.share) * 100) + '%';
  }

  S.ready('work');
})();
