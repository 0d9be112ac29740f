// The login form, shown by the shell when the console has users (console.users) and this
// browser has no session. POST /api/console/login sets the session cookie (HttpOnly,
// SameSite=Strict); the shell then starts over.

import {h, clear} from './lib/dom.js';
import {errorBox, field} from './lib/ui.js';
import {api} from './lib/api.js';

export function renderLogin(main, onDone) {
  const user = h('input', {name: 'username', autocomplete: 'username', required: true});
  const pass = h('input', {name: 'password', type: 'password', autocomplete: 'current-password',
    required: true});
  const errorSlot = h('div');
  const submit = h('button', {type: 'submit', class: 'primary'}, 'Log in');
  const form = h('form', {class: 'form login', 'aria-label': 'Log in'},
    h('h1', {tabindex: '-1'}, 'Log in to the kappa console'), errorSlot,
    field('User', user), field('Password', pass), h('div', {class: 'actions'}, submit));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    submit.disabled = true;
    clear(errorSlot);
    try {
      await api('/api/console/login', {method: 'POST', body: {user: user.value, password: pass.value}});
      onDone();
    } catch (err) {
      errorSlot.appendChild(errorBox(err));
      pass.value = '';
      pass.focus();
    } finally {
      submit.disabled = false;
    }
  });
  clear(main).appendChild(h('div', {class: 'page login-page'}, form));
  user.focus();
}
