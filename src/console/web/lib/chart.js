// A line chart on a canvas, no library: lineChart({title, unit, series}) -> element with
// .update(series). series: [{label, points: [[unix_seconds, value], ...]}]; a null or NaN
// value is a gap. Colors come from the CSS variables --chart-1..6, --fg, --muted and --grid
// (console.css), so the chart follows the light/dark theme; it redraws when resized or when
// the theme changes. The legend below the canvas is text (last value per series), and the
// canvas has an aria-label, so the figures are readable without the picture.
//
//   const c = lineChart({title: 'Produced', unit: '/s', series: [{label: 'records', points}]});
//   c.update([{label: 'records', points: newPoints}]);

import {h, clear} from './dom.js';
import {formatNumber, formatBytes} from './ui.js';

function fmt(v, unit) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (unit === 'bytes') return formatBytes(v);
  if (unit === 'B/s') return formatBytes(v) + '/s';
  if (unit === 's') return v < 1 ? (v * 1000).toFixed(v < 0.01 ? 2 : 0) + ' ms' : v.toFixed(2) + ' s';
  return formatNumber(v) + (unit ? ' ' + unit : '');
}

function clock(t) {
  const d = new Date(t * 1000);
  return String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
}

// Round tick step for a value range (1, 2, 5 x 10^n).
function niceStep(range, ticks) {
  const raw = range / ticks;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const n = raw / mag;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
}

export function lineChart({title, unit = '', series = [], height = 180} = {}) {
  const canvas = h('canvas', {role: 'img', height: String(height)});
  const legend = h('ul', {class: 'chart-legend'});
  const el = h('figure', {class: 'chart'}, h('figcaption', null, title),
    h('div', {class: 'chart-canvas', style: {height: height + 'px'}}, canvas), legend);
  let current = series;

  function colors() {
    const cs = getComputedStyle(el);
    const v = (n, d) => (cs.getPropertyValue(n) || '').trim() || d;
    return {
      fg: v('--fg', '#222'), muted: v('--muted', '#777'), grid: v('--grid', '#ddd'),
      lines: [1, 2, 3, 4, 5, 6].map((i) => v('--chart-' + i, '#36c')),
    };
  }

  function draw() {
    const c = colors();
    const width = canvas.parentElement ? canvas.parentElement.clientWidth : 600;
    if (width <= 0) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * dpr);
    canvas.height = Math.round(height * dpr);
    canvas.style.width = width + 'px';
    canvas.style.height = height + 'px';
    const g = canvas.getContext('2d');
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, width, height);
    g.font = '11px system-ui, sans-serif';

    let tmin = Infinity, tmax = -Infinity, vmax = 0, vmin = 0;
    for (const s of current) {
      for (const [t, v] of s.points || []) {
        if (t < tmin) tmin = t;
        if (t > tmax) tmax = t;
        if (v === null || Number.isNaN(v)) continue;
        if (v > vmax) vmax = v;
        if (v < vmin) vmin = v;
      }
    }
    if (!Number.isFinite(tmin)) {
      const now = Date.now() / 1000;
      tmin = now - 900; tmax = now;
    }
    if (tmax === tmin) tmin = tmax - 1;
    if (vmax === vmin) vmax = vmin + 1;
    const step = niceStep(vmax - vmin, 4);
    vmax = Math.ceil(vmax / step) * step;
    vmin = Math.floor(vmin / step) * step;

    // Every tick's label is measured (a middle one such as "0.50 /s" can be the widest), and
    // ticks are computed from their index so 0.1 + 0.2 never prints as 0.30000000000000004.
    const ticks = [];
    for (let i = 0; vmin + i * step <= vmax + step / 2; i++) {
      ticks.push(Number((vmin + i * step).toPrecision(12)));
    }
    const left = Math.max(...ticks.map((v) => g.measureText(fmt(v, unit)).width)) + 10;
    const right = 8, top = 8, bottom = 20;
    const pw = width - left - right, ph = height - top - bottom;
    const x = (t) => left + ((t - tmin) / (tmax - tmin)) * pw;
    const y = (v) => top + ph - ((v - vmin) / (vmax - vmin)) * ph;

    g.strokeStyle = c.grid;
    g.fillStyle = c.muted;
    g.lineWidth = 1;
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    for (const v of ticks) {
      const yy = Math.round(y(v)) + 0.5;
      g.beginPath(); g.moveTo(left, yy); g.lineTo(left + pw, yy); g.stroke();
      g.fillText(fmt(v, unit), left - 4, yy);
    }
    g.textAlign = 'center';
    g.textBaseline = 'top';
    const tstep = (tmax - tmin) > 600 ? 300 : (tmax - tmin) > 120 ? 60 : 30;
    for (let t = Math.ceil(tmin / tstep) * tstep; t <= tmax; t += tstep) {
      g.fillText(clock(t), x(t), top + ph + 5);
    }

    current.forEach((s, i) => {
      g.strokeStyle = c.lines[i % c.lines.length];
      g.lineWidth = 1.5;
      g.beginPath();
      let pen = false;
      for (const [t, v] of s.points || []) {
        if (v === null || Number.isNaN(v)) { pen = false; continue; }
        if (pen) g.lineTo(x(t), y(v)); else g.moveTo(x(t), y(v));
        pen = true;
      }
      g.stroke();
    });
  }

  function lastValue(s) {
    const pts = s.points || [];
    for (let i = pts.length - 1; i >= 0; i--) {
      const v = pts[i][1];
      if (v !== null && !Number.isNaN(v)) return v;
    }
    return null;
  }

  function renderLegend() {
    clear(legend);
    const parts = [];
    current.forEach((s, i) => {
      const v = fmt(lastValue(s), unit);
      parts.push(s.label + ' ' + v);
      legend.appendChild(h('li', null, h('span', {class: 'swatch swatch-' + ((i % 6) + 1)}),
        s.label + ': ', h('strong', null, v)));
    });
    canvas.setAttribute('aria-label', title + (parts.length ? ': ' + parts.join(', ') : ': no data'));
  }

  el.update = (s) => {
    current = s || [];
    renderLegend();
    draw();
  };

  const ro = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(() => draw()) : null;
  if (ro) ro.observe(el);
  const mq = window.matchMedia('(prefers-color-scheme: dark)');
  mq.addEventListener('change', draw);
  const mo = new MutationObserver(draw);  // the shell's theme switch (data-theme on <html>)
  mo.observe(document.documentElement, {attributes: true, attributeFilter: ['data-theme']});
  el.destroy = () => {
    if (ro) ro.disconnect();
    mq.removeEventListener('change', draw);
    mo.disconnect();
  };
  renderLegend();
  requestAnimationFrame(draw);
  return el;
}
