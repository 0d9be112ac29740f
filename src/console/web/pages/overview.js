// Overview: the pipeline at a glance. Figures from GET /api/console/overview, the charts
// from GET /api/console/overview/series (15 minutes at 1 s), both kept current by the
// server-sent events of /api/console/overview/stream (one a second, with the last few
// points of each chart, merged here by timestamp).

import {h, replace} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {lineChart} from '../lib/chart.js';
import {subscribe} from '../lib/sse.js';
import {errorBox, formatBytes, formatDuration, formatNumber, formatRate, kv, pageHeader}
  from '../lib/ui.js';
import {simpleTable} from '../lib/table.js';

const WINDOW = 900;  // seconds kept on the charts

// Merges [t, v] points into a series (by timestamp), keeping the last WINDOW seconds.
function merge(points, fresh) {
  const byT = new Map(points.map((p) => [p[0], p]));
  for (const p of fresh) byT.set(p[0], p);
  const all = [...byT.values()].sort((a, b) => a[0] - b[0]);
  const last = all.length ? all[all.length - 1][0] : 0;
  return all.filter((p) => p[0] > last - WINDOW);
}

function stat(label, id) {
  const value = h('div', {class: 'stat-value', id: 'stat-' + id}, '–');
  return {el: h('div', {class: 'card stat'}, h('div', {class: 'stat-label'}, label), value), value};
}

export default {
  async render(root, params, ctx) {
    const errorSlot = h('div');
    const stats = {
      produced: stat('Produced', 'produced'),
      stored: stat('Stored', 'stored'),
      dead: stat('Dead-lettered', 'dead'),
      lag: stat('Job lag', 'lag'),
      latency: stat('End-to-end latency', 'latency'),
      rss: stat('Memory (RSS)', 'rss'),
      logDisk: stat('Log on disk', 'log-disk'),
      storeDisk: stat('Store on disk', 'store-disk'),
      uptime: stat('Uptime', 'uptime'),
    };
    const charts = {
      produced: lineChart({title: 'Produced (records/s)', unit: '/s'}),
      stored: lineChart({title: 'Stored (rows/s)', unit: '/s'}),
      dead: lineChart({title: 'Dead-lettered (records/s)', unit: '/s'}),
      lag: lineChart({title: 'Job lag (records)', unit: ''}),
      latency: lineChart({title: 'End-to-end latency (mean per second)', unit: 's'}),
    };
    const jobsSlot = h('div', {class: 'jobs'});
    const infoSlot = h('div', {class: 'card'});
    root.append(
      pageHeader('Overview'),
      errorSlot,
      h('div', {class: 'cards'}, Object.values(stats).map((s) => s.el)),
      h('div', {class: 'grid-2'}, Object.values(charts)),
      h('h2', null, 'Jobs'), jobsSlot,
      h('h2', null, 'This kappa'), infoSlot,
    );

    let series = {produced: [], stored: [], dead_lettered: [], lag: [], latency: []};
    const draw = () => {
      charts.produced.update([{label: 'produced', points: series.produced}]);
      charts.stored.update([{label: 'stored', points: series.stored}]);
      charts.dead.update([{label: 'dead letters', points: series.dead_lettered}]);
      charts.lag.update([{label: 'lag', points: series.lag}]);
      charts.latency.update([{label: 'latency', points: series.latency}]);
    };
    const show = (f) => {
      const r = f.rates || {};
      stats.produced.value.textContent = formatRate(r.produced_per_second);
      stats.stored.value.textContent = formatRate(r.stored_per_second);
      stats.dead.value.textContent = formatRate(r.dead_lettered_per_second);
      stats.lag.value.textContent = formatNumber(r.lag);
      stats.latency.value.textContent = r.latency_seconds === null || r.latency_seconds === undefined
        ? '–' : formatDuration(r.latency_seconds);
      stats.rss.value.textContent = formatBytes(f.rss_bytes);
      stats.logDisk.value.textContent = formatBytes(f.disk && f.disk.log_bytes);
      stats.storeDisk.value.textContent = formatBytes(f.disk && f.disk.store_bytes);
      stats.uptime.value.textContent = formatDuration(f.uptime_seconds);
      replace(jobsSlot, simpleTable([
        {key: 'job', title: 'Job', render: (j) => h('a', {href: '#/jobs/' + encodeURIComponent(j.job)}, j.job)},
        {key: 'lag', title: 'Lag (records)', numeric: true, render: (j) => formatNumber(j.lag)},
        {key: 'stored_per_second', title: 'Stored/s', numeric: true,
          render: (j) => formatRate(j.stored_per_second)},
        {key: 'dead_letters_per_second', title: 'Dead letters/s', numeric: true,
          render: (j) => formatRate(j.dead_letters_per_second)},
      ], f.jobs || [], {empty: 'No streaming jobs.'}));
      replace(infoSlot, kv([
        ['Version', f.version || '–'],
        ['Started', f.started_unix_ms ? new Date(f.started_unix_ms).toLocaleString() : '–'],
        ['Listeners', h('ul', {class: 'listeners'}, (f.listeners || []).map((l) =>
          h('li', null, h('span', {class: 'mono'}, l.name + ' ' + l.address))))],
      ]));
    };

    try {
      const [figures, initial] = await Promise.all([api('/api/console/overview'),
        api('/api/console/overview/series')]);
      series = initial;
      show(figures);
      draw();
    } catch (e) {
      errorSlot.appendChild(errorBox(e));
    }

    const stop = subscribe('/api/console/overview/stream', (d, type) => {
      if (type !== 'overview' || !d || typeof d !== 'object') return;
      for (const k of Object.keys(series)) {
        if (d.series && d.series[k]) series[k] = merge(series[k], d.series[k]);
      }
      show(d.figures);
      draw();
    }, {events: ['overview']});

    return () => {
      stop();
      for (const c of Object.values(charts)) c.destroy();
    };
  },
};
