// 数据导入: uploads a file to the JSON API, which checks every row and
// answers a preview (new, changed, unchanged, and every problem by row and
// column); the user then confirms or discards it. A commit's progress is
// read from the import while the commit runs. One-time passwords of new
// users are shown once, from the commit's answer, and kept nowhere.
(function () {
  'use strict';
  const S = window.Stockpile;
  const { t, el, pick, num } = S;
  const $ = (id) => document.getElementById(id);
  const form = $('import-form');
  if (!form) { S.ready('import'); return; }
  let current = null; // the import previewed

  // Choosing another kind shows its columns and templates: the page
  // itself is the kind's page.
  $('import-kind').addEventListener('change', (e) => {
    location.search = '?kind=' + encodeURIComponent(e.target.value);
  });

  function fail(err) {
    const box = $('import-error');
    box.textContent = S.errorText(err);
    box.hidden = false;
  }

  // upload sends the file as the request body, with the upload's progress
  // on the bar: a province's opening stock is tens of megabytes.
  function upload(kind, file) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', '/api/imports?kind=' + encodeURIComponent(kind) + '&filename=' + encodeURIComponent(file.name));
      xhr.setRequestHeader('Accept', 'application/json');
      const bar = $('upload-progress');
      bar.hidden = false;
      bar.value = 0;
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = 100 * e.loaded / e.total; };
      xhr.onerror = () => reject(new S.ApiError(0, { message_zh: t('common.network_error'), message: t('common.network_error') }));
      xhr.onload = () => {
        bar.hidden = true;
        let data = null;
        try { data = JSON.parse(xhr.responseText); } catch (e) { /* not JSON */ }
        if (xhr.status >= 200 && xhr.status < 300) resolve(data);
        else reject(new S.ApiError(xhr.status, (data && data.error) || { message_zh: t('common.server_error') + ' ' + xhr.status, message: t('common.server_error') + ' ' + xhr.status }));
      };
      S.busy(1);
      xhr.onloadend = () => S.busy(-1);
      xhr.send(file);
    });
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    $('import-error').hidden = true;
    const file = $('import-file').files[0];
    if (!file) { fail(new Error(t('import.choose_file'))); return; }
    $('import-check').disabled = true;
    try {
      show(await upload(form.elements.kind.value, file));
    } catch (err) {
      fail(err);
    } finally {
      $('import-check').disabled = false;
    }
  });

  function count(label, n, cls) {
    return el('div', { class: 'count ' + (cls || '') }, el('span', { class: 'muted small' }, label), el('b', null, num(n, 0)));
  }

  // show puts an import's preview on the screen.
  function show(im) {
    current = im;
    $('import-preview').hidden = false;
    $('import-preview').dataset.import = im.id;
    $('import-result').hidden = true;
    $('import-passwords').hidden = true;
    $('commit-status').textContent = '';
    const format = im.format === 'csv' ? 'CSV' + (im.encoding ? ' · ' + im.encoding : '') : 'Excel';
    $('preview-summary').replaceChildren(
      count(t('import.rows'), im.rows), count(t('import.new'), im.new, 'ok'), count(t('import.changed'), im.changed),
      count(t('import.unchanged'), im.unchanged, 'muted'), count(t('import.problems'), im.problem_count, im.problem_count ? 'bad' : ''),
      el('div', { class: 'count' }, el('span', { class: 'muted small' }, t('import.format')), el('span', null, im.filename + ' · ' + format)));
    const bad = im.problem_count > 0;
    $('preview-problems').hidden = !bad;
    if (bad) {
      $('problems-title').textContent = t('import.problems_title', num(im.problem_count, 0));
      $('problems-xlsx').href = '/api/imports/' + im.id + '/problems.xlsx';
      $('problems-table').tBodies[0].replaceChildren(...(im.problems || []).map((p) => el('tr', null,
        el('td', { class: 'num' }, p.row), el('td', { class: 'mono' }, p.column || ''), el('td', { class: 'mono' }, p.value || ''),
        el('td', { class: 'reason' }, pick(p.message_zh, p.message)))));
    }
    const open = im.status === 'previewed';
    $('import-commit').hidden = bad || !open || (im.new + im.changed) === 0;
    $('import-discard').hidden = !open;
    if (open && !bad && im.new + im.changed === 0) $('commit-status').textContent = t('import.nothing');
    $('import-preview').scrollIntoView({ behavior: 'smooth', block: 'nearest' });
  }

  // watch reads the import while its commit runs and moves the bar.
  function watch(id) {
    const bar = $('commit-progress');
    bar.hidden = false;
    bar.removeAttribute('value');
    let stop = false;
    (async function poll() {
      while (!stop) {
        await new Promise((r) => setTimeout(r, 1000));
        if (stop) break;
        try {
          const res = await fetch('/api/imports/' + id, { headers: { Accept: 'application/json' } });
          const im = res.ok ? await res.json() : null;
          if (!stop && im && im.committing && im.committing.total > 0) {
            bar.max = im.committing.total;
            bar.value = im.committing.done;
            $('commit-status').textContent = t('import.committing', num(im.committing.done, 0), num(im.committing.total, 0));
          }
        } catch (e) { /* the next poll tries again */ }
      }
    })();
    return () => { stop = true; bar.hidden = true; };
  }

  $('import-commit').addEventListener('click', async () => {
    const id = current.id;
    $('import-commit').disabled = $('import-discard').disabled = true;
    $('commit-status').textContent = t('import.committing_start');
    const done = watch(id);
    try {
      const im = await S.api('POST', '/api/imports/' + id + '/commit');
      done();
      show(im);
      $('commit-status').textContent = '';
      const box = $('import-result');
      box.textContent = im.ledger_lines ? t('import.done_stock', num(im.new, 0), num(im.changed, 0), num(im.ledger_lines, 0))
        : t('import.done', num(im.new, 0), num(im.changed, 0));
      box.hidden = false;
      const pw = im.one_time_passwords || [];
      $('import-passwords').hidden = pw.length === 0;
      $('import-passwords').querySelector('tbody').replaceChildren(...pw.map((p) => el('tr', null,
        el('td', { class: 'mono' }, p.username), el('td', null, el('code', { class: 'secret' }, p.password)))));
    } catch (err) {
      done();
      $('commit-status').textContent = S.errorText(err);
      try { show(await S.api('GET', '/api/imports/' + id)); } catch (e) { /* keep the old preview */ }
    } finally {
      $('import-commit').disabled = $('import-discard').disabled = false;
    }
  });

  $('import-discard').addEventListener('click', async () => {
    try {
      show(await S.api('POST', '/api/imports/' + current.id + '/discard'));
      $('commit-status').textContent = t('import.discarded');
    } catch (err) {
      $('commit-status').textContent = S.errorText(err);
    }
  });

  S.ready('import');
})();
