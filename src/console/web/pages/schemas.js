// Schemas: the schema registry's subjects, a subject's versions and schema text, and a diff
// between two versions with the registry's own compatibility verdict (GET
// /api/console/schemas/..., docs/formats/console-api.md). Routes:
//   #/schemas                       subjects (paged; prefix filter; deleted ones on request)
//   #/schemas/SUBJECT[/VERSION]     a subject: settings, versions, one version's schema
//   #/schemas/SUBJECT/diff/A/B      a subject with the diff of version A -> B
// Every subject name and schema text is shown as text (lib/dom.js).

import {h, clear, replace} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {pagedTable} from '../lib/table.js';
import {errorBox, field, kv, loading, notConfigured, pageHeader, stateBadge} from '../lib/ui.js';

const enc = encodeURIComponent;
const subjectPath = (s) => '/api/console/schemas/subjects/' + enc(s);
const subjectHash = (s) => '#/schemas/' + enc(s);

function showError(slot, err, what) {
  clear(slot).appendChild(err && err.status === 503 ? notConfigured(what) : errorBox(err));
}

function renderList(root, ctx) {
  const prefix = h('input', {type: 'search', name: 'filter', placeholder: 'users-',
    autocomplete: 'off'});
  const deleted = h('input', {type: 'checkbox', name: 'deleted'});
  const errorSlot = h('div');
  const table = pagedTable({
    columns: [
      {key: 'subject', title: 'Subject',
        render: (r) => h('a', {href: subjectHash(r.subject), class: 'mono'}, r.subject)},
      {key: 'latest_version', title: 'Latest version', numeric: true},
      {key: 'latest_id', title: 'Schema id', numeric: true},
      {key: 'type', title: 'Type'},
      {key: 'versions', title: 'Versions', numeric: true},
      {key: 'deleted', title: 'State',
        render: (r) => r.deleted ? stateBadge('removed') : stateBadge('active')},
    ],
    empty: 'No subjects registered yet.',
    onRowClick: (r) => ctx.navigate(subjectHash(r.subject)),
    fetchPage: async (cursor) => {
      try {
        const page = await api('/api/console/schemas/subjects', {query: {limit: 50, cursor,
          prefix: prefix.value, deleted: deleted.checked ? 'true' : ''}});
        clear(errorSlot);
        return page;
      } catch (e) {
        if (e.status === 503) {
          showError(errorSlot, e, 'The schema registry');
          return {items: [], next_cursor: null};
        }
        throw e;
      }
    },
  });
  let timer = null;
  prefix.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => table.reload(), 250);
  });
  deleted.addEventListener('change', () => table.reload());
  root.append(pageHeader('Schemas'),
    h('form', {class: 'toolbar', onsubmit: (e) => { e.preventDefault(); table.reload(); }},
      field('Subject prefix', prefix),
      h('label', null, deleted, ' Show soft-deleted')),
    errorSlot, table);
  return () => clearTimeout(timer);
}

// One line of a diff: line numbers, the +/- sign, the text (as text).
function diffLine(l) {
  const cls = l.op === '+' ? 'diff-add' : l.op === '-' ? 'diff-del' : 'diff-same';
  return h('div', {class: ['diff-line', cls]},
    h('span', {class: 'diff-num', 'aria-hidden': 'true'}, l.old ? String(l.old) : ''),
    h('span', {class: 'diff-num', 'aria-hidden': 'true'}, l.new ? String(l.new) : ''),
    h('span', {class: 'diff-op'}, l.op === ' ' ? ' ' : l.op),
    h('span', {class: 'diff-text'}, l.text));
}

async function renderDiff(slot, subject, from, to) {
  replace(slot, loading('Comparing'));
  let d;
  try {
    d = await api(subjectPath(subject) + '/diff', {query: {from, to, deleted: 'true'}});
  } catch (e) {
    replace(slot, errorBox(e));
    return;
  }
  const c = d.compatibility;
  const verdict = c === null ? h('span', {class: 'muted'}, 'no compatibility verdict')
    : c.compatible
      ? h('span', null, stateBadge('success'), ' version ' + d.to.version +
          ' is compatible with version ' + d.from.version + ' at level ' + c.level)
      : h('span', null, stateBadge('failed'), ' version ' + d.to.version +
          ' is not compatible with version ' + d.from.version + ' at level ' + c.level);
  replace(slot,
    h('p', {class: 'diff-summary'}, 'Version ' + d.from.version + ' (id ' + d.from.id +
      ') → version ' + d.to.version + ' (id ' + d.to.id + '): ',
      h('span', {class: 'diff-added-count'}, '+' + d.added), ' ',
      h('span', {class: 'diff-removed-count'}, '−' + d.removed), d.minimal ? '' :
        ' (too many changes for the shortest diff: the differing part is shown whole)'),
    h('p', null, verdict),
    c && !c.compatible && c.messages.length
      ? h('ul', {class: 'compat-messages'}, c.messages.map((m) => h('li', null, m))) : null,
    h('div', {class: 'diff', role: 'table', 'aria-label': 'Schema diff'},
      d.lines.map(diffLine)));
}

async function renderSubject(root, ctx, subject, rest) {
  ctx.setTitle(subject + ' · Schemas');
  const info = h('div', null, loading());
  const schemaSlot = h('div');
  const diffSlot = h('div', {class: 'diff-result'});
  root.append(pageHeader(subject, h('a', {href: '#/schemas'}, '← All subjects')), info);

  let s;
  try {
    s = await api(subjectPath(subject), {query: {deleted: 'true'}});
  } catch (e) {
    showError(info, e, 'The schema registry');
    return;
  }
  const compat = s.compatibility.level + (s.compatibility.own ? '' : ' (global)');
  const mode = s.mode.mode + (s.mode.own ? '' : ' (global)');
  replace(info, kv([
    ['Compatibility', compat], ['Mode', mode], ['Versions', String(s.versions)],
    ['Latest', 'version ' + s.latest.version + ', schema id ' + s.latest.id + ', ' + s.latest.type],
    ['State', s.deleted ? stateBadge('removed') : stateBadge('active')],
  ]));

  const latest = s.latest.version;
  const isDiff = rest[0] === 'diff';
  const shown = !isDiff && rest[0] ? rest[0] : String(latest);

  const versions = pagedTable({
    caption: 'Versions, newest first',
    columns: [
      {key: 'version', title: 'Version', numeric: true,
        render: (r) => h('a', {href: subjectHash(subject) + '/' + r.version}, String(r.version))},
      {key: 'id', title: 'Schema id', numeric: true},
      {key: 'type', title: 'Type'},
      {key: 'references', title: 'References', numeric: true},
      {key: 'deleted', title: 'State',
        render: (r) => r.deleted ? stateBadge('removed') : stateBadge('active')},
    ],
    onRowClick: (r) => ctx.navigate(subjectHash(subject) + '/' + r.version),
    fetchPage: (cursor) => api(subjectPath(subject) + '/versions',
      {query: {limit: 20, cursor, deleted: 'true'}}),
  });

  const fromIn = h('input', {type: 'number', min: 1, name: 'from', required: true,
    value: isDiff ? rest[1] : String(Math.max(1, latest - 1))});
  const toIn = h('input', {type: 'number', min: 1, name: 'to', required: true,
    value: isDiff ? rest[2] : String(latest)});
  const diffForm = h('form', {class: 'toolbar', 'aria-label': 'Compare versions',
    onsubmit: (e) => {
      e.preventDefault();
      ctx.navigate(subjectHash(subject) + '/diff/' + enc(fromIn.value) + '/' + enc(toIn.value));
    }},
  field('From version', fromIn), field('To version', toIn),
  h('button', {type: 'submit', class: 'primary'}, 'Compare'));

  root.append(h('h2', null, 'Versions'), versions,
    h('h2', null, 'Compare two versions'), diffForm, diffSlot,
    h('h2', null, isDiff ? 'Latest schema' : 'Schema of version ' + shown), schemaSlot);

  if (isDiff) renderDiff(diffSlot, subject, rest[1], rest[2]);
  try {
    const v = await api(subjectPath(subject) + '/versions/' + enc(isDiff ? 'latest' : shown),
      {query: {deleted: 'true'}});
    replace(schemaSlot,
      kv([['Schema id', String(v.id)], ['Type', v.type],
        ['References', v.references.length ? v.references.map((r) =>
          r.name + ' → ' + r.subject + ' v' + r.version).join(', ') : 'none'],
        ['Referenced by ids', v.referenced_by.length ? v.referenced_by.join(', ') : 'none']]),
      h('pre', {class: 'schema-text', 'aria-label': 'Schema text'}, v.pretty));
  } catch (e) {
    replace(schemaSlot, errorBox(e));
  }
}

export default {
  render(root, params, ctx) {
    if (params.length === 0) return renderList(root, ctx);
    return renderSubject(root, ctx, params[0], params.slice(1));
  },
};
