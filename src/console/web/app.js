// The console's shell: navigation from pages/index.js, hash routing (#/topics/NAME ->
// the topics page with params ['NAME']), the theme switch, keyboard shortcuts, and the login
// form when the server asks for one. A page module is imported only when opened, so a page
// that fails to load breaks only itself. Each page gets render(root, params, ctx) and may
// return a cleanup function, called when the user leaves it.

import pages from './pages/index.js';
import {h, clear} from './lib/dom.js';
import {api, session} from './lib/api.js';
import {errorBox} from './lib/ui.js';
import {renderLogin} from './login.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
let cleanup = null;
let routeSeq = 0;
let current = null;  // {session}

// ---- theme: auto (the system's), light or dark; remembered in localStorage ---------------
const themeSelect = document.getElementById('theme');
function applyTheme(t) {
  if (t === 'light' || t === 'dark') document.documentElement.dataset.theme = t;
  else delete document.documentElement.dataset.theme;
}
const savedTheme = localStorage.getItem('kappa-theme') || 'auto';
themeSelect.value = savedTheme;
applyTheme(savedTheme);
themeSelect.addEventListener('change', () => {
  localStorage.setItem('kappa-theme', themeSelect.value);
  applyTheme(themeSelect.value);
});

// ---- routing -------------------------------------------------------------------------------
// "#/topics/a%2Fb/x" -> {hash: 'topics', params: ['a/b', 'x']}
export function parseHash(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/').filter((p) => p !== '');
  const params = parts.slice(1).map((p) => {
    try { return decodeURIComponent(p); } catch { return p; }
  });
  return {hash: parts[0] || 'overview', params};
}

function navigate(to) {
  location.hash = to.startsWith('#') ? to : '#/' + to.replace(/^\/+/, '');
}

function buildNav() {
  clear(nav);
  pages.forEach((p, i) => {
    nav.appendChild(h('li', null, h('a', {href: '#/' + p.hash, dataset: {page: p.id},
      title: i < 9 ? p.title + ' (Alt+' + (i + 1) + ')' : p.title}, p.title)));
  });
}

function markNav(hash) {
  for (const a of nav.querySelectorAll('a')) {
    const active = a.getAttribute('href') === '#/' + hash;
    a.classList.toggle('active', active);
    if (active) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
}

async function route() {
  const mine = ++routeSeq;
  if (cleanup) {
    try { cleanup(); } catch (e) { console.warn('page cleanup failed', e); }
    cleanup = null;
  }
  const {hash, params} = parseHash(location.hash);
  const page = pages.find((p) => p.hash === hash);
  markNav(page ? page.hash : '');
  clear(main);
  if (!page) {
    main.appendChild(h('div', {class: 'page'}, h('h1', {tabindex: '-1'}, 'Not found'),
      h('p', null, 'There is no page "', hash, '". ', h('a', {href: '#/overview'}, 'Overview'))));
    return;
  }
  document.title = page.title + ' · kappa console';
  const root = h('div', {class: 'page', dataset: {page: page.id}});
  main.appendChild(root);
  let mod;
  try {
    mod = await import(new URL(page.module, new URL('./pages/', import.meta.url)).href);
  } catch (e) {
    if (mine !== routeSeq) return;
    root.appendChild(h('h1', null, page.title));
    root.appendChild(errorBox(new Error('this page failed to load: ' + e.message)));
    return;
  }
  if (mine !== routeSeq) return;
  const ctx = {navigate, api, session: current && current.session, setTitle: (t) => {
    document.title = t + ' · kappa console';
  }};
  try {
    const c = await mod.default.render(root, params, ctx);
    if (mine !== routeSeq) {
      if (typeof c === 'function') c();
      return;
    }
    cleanup = typeof c === 'function' ? c : null;
  } catch (e) {
    if (mine !== routeSeq) return;
    root.appendChild(errorBox(e));
  }
  const heading = root.querySelector('h1');
  if (heading && document.activeElement === document.body) heading.focus({preventScroll: true});
}

// ---- keyboard: Alt+1..9 opens the n-th page; "g" then a page's first letter -----------------
document.addEventListener('keydown', (e) => {
  const t = e.target;
  const typing = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement ||
    t instanceof HTMLSelectElement || (t && t.isContentEditable);
  if (e.altKey && !e.ctrlKey && !e.metaKey && /^[1-9]$/.test(e.key)) {
    const p = pages[Number(e.key) - 1];
    if (p) { e.preventDefault(); navigate(p.hash); }
  } else if (!typing && e.key === '/' ) {
    const search = main.querySelector('input[type=search], input[name=filter]');
    if (search) { e.preventDefault(); search.focus(); }
  }
});

// ---- session: open (loopback, no users) or logged in -------------------------------------
const logout = document.getElementById('logout');
logout.addEventListener('click', async () => {
  try { await api('/api/console/logout', {method: 'POST'}); } catch { /* gone anyway */ }
  await start();
});
window.addEventListener('kappa:unauthorized', () => { start(); });

async function start() {
  let s;
  try {
    s = await session(true);
  } catch (e) {
    clear(main).appendChild(h('div', {class: 'page'}, h('h1', null, 'kappa console'), errorBox(e)));
    return;
  }
  current = {session: s};
  document.getElementById('version').textContent = s.version ? 'v' + s.version : '';
  document.getElementById('user').textContent = s.user ? s.user : '';
  logout.hidden = !s.user;
  if (s.auth_required && !s.user) {
    if (cleanup) { try { cleanup(); } catch { /* ignore */ } cleanup = null; }
    clear(nav);
    document.title = 'Log in · kappa console';
    renderLogin(main, () => start());
    return;
  }
  buildNav();
  route();
}

window.addEventListener('hashchange', () => {
  if (current && (!current.session.auth_required || current.session.user)) route();
});
start();
