// A table paged by the server: pagedTable({columns, fetchPage}) -> element.
//
//   const t = pagedTable({
//     columns: [{key: 'name', title: 'Topic', render: (row) => h('a', {href: ...}, row.name)},
//               {key: 'partitions', title: 'Partitions', numeric: true}],
//     fetchPage: (cursor) => api('/api/console/topics', {query: {limit: 50, cursor}}),
//   });
//   root.appendChild(t);   // t.reload() fetches the first page again
//
// fetchPage(cursor) returns {items, next_cursor} (cursor is null for the first page).
// Previous pages are remembered by their cursors, so "Previous" asks the server again
// (nothing is cached client-side; a million rows never reach the browser). A column
// without `render` shows row[key] as text (objects as JSON). `rowKey` and `onRowClick`
// are optional; `empty` is the text for no rows.

import {h, clear, append} from './dom.js';
import {errorBox} from './ui.js';

export function pagedTable({columns, fetchPage, empty = 'Nothing here yet.', onRowClick,
                            caption} = {}) {
  const cursors = [null];  // cursors[i]: the cursor of page i
  let page = 0;
  let next = null;
  let seq = 0;
  const thead = h('thead', null, h('tr', null, columns.map((c) =>
    h('th', {scope: 'col', class: c.numeric ? 'num' : null}, c.title ?? c.key))));
  const tbody = h('tbody');
  const table = h('table', {class: 'data'}, caption ? h('caption', null, caption) : null,
    thead, tbody);
  const status = h('span', {class: 'pager-status muted', 'aria-live': 'polite'});
  const prev = h('button', {type: 'button', disabled: true, onclick: () => go(page - 1)},
    '← Previous');
  const nextBtn = h('button', {type: 'button', disabled: true, onclick: () => go(page + 1)},
    'Next →');
  const errorSlot = h('div');
  const el = h('div', {class: 'paged-table'}, errorSlot,
    h('div', {class: 'table-scroll'}, table), h('div', {class: 'pager'}, prev, status, nextBtn));

  function cell(col, row) {
    if (col.render) return col.render(row);
    const v = row[col.key];
    if (v === null || v === undefined) return '';
    return typeof v === 'object' ? JSON.stringify(v) : String(v);
  }

  async function go(p) {
    const mine = ++seq;
    prev.disabled = true;
    nextBtn.disabled = true;
    el.setAttribute('aria-busy', 'true');
    let res;
    try {
      res = await fetchPage(cursors[p]);
    } catch (e) {
      if (mine !== seq) return;
      clear(errorSlot).appendChild(errorBox(e));
      el.removeAttribute('aria-busy');
      prev.disabled = page === 0;
      nextBtn.disabled = next === null;
      return;
    }
    if (mine !== seq) return;  // a later click won
    clear(errorSlot);
    page = p;
    next = res.next_cursor ?? null;
    cursors.length = p + 1;
    if (next !== null) cursors.push(next);
    const items = res.items || [];
    clear(tbody);
    if (items.length === 0) {
      tbody.appendChild(h('tr', null, h('td', {colspan: columns.length, class: 'empty'}, empty)));
    }
    for (const row of items) {
      const tr = h('tr', null, columns.map((c) => h('td', {class: c.numeric ? 'num' : null},
        cell(c, row))));
      if (onRowClick) {
        tr.classList.add('clickable');
        tr.tabIndex = 0;
        tr.addEventListener('click', () => onRowClick(row));
        tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') onRowClick(row); });
      }
      tbody.appendChild(tr);
    }
    const total = res.total !== undefined ? ' of ' + res.total : '';
    status.textContent = 'Page ' + (page + 1) + ' · ' + items.length + ' rows' + total;
    prev.disabled = page === 0;
    nextBtn.disabled = next === null;
    el.removeAttribute('aria-busy');
  }

  el.reload = () => { cursors.length = 1; return go(0); };
  el.refresh = () => go(page);  // the current page again
  go(0);
  return el;
}

// A plain (client-side) table for small, already-loaded lists.
export function simpleTable(columns, rows, {empty = 'Nothing here yet.'} = {}) {
  const body = rows.length === 0
    ? [h('tr', null, h('td', {colspan: columns.length, class: 'empty'}, empty))]
    : rows.map((row) => h('tr', null, columns.map((c) => {
      const v = c.render ? c.render(row) : row[c.key];
      return h('td', {class: c.numeric ? 'num' : null},
        v === null || v === undefined ? '' : (typeof v === 'object' && !(v instanceof Node))
          ? JSON.stringify(v) : v);
    })));
  return append(h('div', {class: 'table-scroll'}), [h('table', {class: 'data'},
    h('thead', null, h('tr', null, columns.map((c) =>
      h('th', {scope: 'col', class: c.numeric ? 'num' : null}, c.title ?? c.key)))),
    h('tbody', null, body))]);
}
