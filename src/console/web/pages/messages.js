// Message browser: a topic's messages from an offset, a time, the start or the end, in one
// partition or all; key, headers, timestamp and the value (JSON pretty-printed, Avro decoded
// through the schema registry); a substring or JSON-field filter in a bounded scan; paging by
// the server's cursor; and a form to produce a message. API:
// /api/console/topics/{topic}/messages (docs/formats/console-api.md, "Messages").
// Every key, header and value is shown as text (lib/dom.js), never as markup.

import {h, clear, replace} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {errorBox, field, formatNumber, formatTime, jsonView, loading, pageHeader}
  from '../lib/ui.js';

const enc = encodeURIComponent;

// Shows or hides an element (the `hidden` attribute loses to the CSS display of .form and
// .field, so the display is set directly).
function show(el, visible) {
  el.style.display = visible ? '' : 'none';
}

function opt(value, label, selected) {
  return h('option', {value, selected: selected || false}, label);
}

// "k: v" lines -> [{key, value}].
function parseHeaders(text) {
  const out = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const i = line.indexOf(':');
    if (i <= 0) throw new Error('header "' + line + '" is not "key: value"');
    out.push({key: line.slice(0, i).trim(), value: line.slice(i + 1).trim()});
  }
  return out;
}

function valueView(m) {
  if (m.value === null) return h('span', {class: 'muted'}, 'null');
  const notes = [];
  if (m.value_format === 'avro') notes.push('Avro, schema ' + m.schema_id);
  if (m.value_format === 'json-schema') notes.push('JSON Schema, schema ' + m.schema_id);
  if (m.value_format === 'protobuf') notes.push('Protobuf, schema ' + m.schema_id);
  if (m.value_binary) notes.push('binary, ' + m.value_size + ' bytes');
  if (m.truncated) notes.push('cut for display: the first 64 KiB of ' + m.value_size + ' bytes shown');
  if (m.value_error) notes.push(m.value_error);
  const view = m.value_json !== null && m.value_json !== undefined
    ? jsonView(m.value_json) : h('pre', {class: 'value-text'}, m.value);
  return h('div', null,
    notes.length ? h('div', {class: 'muted'}, notes.join(' · ')) : null, view);
}

function messageRow(m) {
  const headers = m.headers.length === 0 ? h('span', {class: 'muted'}, '–')
    : h('ul', {class: 'headers'}, m.headers.map((x) => h('li', null,
      h('span', {class: 'mono'}, x.key), ': ',
      x.value === null ? h('span', {class: 'muted'}, 'null') : h('span', {class: 'mono'}, x.value))));
  return h('tr', {class: 'message'},
    h('td', {class: 'num'}, String(m.partition)),
    h('td', {class: 'num'}, String(m.offset)),
    h('td', null, formatTime(m.timestamp)),
    h('td', {class: 'mono msg-key'}, m.key === null ? h('span', {class: 'muted'}, 'null') : m.key),
    h('td', {class: 'msg-headers'}, headers),
    h('td', {class: 'msg-value'}, valueView(m)));
}

function produceForm(topic, partitions, onProduced) {
  const partition = h('select', {name: 'partition'}, opt('', 'By key (default partitioner)'),
    partitions.map((p) => opt(String(p), String(p))));
  const key = h('input', {name: 'key', autocomplete: 'off'});
  const value = h('textarea', {name: 'value', rows: '5', class: 'mono'});
  const headers = h('textarea', {name: 'headers', rows: '2', class: 'mono',
    placeholder: 'source: console'});
  const status = h('div', {'aria-live': 'polite'});
  const form = h('form', {class: 'form card', 'aria-label': 'Produce a message'},
    field('Partition', partition), field('Key', key, 'Empty: a null key'),
    field('Value', value), field('Headers', headers, 'One "key: value" per line'),
    h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, 'Produce')),
    status);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(status);
    try {
      const body = {key: key.value === '' ? null : key.value, value: value.value,
        headers: parseHeaders(headers.value)};
      if (partition.value !== '') body.partition = Number(partition.value);
      const r = await api('/api/console/topics/' + enc(topic) + '/messages',
        {method: 'POST', body});
      status.appendChild(h('div', {class: 'muted', role: 'status'},
        'Produced to partition ' + r.partition + ' at offset ' + r.offset + '.'));
      onProduced();
    } catch (err) {
      status.appendChild(errorBox(err));
    }
  });
  return form;
}

async function renderBrowser(root, topic) {
  const errorSlot = h('div');
  root.append(pageHeader('Messages of ' + topic,
    h('a', {href: '#/topics/' + enc(topic)}, 'Topic details')), errorSlot);
  let info;
  try {
    info = await api('/api/console/topics/' + enc(topic));
  } catch (err) {
    errorSlot.appendChild(errorBox(err));
    return;
  }
  const partitions = info.partition_list.map((p) => p.partition);
  const partition = h('select', {name: 'partition'}, opt('all', 'All'),
    partitions.map((p) => opt(String(p), String(p))));
  const from = h('select', {name: 'from'}, opt('start', 'Start'), opt('end', 'End (newest)', true),
    opt('offset', 'Offset'), opt('time', 'Time'));
  const offset = h('input', {name: 'offset', type: 'number', min: '0', value: '0'});
  const time = h('input', {name: 'time', type: 'datetime-local', step: '1'});
  const limit = h('select', {name: 'limit'}, ['20', '50', '100', '500'].map((n) =>
    opt(n, n, n === '50')));
  const q = h('input', {name: 'q', type: 'search', placeholder: 'text in key, value or headers'});
  const fieldPath = h('input', {name: 'field', placeholder: 'user.address.city'});
  const fieldValue = h('input', {name: 'value'});
  const offsetField = field('Offset', offset);
  const timeField = field('Time', time);
  const syncFrom = () => {
    show(offsetField, from.value === 'offset');
    show(timeField, from.value === 'time');
  };
  from.addEventListener('change', syncFrom);
  syncFrom();
  const load = h('button', {type: 'submit', class: 'primary'}, 'Load');
  const controls = h('form', {class: 'toolbar', 'aria-label': 'Where to read'},
    field('Partition', partition), field('From', from), offsetField, timeField,
    field('Limit', limit), field('Contains', q), field('JSON field', fieldPath),
    field('equals', fieldValue), load);
  const status = h('div', {class: 'muted', 'aria-live': 'polite'});
  const tbody = h('tbody');
  const table = h('table', {class: 'data messages'},
    h('thead', null, h('tr', null, ['Partition', 'Offset', 'Timestamp', 'Key', 'Headers', 'Value']
      .map((t) => h('th', {scope: 'col'}, t)))), tbody);
  const more = h('button', {type: 'button', disabled: true}, 'Next page →');
  let next = null;

  function query(cursor) {
    const base = {limit: limit.value, q: q.value, field: fieldPath.value.trim(),
      value: fieldPath.value.trim() ? fieldValue.value : ''};
    if (cursor) return {...base, cursor};
    base.partition = partition.value;
    base.from = from.value;
    if (from.value === 'offset') base.offset = offset.value;
    if (from.value === 'time' && time.value) base.time = new Date(time.value).getTime();
    return base;
  }

  async function fetchPage(cursor) {
    clear(errorSlot);
    more.disabled = true;
    if (!cursor) replace(tbody, h('tr', null, h('td', {colspan: '6'}, loading())));
    let r;
    try {
      r = await api('/api/console/topics/' + enc(topic) + '/messages', {query: query(cursor)});
    } catch (err) {
      if (!cursor) clear(tbody);
      errorSlot.appendChild(errorBox(err));
      more.disabled = next === null;
      return;
    }
    clear(tbody);
    if (r.items.length === 0) {
      tbody.appendChild(h('tr', null, h('td', {colspan: '6', class: 'empty'},
        'No messages' + (q.value || fieldPath.value ? ' matched' : '') + '.')));
    }
    for (const m of r.items) tbody.appendChild(messageRow(m));
    next = r.next_cursor;
    more.disabled = next === null;
    status.textContent = r.items.length + (r.items.length === 1 ? ' message · ' : ' messages · ') +
      formatNumber(r.scanned) + ' examined' + (r.exhausted ? ' · end of the topic reached' : '');
  }
  controls.addEventListener('submit', (e) => { e.preventDefault(); next = null; fetchPage(null); });
  more.addEventListener('click', () => { if (next) fetchPage(next); });

  root.append(controls, status, h('div', {class: 'table-scroll'}, table),
    h('div', {class: 'pager'}, more), h('h2', null, 'Produce a message'),
    produceForm(topic, partitions, () => fetchPage(null)));
  fetchPage(null);
}

async function renderPicker(root) {
  root.append(pageHeader('Messages'));
  const slot = h('div', null, loading());
  root.append(slot);
  try {
    const r = await api('/api/console/topics', {query: {limit: 500}});
    const list = h('ul', {class: 'topic-picker'}, r.items.map((t) => h('li', null,
      h('a', {href: '#/messages/' + enc(t.name), class: 'mono'}, t.name), ' ',
      h('span', {class: 'muted'}, formatNumber(t.messages) + ' messages'))));
    replace(slot, h('p', null, 'Choose a topic:'), r.items.length ? list
      : h('div', {class: 'empty'}, 'No topics.'),
    r.next_cursor ? h('p', {class: 'muted'}, 'The first 500 topics; open others from Topics.') : null);
  } catch (err) {
    replace(slot, errorBox(err));
  }
}

export default {
  render(root, params) {
    if (params.length > 0) renderBrowser(root, params[0]);
    else renderPicker(root);
  },
};
