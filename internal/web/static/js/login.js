// 登录: on a demo database opened on this machine, each demo account's
// button fills the form with its username and password and signs in.
(function () {
  'use strict';
  const S = window.Stockpile;
  const form = document.getElementById('login-form');
  for (const b of document.querySelectorAll('.demo-use')) {
    b.addEventListener('click', () => {
      form.elements.username.value = b.dataset.username;
      form.elements.password.value = b.dataset.password;
      for (const e of form.querySelectorAll('.field-error')) e.remove();
      form.requestSubmit();
    });
  }
  S.ready('login');
})();
