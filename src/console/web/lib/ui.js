// Small UI pieces every page uses. All of them render values as text (lib/dom.js).

import {h, append} from './dom.js';

// A modal yes/no question. Resolves true when confirmed; Escape, Cancel or closing: false.
//   if (await confirmDialog('Delete topic ' + name + '?', {confirmLabel: 'Delete'})) ...
export function confirmDialog(text, {confirmLabel = 'OK', cancelLabel = 'Cancel', danger = true} = {}) {
  return new Promise((resolve) => {
    const ok = h('button', {type: 'button', class: danger ? 'danger' : 'primary'}, confirmLabel);
    const cancel = h('button', {type: 'button'}, cancelLabel);
    const dialog = h('dialog', {class: 'confirm', 'aria-label': 'Confirm'},
      h('p', null, text), h('div', {class: 'actions'}, cancel, ok));
    let answered = false;
    const done = (v) => {
      if (answered) return;
      answered = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      resolve(v);
    };
    ok.addEventListener('click', () => done(true));
    cancel.addEventListener('click', () => done(false));
    dialog.addEventListener('cancel', (e) => { e.preventDefault(); done(false); });
    dialog.addEventListener('close', () => done(false));
    document.body.appendChild(dialog);
    dialog.showModal();
    cancel.focus();
  });
}

// An inline error (role=alert) for an ApiError or any Error or string.
export function errorBox(err) {
  const status = err && err.status ? 'HTTP ' + err.status + ': ' : '';
  const message = err && err.message !== undefined ? err.message : String(err);
  return h('div', {class: 'error', role: 'alert'}, status + message);
}

export function loading(what = 'Loading') {
  return h('div', {class: 'loading', 'aria-busy': 'true'}, what + '…');
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
// 1536 -> "1.5 KiB"; null/NaN -> "–".
export function formatBytes(n) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return '–';
  let v = Number(n);
  let i = 0;
  while (Math.abs(v) >= 1024 && i < UNITS.length - 1) { v /= 1024; i++; }
  return (i === 0 ? String(Math.round(v)) : v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)) + ' ' + UNITS[i];
}

// A count per second: 1234.5 -> "1.23k/s"; unit replaces "/s" (e.g. ' B/s').
export function formatRate(n, unit = '/s') {
  return formatNumber(n) + unit;
}

// 1234567 -> "1.23M"; small values keep up to 2 decimals.
export function formatNumber(n) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return '–';
  const v = Number(n);
  const a = Math.abs(v);
  if (a >= 1e9) return (v / 1e9).toFixed(2) + 'G';
  if (a >= 1e6) return (v / 1e6).toFixed(2) + 'M';
  if (a >= 1e4) return (v / 1e3).toFixed(1) + 'k';
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(a < 10 ? 2 : 1);
}

// A time as local "YYYY-MM-DD HH:MM:SS": a Date, an ISO string, or a number of milliseconds
// since the epoch (a number below 1e11 is taken as seconds).
export function formatTime(t) {
  if (t === null || t === undefined || t === '') return '–';
  let d;
  if (t instanceof Date) d = t;
  else if (typeof t === 'number') d = new Date(t < 1e11 ? t * 1000 : t);
  else d = new Date(t);
  if (Number.isNaN(d.getTime())) return String(t);
  const p = (x) => String(x).padStart(2, '0');
  return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + ' ' +
    p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds());
}

// Seconds -> "3d 4h", "5m 2s", "850 ms".
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(Number(seconds))) return '–';
  let s = Number(seconds);
  if (s < 1) return Math.round(s * 1000) + ' ms';
  const d = Math.floor(s / 86400); s -= d * 86400;
  const hh = Math.floor(s / 3600); s -= hh * 3600;
  const m = Math.floor(s / 60); s = Math.floor(s - m * 60);
  if (d) return d + 'd ' + hh + 'h';
  if (hh) return hh + 'h ' + m + 'm';
  if (m) return m + 'm ' + s + 's';
  return s + 's';
}

// Airflow's state colors (airflow/utils/state.py STATE_COLORS) as CSS classes
// (.state-success ...); unknown states get the neutral badge. Also used for job and
// group states (running, stable, empty, failed, ...).
const KNOWN_STATES = new Set(['success', 'running', 'failed', 'queued', 'scheduled',
  'up_for_retry', 'up_for_reschedule', 'upstream_failed', 'skipped', 'removed', 'deferred',
  'restarting', 'none', 'stable', 'empty', 'dead', 'stopped', 'paused', 'active',
  'preparingrebalance', 'completingrebalance']);
export function stateBadge(state) {
  const s = state === null || state === undefined || state === '' ? 'none' : String(state);
  const cls = s.toLowerCase().replace(/[^a-z_]/g, '');
  return h('span', {class: ['badge', KNOWN_STATES.has(cls) ? 'state-' + cls : null]}, s);
}

// A JSON value pretty-printed, with token classes for color; text only.
export function jsonView(value) {
  const pre = h('pre', {class: 'json'});
  render(pre, value, 0);
  return pre;
}

function render(out, v, depth) {
  const pad = '  '.repeat(depth);
  if (v === null) return append(out, [h('span', {class: 'json-null'}, 'null')]);
  if (Array.isArray(v)) {
    if (v.length === 0) return append(out, ['[]']);
    append(out, ['[\n']);
    v.forEach((x, i) => {
      append(out, [pad + '  ']);
      render(out, x, depth + 1);
      append(out, [i + 1 < v.length ? ',\n' : '\n']);
    });
    return append(out, [pad + ']']);
  }
  if (typeof v === 'object') {
    const keys = Object.keys(v);
    if (keys.length === 0) return append(out, ['{}']);
    append(out, ['{\n']);
    keys.forEach((k, i) => {
      append(out, [pad + '  ', h('span', {class: 'json-key'}, JSON.stringify(k)), ': ']);
      render(out, v[k], depth + 1);
      append(out, [i + 1 < keys.length ? ',\n' : '\n']);
    });
    return append(out, [pad + '}']);
  }
  const cls = typeof v === 'string' ? 'json-string' : typeof v === 'number' ? 'json-number'
    : 'json-bool';
  return append(out, [h('span', {class: cls}, JSON.stringify(v))]);
}

// A labelled form control: field('Topic name', h('input', {name: 'topic'})).
let fieldSeq = 0;
export function field(label, control, hint) {
  if (!control.id) control.id = 'f' + (++fieldSeq);
  return h('div', {class: 'field'}, h('label', {for: control.id}, label), control,
    hint ? h('small', {class: 'muted'}, hint) : null);
}

// A definition list of [label, value] pairs (values: text or nodes).
export function kv(pairs) {
  return h('dl', {class: 'kv'}, pairs.map(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

// A page's heading row: title and optional actions on the right.
export function pageHeader(title, ...actions) {
  return h('div', {class: 'page-header'}, h('h1', {tabindex: '-1'}, title),
    h('div', {class: 'actions'}, actions));
}

// A box saying a feature is not configured in this `kappa up` (a null Source).
export function notConfigured(what) {
  return h('div', {class: 'empty'}, what + ' is not configured in this kappa.');
}
