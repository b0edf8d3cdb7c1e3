// 系统管理: adds and changes users, issues and revokes API tokens, and
// registers and resumes webhooks through the JSON API, which checks every change against the rules, then
// loads the list again from the server. A one-time password or a token's
// secret is shown once, from the API's answer, and kept nowhere.
(function () {
  'use strict';
  const S = window.Stockpile;
  const { t, el } = S;
  const $ = (id) => document.getElementById(id);

  // showSecret shows a secret with what it is, and buttons to copy it and
  // to hide it once noted.
  function showSecret(label, secret) {
    const box = $('secret-box');
    const code = el('code', { class: 'secret', id: 'secret-value' }, secret);
    const copy = el('button', { type: 'button', id: 'secret-copy' }, t('admin.secret.copy'));
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(secret);
        copy.textContent = t('admin.secret.copied');
      } catch (e) {
        window.getSelection().selectAllChildren(code); // no clipboard (plain http): select it to copy by hand
      }
    });
    const hide = el('button', { type: 'button', id: 'secret-hide', onclick: () => { box.replaceChildren(); box.hidden = true; } },
      t('admin.secret.hide'));
    box.replaceChildren(el('div', null, label), el('div', { class: 'secret-line' }, code, copy, hide));
    box.hidden = false;
    box.scrollIntoView({ block: 'nearest' });
  }

  // reload fetches this page again and puts its fresh list, the element
  // with id, in place of the old. The page is parsed in a document of its
  // own, which loads and runs nothing, as the readiness screen does.
  async function reload(id) {
    const res = await fetch(location.pathname + location.search, { headers: { Accept: 'text/html' } });
    if (!res.ok) { location.reload(); return; }
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    const fresh = doc.getElementById(id);
    if (fresh) $(id).replaceWith(document.adoptNode(fresh));
  }

  // fail shows an API error in box.
  function fail(box, err) {
    box.textContent = S.errorText(err);
    box.hidden = false;
  }

  // ---- users
  function users() {
    const form = $('user-form');
    if (!form) return;
    const f = form.elements;
    const error = $('user-error');
    let editing = null;
    const byID = (id) => JSON.parse($('users-data').textContent).find((u) => String(u.id) === String(id));
    // body is a user as PUT /api/users/{id} takes it: what may change,
    // and the version read.
    const body = (u) => ({ name: u.name, roles: u.roles, area_code: u.area_code, org_code: u.org_code,
      depots: u.depots || [], disabled: u.disabled, version: u.version });
    // read is the form: the fields of body, and the username of a new user.
    const read = () => ({ name: f.name.value.trim(), roles: [...form.querySelectorAll('input[name="roles"]:checked')].map((c) => c.value),
      area_code: f.area_code.value, org_code: f.org_code.value, depots: [...f.depots.selectedOptions].map((o) => o.value) });

    function edit(u) {
      editing = u;
      form.reset();
      f.username.value = u.username;
      f.username.readOnly = true;
      f.name.value = u.name;
      for (const c of form.querySelectorAll('input[name="roles"]')) c.checked = u.roles.includes(c.value);
      f.area_code.value = u.area_code;
      f.org_code.value = u.org_code;
      for (const o of f.depots.options) o.selected = (u.depots || []).includes(o.value);
      $('user-password').hidden = true;
      $('user-cancel').hidden = false;
      $('user-save').textContent = $('user-save').dataset.edit;
      $('user-form-title').textContent = t('admin.users.editing', u.username);
      error.hidden = true;
      $('user-editor').scrollIntoView({ behavior: 'smooth', block: 'start' });
    }
    function done() {
      editing = null;
      form.reset();
      f.username.readOnly = false;
      $('user-password').hidden = false;
      $('user-cancel').hidden = true;
      $('user-save').textContent = $('user-save').dataset.new;
      $('user-form-title').textContent = t('admin.users.new');
    }

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.hidden = true;
      const save = $('user-save');
      save.disabled = true;
      try {
        if (editing) {
          const u = await S.api('PUT', '/api/users/' + editing.id, Object.assign(body(editing), read()));
          S.toast(t('admin.users.saved_ok', u.username));
        } else {
          const req = Object.assign({ username: f.username.value.trim() }, read());
          if (f.password.value) req.password = f.password.value;
          const u = await S.api('POST', '/api/users', req);
          if (u.one_time_password) showSecret(t('admin.users.one_time', u.username), u.one_time_password);
          else S.toast(t('admin.users.created_ok', u.username));
        }
        done();
        await reload('users');
      } catch (err) {
        fail(error, err);
      } finally {
        save.disabled = false;
      }
    });
    $('user-cancel').addEventListener('click', done);

    const asks = { disable: 'admin.users.disable_confirm', reset: 'admin.users.reset_confirm', sessions: 'admin.users.sessions_confirm' };
    document.addEventListener('click', async (e) => {
      const btn = e.target.closest('#users button[data-act]');
      if (!btn) return;
      const u = byID(btn.closest('tr').dataset.user);
      const act = btn.dataset.act;
      if (act === 'edit') { edit(u); return; }
      if (asks[act] && !window.confirm(t(asks[act], u.username))) return;
      btn.disabled = true;
      try {
        if (act === 'disable' || act === 'enable') {
          await S.api('PUT', '/api/users/' + u.id, Object.assign(body(u), { disabled: act === 'disable' }));
        } else if (act === 'reset') {
          const res = await S.api('POST', '/api/users/' + u.id + '/reset-password', {});
          showSecret(t('admin.users.one_time', u.username), res.one_time_password);
        } else if (act === 'sessions') {
          const res = await S.api('POST', '/api/users/' + u.id + '/end-sessions', {});
          S.toast(t('admin.users.sessions_done', u.username, res.ended));
        }
        await reload('users');
      } catch (err) {
        S.toast(S.errorText(err), true);
        btn.disabled = false;
      }
    });
  }

  // ---- API tokens
  function tokens() {
    const form = $('token-form');
    if (!form) return;
    const f = form.elements;
    const error = $('token-error');
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.hidden = true;
      // A token lasts to the end of the chosen day, China time.
      const expires = f.expires.value ? Math.floor(new Date(f.expires.value + 'T23:59:59+08:00').getTime() / 1000) : 0;
      $('token-create').disabled = true;
      try {
        const tok = await S.api('POST', '/api/tokens', { name: f.name.value.trim(), username: f.username.value.trim(), expires_at: expires });
        showSecret(t('admin.tokens.secret', tok.name), tok.secret);
        f.name.value = '';
        await reload('tokens');
      } catch (err) {
        fail(error, err);
      } finally {
        $('token-create').disabled = false;
      }
    });
    document.addEventListener('click', async (e) => {
      const btn = e.target.closest('#tokens button[data-act="revoke"]');
      if (!btn) return;
      const row = btn.closest('tr');
      const name = row.children[1].textContent;
      if (!window.confirm(t('admin.tokens.revoke_confirm', name))) return;
      btn.disabled = true;
      try {
        await S.api('POST', '/api/tokens/' + row.dataset.token + '/revoke', {});
        S.toast(t('admin.tokens.revoked', name));
        await reload('tokens');
      } catch (err) {
        S.toast(S.errorText(err), true);
        btn.disabled = false;
      }
    });
  }

  // ---- webhooks
  function webhooks() {
    const form = $('webhook-form');
    if (!form) return;
    const f = form.elements;
    const error = $('webhook-error');
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      error.hidden = true;
      const kinds = f.kinds.value.split(',').map((k) => k.trim()).filter((k) => k);
      $('webhook-create').disabled = true;
      try {
        const hook = await S.api('POST', '/api/webhooks', { url: f.url.value.trim(), kinds });
        showSecret(t('admin.webhooks.secret', hook.url), hook.secret);
        f.url.value = '';
        await reload('webhooks');
      } catch (err) {
        fail(error, err);
      } finally {
        $('webhook-create').disabled = false;
      }
    });
    document.addEventListener('click', async (e) => {
      const btn = e.target.closest('#webhooks button[data-act="resume"]');
      if (!btn) return;
      const hook = btn.closest('[data-webhook]');
      btn.disabled = true;
      try {
        const res = await S.api('POST', '/api/webhooks/' + hook.dataset.webhook + '/resume', {});
        S.toast(t('admin.webhooks.resumed', res.url));
        await reload('webhooks');
      } catch (err) {
        S.toast(S.errorText(err), true);
        btn.disabled = false;
      }
    });
  }

  users();
  tokens();
  webhooks();
  S.ready('admin');
})();
