// Consumer groups: the list (state, members, topics, total lag; paged by the server) and a
// group's page: members with their assigned partitions, committed offsets and lag per
// partition, the lag chart (the metrics history's kappa_group_lag_records), and resetting
// the offsets of an inactive group (earliest, latest, a time or an offset; the server
// answers 409 while the group has members). API: /api/console/groups
// (docs/formats/console-api.md, "Consumer groups").

import {h, clear, replace} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {lineChart} from '../lib/chart.js';
import {pagedTable, simpleTable} from '../lib/table.js';
import {confirmDialog, errorBox, field, formatNumber, kv, loading, pageHeader, stateBadge}
  from '../lib/ui.js';

const enc = encodeURIComponent;

// Shows or hides an element (the `hidden` attribute loses to the CSS display of .form and
// .field, so the display is set directly).
function show(el, visible) {
  el.style.display = visible ? '' : 'none';
}

function renderList(root) {
  const table = pagedTable({
    caption: 'Consumer groups: live ones and those known by their committed offsets',
    columns: [
      {key: 'name', title: 'Group',
        render: (g) => h('a', {href: '#/groups/' + enc(g.name), class: 'mono'}, g.name)},
      {key: 'state', title: 'State', render: (g) => stateBadge(g.state)},
      {key: 'members', title: 'Members', numeric: true},
      {key: 'topics', title: 'Topics', render: (g) => g.topics.join(', ')},
      {key: 'lag', title: 'Lag', numeric: true, render: (g) => formatNumber(g.lag)},
    ],
    fetchPage: (cursor) => api('/api/console/groups', {query: {limit: 50, cursor}}),
    empty: 'No consumer groups.',
  });
  root.append(pageHeader('Consumer groups'), table);
  const timer = setInterval(() => table.refresh(), 5000);
  return () => clearInterval(timer);
}

function resetForm(name, topics, onDone) {
  const to = h('select', {name: 'to'},
    h('option', {value: 'earliest'}, 'Earliest (re-read everything)'),
    h('option', {value: 'latest'}, 'Latest (skip everything)'),
    h('option', {value: 'time'}, 'Time'),
    h('option', {value: 'offset'}, 'Offset'));
  const time = h('input', {name: 'time', type: 'datetime-local', step: '1'});
  const offset = h('input', {name: 'offset', type: 'number', min: '0', value: '0'});
  const topic = h('select', {name: 'topic'}, h('option', {value: ''}, 'Every committed topic'),
    topics.map((t) => h('option', {value: t}, t)));
  const timeField = field('Time', time);
  const offsetField = field('Offset', offset, 'Clamped to each partition\'s stored range');
  const sync = () => {
    show(timeField, to.value === 'time');
    show(offsetField, to.value === 'offset');
  };
  to.addEventListener('change', sync);
  sync();
  const status = h('div', {'aria-live': 'polite'});
  const form = h('form', {class: 'form card', 'aria-label': 'Reset offsets'},
    h('p', {class: 'muted'}, 'Only for a group without active members: stop its consumers first.'),
    field('To', to), timeField, offsetField, field('Topic', topic),
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'danger'}, 'Reset offsets')),
    status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(status);
    const body = {to: to.value};
    if (to.value === 'time') {
      if (!time.value) { status.appendChild(errorBox('choose a time')); return; }
      body.time = new Date(time.value).getTime();
    }
    if (to.value === 'offset') body.offset = Number(offset.value);
    if (topic.value) body.topic = topic.value;
    const what = topic.value ? 'topic ' + topic.value : 'every topic it committed to';
    if (!await confirmDialog('Move the committed offsets of group "' + name + '" on ' + what +
      ' to ' + to.selectedOptions[0].textContent + '?', {confirmLabel: 'Reset'})) return;
    try {
      await api('/api/console/groups/' + enc(name) + '/reset', {method: 'POST', body});
      status.appendChild(h('div', {role: 'status', class: 'muted'}, 'Offsets reset.'));
      onDone();
    } catch (err) {
      status.appendChild(errorBox(err));
    }
  });
  return form;
}

function renderGroup(root, name) {
  const errorSlot = h('div');
  const summary = h('div', null, loading());
  const chart = lineChart({title: 'Lag (records) by topic', unit: ''});
  const members = h('div');
  const offsets = h('div');
  const resetSlot = h('div');
  root.append(pageHeader('Group ' + name), errorSlot, summary, chart,
    h('h2', null, 'Members'), members, h('h2', null, 'Committed offsets and lag'), offsets,
    h('h2', null, 'Reset offsets'), resetSlot);

  let resetShown = false;
  async function load() {
    let g;
    try {
      g = await api('/api/console/groups/' + enc(name));
    } catch (err) {
      replace(errorSlot, errorBox(err));
      return;
    }
    clear(errorSlot);
    replace(summary, h('div', {class: 'card'}, kv([
      ['State', stateBadge(g.state)],
      ['Members', String(g.members.length)],
      ['Protocol', (g.protocol_type || '–') + (g.protocol ? ' / ' + g.protocol : '')],
      ['Generation', String(g.generation)],
      ['Total lag', h('span', {id: 'group-lag'}, formatNumber(g.lag))],
    ])));
    replace(members, simpleTable([
      {key: 'client_id', title: 'Client', render: (m) => h('span', {class: 'mono'}, m.client_id)},
      {key: 'client_host', title: 'Host'},
      {key: 'member_id', title: 'Member id', render: (m) => h('span', {class: 'mono'}, m.member_id)},
      {key: 'assignment', title: 'Assigned partitions', render: (m) => m.assignment.map((a) =>
        a.topic + ': ' + a.partitions.join(', ')).join('; ') || '–'},
    ], g.members, {empty: 'No active members.'}));
    replace(offsets, simpleTable([
      {key: 'topic', title: 'Topic',
        render: (o) => h('a', {href: '#/topics/' + enc(o.topic), class: 'mono'}, o.topic)},
      {key: 'partition', title: 'Partition', numeric: true},
      {key: 'committed', title: 'Committed', numeric: true},
      {key: 'end_offset', title: 'End', numeric: true},
      {key: 'lag', title: 'Lag', numeric: true},
      {key: 'member', title: 'Read by', render: (o) => o.member ?? '–'},
    ], g.offsets, {empty: 'No committed offsets.'}));
    if (!resetShown) {
      resetShown = true;
      const topics = [...new Set(g.offsets.map((o) => o.topic))];
      resetSlot.appendChild(resetForm(name, topics, load));
    }
    try {
      const lag = await api('/api/console/groups/' + enc(name) + '/lag');
      chart.update(lag.series);
    } catch (err) {
      // The chart keeps its last figures; the table above says what is wrong, if anything.
    }
  }
  load();
  const timer = setInterval(load, 5000);
  return () => { clearInterval(timer); chart.destroy(); };
}

export default {
  render(root, params) {
    if (params.length > 0) return renderGroup(root, params[0]);
    return renderList(root);
  },
};
