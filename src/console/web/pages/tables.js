// Tables: keyspaces and tables of the store (#/tables), one table (#/tables/KS/TABLE) with
// its schema as CQL DDL and its rows paged by the server, and a CQL query box whose results
// page through the server's paging state (errors shown inline). API: /api/console/tables/...
// (docs/formats/console-api.md, "Tables"). Every value renders as text.

import {h, clear, replace} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {pagedTable, simpleTable} from '../lib/table.js';
import {errorBox, field, pageHeader, notConfigured} from '../lib/ui.js';

const PAGE_ROWS = 50;

const tableHref = (ks, t) => '#/tables/' + encodeURIComponent(ks) + '/' + encodeURIComponent(t);

export default {
  render(root, params) {
    if (params.length >= 2) return renderTable(root, params[0], params[1]);
    return renderKeyspaces(root);
  },
};

function isNotConfigured(err) {
  return err && err.status === 404 && /no pipeline/.test(err.message || '');
}

// Columns of a result as table.js columns; cells are arrays aligned with them. A null cell
// shows as a muted "null", as cqlsh prints it.
function gridColumns(columns) {
  return columns.map((c, i) => ({
    key: i,
    title: c.name,
    render: (row) => row[i] === null ? h('span', {class: 'muted'}, 'null')
      : h('span', {class: 'mono'}, row[i]),
  }));
}

// ---- keyspaces -----------------------------------------------------------------------------

function renderKeyspaces(root) {
  const body = h('div');
  clear(root);
  root.append(pageHeader('Tables'), h('div', {class: 'stack'}, body, queryBox('')));
  let stopped = false;
  api('/api/console/tables').then((r) => {
    if (stopped) return;
    replace(body, r.items.length === 0 ? h('p', {class: 'empty'}, 'No keyspaces yet.')
      : h('div', {class: 'grid-2'}, r.items.map((ks) => h('section', {class: 'card'},
        h('h2', null, ks.name),
        ks.tables.length === 0 ? h('p', {class: 'muted'}, 'No tables.')
          : h('ul', {class: 'links'}, ks.tables.map((t) =>
            h('li', null, h('a', {href: tableHref(ks.name, t), class: 'mono'}, t)))),
        h('details', null, h('summary', null, 'CREATE KEYSPACE'),
          h('pre', {class: 'ddl'}, ks.ddl))))));
  }).catch((err) => {
    if (!stopped) replace(body, isNotConfigured(err) ? notConfigured('The store') : errorBox(err));
  });
  return () => { stopped = true; };
}

// ---- one table -----------------------------------------------------------------------------

function renderTable(root, ks, table) {
  const schema = h('div');
  const rows = h('div');
  const base = '/api/console/tables/' + encodeURIComponent(ks) + '/' + encodeURIComponent(table);
  clear(root);
  root.append(
    pageHeader(ks + '.' + table, h('a', {href: '#/tables'}, '← All tables')),
    h('div', {class: 'stack'},
      h('section', {class: 'card'}, h('h2', null, 'Schema'), schema),
      h('section', {class: 'card'}, h('h2', null, 'Rows'),
        h('p', {class: 'muted'}, 'In token order, ' + PAGE_ROWS + ' a page, paged by the server.'),
        rows),
      queryBox(ks, 'SELECT * FROM ' + ks + '.' + table + ';')));
  let stopped = false;
  api(base).then((t) => {
    if (stopped) return;
    replace(schema, h('pre', {class: 'ddl'}, t.ddl), simpleTable([
      {key: 'name', title: 'Column', render: (c) => h('span', {class: 'mono'}, c.name)},
      {key: 'type', title: 'Type', render: (c) => h('span', {class: 'mono'}, c.type)},
      {key: 'kind', title: 'Kind'},
    ], t.columns));
    replace(rows, pagedTable({
      columns: gridColumns(t.columns),
      empty: 'The table is empty.',
      fetchPage: (cursor) => api(base + '/rows', {query: {limit: PAGE_ROWS, cursor: cursor ?? undefined}}),
    }));
  }).catch((err) => {
    if (stopped) return;
    replace(schema, isNotConfigured(err) ? notConfigured('The store') : errorBox(err));
  });
  return () => { stopped = true; };
}

// ---- the query box -------------------------------------------------------------------------

// One CQL statement at a time, as cqlsh runs it; Ctrl+Enter runs. A SELECT's rows page
// through the server (the next page re-runs the statement from the paging state).
function queryBox(keyspace, initial = '') {
  const text = h('textarea', {name: 'cql', rows: '4', spellcheck: 'false', class: 'mono',
    placeholder: 'SELECT * FROM keyspace.table;'});
  text.value = initial;
  const ks = h('input', {name: 'keyspace', value: keyspace, placeholder: 'none', size: '16',
    class: 'mono'});
  const run = h('button', {type: 'submit', class: 'primary'}, 'Run');
  const out = h('div', {class: 'query-result', 'aria-live': 'polite'});
  let seq = 0;

  async function execute() {
    const statement = text.value;
    const mine = ++seq;
    run.disabled = true;
    const call = (cursor) => api('/api/console/tables/query', {method: 'POST',
      body: {statement, keyspace: ks.value, cursor: cursor ?? '', limit: PAGE_ROWS}});
    try {
      const first = await call(null);
      if (mine !== seq) return;
      if (first.keyspace !== undefined && first.keyspace !== ks.value) ks.value = first.keyspace;
      if (first.kind !== 'rows') {
        replace(out, h('p', {role: 'status'}, first.message || 'OK'));
        return;
      }
      replace(out, pagedTable({
        columns: gridColumns(first.columns),
        empty: 'No rows.',
        fetchPage: (cursor) => cursor === null ? Promise.resolve(first) : call(cursor),
      }));
    } catch (err) {
      if (mine === seq) replace(out, errorBox(err));
    } finally {
      if (mine === seq) run.disabled = false;
    }
  }

  text.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      execute();
    }
  });
  return h('section', {class: 'card', 'aria-labelledby': 'cql-title'},
    h('h2', {id: 'cql-title'}, 'CQL query'),
    h('form', {onsubmit: (e) => { e.preventDefault(); execute(); }},
      field('Statement', text, 'One statement; Ctrl+Enter runs it.'),
      h('div', {class: 'toolbar'}, field('Keyspace', ks), run)),
    out);
}
