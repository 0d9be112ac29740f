// Topics: the list (partitions, messages, size, retention, throughput; paged by the server),
// creating a topic, and a topic's page (partitions, configs, the consumer groups reading it,
// its throughput chart; delete with confirmation). API: /api/console/topics
// (docs/formats/console-api.md, "Topics").

import {h, clear, replace} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {lineChart} from '../lib/chart.js';
import {pagedTable, simpleTable} from '../lib/table.js';
import {confirmDialog, errorBox, field, formatBytes, formatDuration, formatNumber, formatRate,
  loading, pageHeader, stateBadge} from '../lib/ui.js';

const enc = encodeURIComponent;

// Shows or hides an element (the `hidden` attribute loses to the CSS display of .form and
// .field, so the display is set directly).
function show(el, visible) {
  el.style.display = visible ? '' : 'none';
}

// retention.ms / retention.bytes as a reader wants them ("7d 0h", "unlimited").
function retention(t) {
  const time = t.retention_ms > 0 ? formatDuration(t.retention_ms / 1000) : 'unlimited';
  const size = t.retention_bytes > 0 ? formatBytes(t.retention_bytes) + ' / partition' : null;
  return size ? time + ', ' + size : time;
}

function topicLink(name) {
  return h('a', {href: '#/topics/' + enc(name), class: 'mono'}, name);
}

function createForm(onCreated) {
  const name = h('input', {name: 'name', required: true, autocomplete: 'off',
    pattern: '[a-zA-Z0-9._\\-]{1,249}'});
  const partitions = h('input', {name: 'partitions', type: 'number', min: '1', value: '1'});
  const retentionMs = h('input', {name: 'retention_ms', type: 'number', min: '-1',
    placeholder: 'default (7 days)'});
  const status = h('div', {'aria-live': 'polite'});
  const form = h('form', {class: 'form card', 'aria-label': 'Create topic', style: {display: 'none'}},
    h('h2', null, 'Create topic'),
    field('Name', name, 'Letters, digits, ".", "_" and "-"'),
    field('Partitions', partitions),
    field('Retention (ms)', retentionMs, '-1 keeps messages forever'),
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, 'Create'),
      h('button', {type: 'button', onclick: () => { show(form, false); }}, 'Cancel')),
    status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(status);
    const body = {name: name.value.trim(), partitions: Number(partitions.value || 1)};
    if (retentionMs.value !== '') body.configs = {'retention.ms': retentionMs.value};
    try {
      await api('/api/console/topics', {method: 'POST', body});
      form.reset();
      show(form, false);
      onCreated(body.name);
    } catch (err) {
      status.appendChild(errorBox(err));
    }
  });
  return form;
}

function renderList(root) {
  const search = h('input', {type: 'search', name: 'q', placeholder: 'Filter by name'});
  let q = '';
  const table = pagedTable({
    caption: 'Topics of the log',
    columns: [
      {key: 'name', title: 'Topic', render: (t) => topicLink(t.name)},
      {key: 'partitions', title: 'Partitions', numeric: true},
      {key: 'messages', title: 'Messages', numeric: true, render: (t) => formatNumber(t.messages)},
      {key: 'bytes', title: 'Size', numeric: true, render: (t) => formatBytes(t.bytes)},
      {key: 'retention', title: 'Retention', render: retention},
      {key: 'records_per_second', title: 'In (records/s)', numeric: true,
        render: (t) => formatRate(t.records_per_second)},
      {key: 'bytes_per_second', title: 'In (bytes/s)', numeric: true,
        render: (t) => formatBytes(t.bytes_per_second) + '/s'},
    ],
    fetchPage: (cursor) => api('/api/console/topics', {query: {limit: 50, cursor, q}}),
    empty: 'No topics.',
  });
  let timer = null;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { q = search.value.trim(); table.reload(); }, 200);
  });
  const form = createForm((name) => { location.hash = '#/topics/' + enc(name); });
  const create = h('button', {type: 'button', class: 'primary',
    onclick: () => { show(form, true); form.querySelector('input').focus(); }}, 'Create topic');
  root.append(pageHeader('Topics', create), form,
    h('div', {class: 'toolbar'}, field('Filter', search)), table);
  // Throughput and offsets move: refresh the page shown every 5 s.
  const refresh = setInterval(() => table.refresh(), 5000);
  return () => { clearInterval(refresh); clearTimeout(timer); };
}

function renderTopic(root, name) {
  const body = h('div', null, loading());
  const chart = lineChart({title: 'Appended (records/s)', unit: '/s'});
  const browse = h('a', {href: '#/messages/' + enc(name), class: 'button'}, 'Browse messages');
  const del = h('button', {type: 'button', class: 'danger'}, 'Delete topic');
  const errorSlot = h('div');
  del.addEventListener('click', async () => {
    const ok = await confirmDialog('Delete topic "' + name + '" and all its messages? ' +
      'This cannot be undone.', {confirmLabel: 'Delete'});
    if (!ok) return;
    try {
      await api('/api/console/topics/' + enc(name), {method: 'DELETE'});
      location.hash = '#/topics';
    } catch (err) {
      replace(errorSlot, errorBox(err));
    }
  });
  root.append(pageHeader('Topic ' + name, browse, del), errorSlot, body);

  async function load(first) {
    let t;
    try {
      t = await api('/api/console/topics/' + enc(name));
    } catch (err) {
      if (first) replace(body, errorBox(err));
      return;
    }
    chart.update([{label: 'records/s', points: t.throughput.records}]);
    if (!first) return;
    const configs = t.configs.slice().sort((a, b) => (a.is_default - b.is_default) ||
      a.name.localeCompare(b.name));
    replace(body,
      h('div', {class: 'cards'},
        card('Partitions', formatNumber(t.partitions)),
        card('Messages', formatNumber(t.messages)),
        card('Size', formatBytes(t.bytes)),
        card('Retention', retention(t)),
        card('In', formatRate(t.records_per_second))),
      chart,
      h('h2', null, 'Partitions'),
      simpleTable([
        {key: 'partition', title: 'Partition', numeric: true},
        {key: 'start_offset', title: 'Start offset', numeric: true},
        {key: 'end_offset', title: 'End offset', numeric: true},
        {key: 'messages', title: 'Messages', numeric: true},
        {key: 'bytes', title: 'Size', numeric: true, render: (p) => formatBytes(p.bytes)},
        {key: 'segments', title: 'Segments', numeric: true},
      ], t.partition_list),
      h('h2', null, 'Consumer groups reading it'),
      simpleTable([
        {key: 'group', title: 'Group',
          render: (g) => h('a', {href: '#/groups/' + enc(g.group), class: 'mono'}, g.group)},
        {key: 'state', title: 'State', render: (g) => stateBadge(g.state)},
        {key: 'members', title: 'Members', numeric: true},
        {key: 'committed_partitions', title: 'Committed partitions', numeric: true},
        {key: 'lag', title: 'Lag', numeric: true},
      ], t.groups, {empty: 'No consumer group has committed offsets on this topic.'}),
      h('h2', null, 'Configs'),
      simpleTable([
        {key: 'name', title: 'Name', render: (c) => h('span', {class: 'mono'}, c.name)},
        {key: 'value', title: 'Value', render: (c) => h('span', {class: 'mono'}, c.value)},
        {key: 'is_default', title: 'Source', render: (c) => c.is_default ? 'default' : 'set'},
      ], configs));
  }
  load(true);
  const timer = setInterval(() => load(false), 5000);
  return () => { clearInterval(timer); chart.destroy(); };
}

function card(label, value) {
  return h('div', {class: 'card stat'}, h('div', {class: 'stat-label'}, label),
    h('div', {class: 'stat-value'}, value));
}

export default {
  render(root, params) {
    if (params.length > 0) return renderTopic(root, params[0]);
    return renderList(root);
  },
};
