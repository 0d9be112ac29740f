// Jobs: the pipeline's streaming jobs (#/jobs) and one job (#/jobs/NAME): state, rate, lag
// per partition, charts from the metrics History, its dead letters with their error headers,
// and replay (`kappa jobs reset`) after a confirmation. API: /api/console/jobs/...
// (docs/formats/console-api.md, "Jobs"). Every value from the server renders as text.

import {h, clear, replace} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {pagedTable, simpleTable} from '../lib/table.js';
import {lineChart} from '../lib/chart.js';
import {confirmDialog, errorBox, formatNumber, formatRate, formatTime, stateBadge, jsonView,
  field, kv, pageHeader, notConfigured} from '../lib/ui.js';

const REFRESH_MS = 2000;

const jobHref = (name) => '#/jobs/' + encodeURIComponent(name);

export default {
  render(root, params) {
    return params.length ? renderJob(root, params[0]) : renderList(root);
  },
};

// A 404 that says the console has no pipeline: the page says "not configured".
function isNotConfigured(err) {
  return err && err.status === 404 && /no pipeline/.test(err.message || '');
}

// ---- the list ------------------------------------------------------------------------------

function renderList(root) {
  const body = h('div', {'aria-live': 'polite'});
  clear(root);
  root.append(pageHeader('Jobs'), h('p', {class: 'muted'},
    'Streaming jobs of this kappa up: topic → table, exactly once into the store.'), body);
  let timer = null;
  let stopped = false;

  async function load() {
    try {
      const r = await api('/api/console/jobs');
      if (stopped) return;
      replace(body, simpleTable([
        {key: 'name', title: 'Job', render: (j) => h('a', {href: jobHref(j.name)}, j.name)},
        {key: 'state', title: 'State', render: (j) => stateBadge(j.state)},
        {key: 'topic', title: 'Topic', render: (j) => h('span', {class: 'mono'}, j.topic)},
        {key: 'table', title: 'Table', render: (j) => h('span', {class: 'mono'}, j.table)},
        {key: 'rate_per_s', title: 'Rate', numeric: true,
          render: (j) => j.rate_per_s === null ? '–' : formatRate(j.rate_per_s)},
        {key: 'lag', title: 'Lag', numeric: true, render: (j) => formatNumber(j.lag)},
        {key: 'stored', title: 'Rows stored', numeric: true, render: (j) => formatNumber(j.stored)},
        {key: 'dead_letters', title: 'Dead letters', numeric: true,
          render: (j) => formatNumber(j.dead_letters)},
      ], r.items, {empty: 'This pipeline has no jobs.'}));
    } catch (err) {
      if (stopped) return;
      replace(body, isNotConfigured(err) ? notConfigured('The pipeline') : errorBox(err));
    }
    if (!stopped) timer = setTimeout(load, REFRESH_MS);
  }
  load();
  return () => { stopped = true; clearTimeout(timer); };
}

// ---- one job -------------------------------------------------------------------------------

function renderJob(root, name) {
  const summary = h('div', {'aria-live': 'polite'});
  const rateChart = lineChart({title: 'Records per second', unit: '/s'});
  const lagChart = lineChart({title: 'Lag (records)'});
  const partitions = h('div');
  const dlq = h('section', {class: 'card', 'aria-labelledby': 'dlq-title'});
  const replayBox = h('section', {class: 'card', 'aria-labelledby': 'replay-title'});
  clear(root);
  root.append(
    pageHeader(name, h('a', {href: '#/jobs'}, '← All jobs')),
    h('div', {class: 'stack'},
      summary,
      h('div', {class: 'grid-2'}, rateChart, lagChart),
      h('section', {class: 'card'}, h('h2', null, 'Partitions'), partitions),
      replayBox, dlq));
  let timer = null;
  let stopped = false;
  let dlqShown = false;
  const path = '/api/console/jobs/' + encodeURIComponent(name);

  async function refresh() {
    try {
      const [job, series] = await Promise.all([api(path), api(path + '/series')]);
      if (stopped) return;
      showJob(job);
      rateChart.update([
        {label: 'consumed', points: series.consumed_per_s},
        {label: 'stored', points: series.stored_per_s},
        {label: 'dead letters', points: series.dead_letters_per_s},
      ]);
      lagChart.update([{label: 'lag', points: series.lag}]);
      if (!dlqShown) {
        dlqShown = true;
        renderReplay(replayBox, job, refresh);
        renderDeadLetters(dlq, name, job.dead_letter_topic);
      }
    } catch (err) {
      if (stopped) return;
      replace(summary, isNotConfigured(err) ? notConfigured('The pipeline') : errorBox(err));
    }
    if (!stopped) {
      clearTimeout(timer);
      timer = setTimeout(refresh, REFRESH_MS);
    }
  }

  function showJob(j) {
    replace(summary, kv([
      ['State', stateBadge(j.state)],
      ...(j.error ? [['Error', h('span', {class: 'mono'}, j.error)]] : []),
      ['Topic', h('span', {class: 'mono'}, j.topic)],
      ['Table', h('a', {href: '#/tables/' + j.table.split('.').map(encodeURIComponent).join('/'),
        class: 'mono'}, j.table)],
      ['Consumer group', h('span', {class: 'mono'}, j.group)],
      ['Dead-letter topic', h('span', {class: 'mono'}, j.dead_letter_topic)],
      ['Rate', j.rate_per_s === null ? '–' : formatRate(j.rate_per_s)],
      ['Lag', formatNumber(j.lag)],
      ['Consumed / stored / dead letters (this run)',
        formatNumber(j.consumed) + ' / ' + formatNumber(j.stored) + ' / ' +
        formatNumber(j.dead_letters)],
    ]));
    replace(partitions, simpleTable([
      {key: 'partition', title: 'Partition', numeric: true},
      {key: 'committed', title: 'Committed', numeric: true,
        render: (p) => p.committed === null ? 'none' : String(p.committed)},
      {key: 'start_offset', title: 'Start', numeric: true},
      {key: 'end_offset', title: 'End', numeric: true},
      {key: 'lag', title: 'Lag', numeric: true},
      {key: 'stored', title: 'Rows stored', numeric: true},
      {key: 'dead_letters', title: 'Dead letters', numeric: true},
    ], j.partitions, {empty: 'The job has not committed yet.'}));
  }

  refresh();
  return () => { stopped = true; clearTimeout(timer); };
}

// The replay form: where to move the offsets, which partitions; a confirmation first.
function renderReplay(box, job, onDone) {
  const to = h('select', {name: 'to'},
    h('option', {value: 'earliest'}, 'Earliest (replay everything still in the log)'),
    h('option', {value: 'latest'}, 'Latest (skip everything in the log now)'),
    h('option', {value: 'offset'}, 'An offset'),
    h('option', {value: 'time'}, 'A time'));
  const offset = h('input', {type: 'number', name: 'offset', min: '0', value: '0'});
  const time = h('input', {type: 'datetime-local', name: 'time', step: '1'});
  const partition = h('select', {name: 'partition'}, h('option', {value: ''}, 'Every partition'),
    job.partitions.map((p) => h('option', {value: String(p.partition)}, 'Partition ' + p.partition)));
  const offsetField = field('Offset', offset);
  const timeField = field('Time (local)', time);
  const result = h('div', {'aria-live': 'polite'});
  const button = h('button', {type: 'submit', class: 'danger'}, 'Replay…');
  const sync = () => {
    offsetField.hidden = to.value !== 'offset';
    timeField.hidden = to.value !== 'time';
  };
  to.addEventListener('change', sync);
  sync();
  const form = h('form', {class: 'toolbar', onsubmit: async (e) => {
    e.preventDefault();
    const body = {to: to.value};
    let where = to.value;
    if (to.value === 'offset') {
      body.offset = Number(offset.value);
      where = 'offset ' + body.offset;
    } else if (to.value === 'time') {
      const ms = new Date(time.value).getTime();
      if (!time.value || Number.isNaN(ms)) {
        replace(result, errorBox('Choose a time to replay from.'));
        return;
      }
      body.time_ms = ms;
      where = formatTime(ms);
    }
    if (partition.value !== '') body.partition = Number(partition.value);
    const which = partition.value === '' ? 'every partition' : 'partition ' + partition.value;
    const ok = await confirmDialog('Replay job ' + job.name + ' from ' + where + ' on ' + which +
      '? The job stops, its committed offsets move, and it starts again; rows already stored ' +
      'are overwritten by the replayed ones.', {confirmLabel: 'Replay'});
    if (!ok) return;
    button.disabled = true;
    try {
      const after = await api('/api/console/jobs/' + encodeURIComponent(job.name) + '/replay',
        {method: 'POST', body});
      replace(result, h('p', {role: 'status'}, 'Offsets moved; lag now ' + formatNumber(after.lag) + '.'));
      onDone();
    } catch (err) {
      replace(result, errorBox(err));
    } finally {
      button.disabled = false;
    }
  }}, field('Replay from', to), offsetField, timeField, field('Partitions', partition), button);
  replace(box, h('h2', {id: 'replay-title'}, 'Replay'),
    h('p', {class: 'muted'}, 'As `kappa jobs reset`: move the job\'s committed offsets.'),
    form, result);
}

// Dead letters of the job, one partition of its dead-letter topic at a time, paged by offset.
function renderDeadLetters(box, name, topic) {
  const partitionSelect = h('select', {name: 'dlq-partition'});
  const tableSlot = h('div');
  const info = h('p', {class: 'muted'});
  const base = '/api/console/jobs/' + encodeURIComponent(name) + '/dead-letters';
  let known = 0;

  function show(partition) {
    replace(tableSlot, pagedTable({
      empty: 'No dead letters in this partition.',
      fetchPage: async (cursor) => {
        const r = await api(base, {query: {partition, limit: 20, cursor: cursor ?? undefined}});
        if (r.partitions !== known) {
          known = r.partitions;
          replace(partitionSelect, Array.from({length: known}, (_, i) =>
            h('option', {value: String(i), selected: i === partition}, 'Partition ' + i)));
        }
        replace(info, 'Topic ' + topic + ', partition ' + r.partition + ': offsets ' +
          r.start_offset + ' to ' + r.end_offset + '.');
        return r;
      },
      columns: [
        {key: 'offset', title: 'Offset', numeric: true},
        {key: 'timestamp_ms', title: 'Time', render: (d) => formatTime(d.timestamp_ms)},
        {key: 'error', title: 'Error', render: (d) => h('span', {class: 'mono'}, d.error ?? '')},
        {key: 'key', title: 'Key', render: (d) => d.key === null
          ? h('span', {class: 'muted'}, 'null') : h('span', {class: 'mono'}, d.key)},
        {key: 'headers', title: 'Headers', render: (d) => h('ul', {class: 'headers'},
          d.headers.map((x) => h('li', null, h('span', {class: 'mono'}, x.key), ': ',
            x.value === null ? h('span', {class: 'muted'}, 'null') : h('span', {class: 'mono'}, x.value))))},
        {key: 'value', title: 'Value', render: (d) => valueView(d.value)},
      ],
    }));
  }
  partitionSelect.addEventListener('change', () => show(Number(partitionSelect.value)));
  replace(box, h('h2', {id: 'dlq-title'}, 'Dead letters'),
    h('p', {class: 'muted'}, 'Records the job could not store, with the error that stopped ' +
      'each (its `error` header).'), h('div', {class: 'toolbar'}, field('Partition', partitionSelect)),
    info, tableSlot);
  show(0);
}

// A value pretty-printed when it is JSON, else as text.
function valueView(v) {
  if (v === null) return h('span', {class: 'muted'}, 'null');
  try {
    const parsed = JSON.parse(v);
    if (parsed !== null && typeof parsed === 'object') return jsonView(parsed);
  } catch { /* not JSON: shown as text */ }
  return h('pre', {class: 'json'}, v);
}
