// DAGs: the orchestrator's DAGs as Airflow's UI shows them (GET/PUT/POST
// /api/console/dags/..., docs/formats/console-api.md). Routes:
//   #/dags                          the DAG list: schedule, next run, recent runs, pause
//   #/dags/DAG                      a DAG: details, trigger (with conf), pause, the grid
//   #/dags/DAG/RUN/TASK             the same, with one task instance and its log selected,
//                                   and Airflow's grid actions: clear the task instance (with
//                                   its downstream), mark the run success or failed
// The grid is Airflow's: one column per run (oldest on the left), one row per task, each
// cell colored by the task instance's state (Airflow's STATE_COLORS, .state-* in
// console.css). While a run is queued or running the page refreshes itself every 5 s.

import {h, clear, replace} from '../lib/dom.js';
import {api} from '../lib/api.js';
import {pagedTable} from '../lib/table.js';
import {confirmDialog, errorBox, field, formatDuration, formatTime, kv, loading, notConfigured,
  pageHeader, stateBadge} from '../lib/ui.js';

const enc = encodeURIComponent;
const dagPath = (d) => '/api/console/dags/' + enc(d);
const dagHash = (d) => '#/dags/' + enc(d);
const REFRESH_MS = 5000;
const GRID_RUNS = 25;  // Airflow's default number of runs in the grid

function showError(slot, err) {
  clear(slot).appendChild(err && err.status === 503
    ? notConfigured('The orchestrator (a dags: section)') : errorBox(err));
}

function pauseButton(dag, onChange, errorSlot) {
  return h('button', {type: 'button', 'aria-pressed': String(dag.is_paused),
    title: dag.is_paused ? 'Unpause: let the scheduler create runs' : 'Pause: no new runs',
    onclick: async () => {
      try {
        const d = await api(dagPath(dag.dag_id) + '/paused',
          {method: 'PUT', body: {paused: !dag.is_paused}});
        onChange(d);
      } catch (e) {
        replace(errorSlot, errorBox(e));
      }
    }}, dag.is_paused ? 'Unpause' : 'Pause');
}

function renderList(root, ctx) {
  const errorSlot = h('div');
  const table = pagedTable({
    columns: [
      {key: 'dag_id', title: 'DAG', render: (d) => h('div', null,
        h('a', {href: dagHash(d.dag_id), class: 'mono'}, d.dag_id),
        d.is_active ? null : h('span', {class: 'muted'}, ' (no longer in the config)'),
        d.description ? h('div', {class: 'muted'}, d.description) : null)},
      {key: 'owner', title: 'Owner'},
      {key: 'schedule', title: 'Schedule', render: (d) => h('span', {class: 'mono'},
        d.schedule || 'manual', d.timezone && d.timezone !== 'UTC' ? ' (' + d.timezone + ')' : '')},
      {key: 'next_run', title: 'Next run', render: (d) => d.next_run
        ? h('span', {title: 'logical date ' + d.next_run.logical_date},
          formatTime(d.next_run.run_after)) : '–'},
      {key: 'recent_runs', title: 'Recent runs', render: (d) => h('span', {class: 'recent-runs'},
        d.recent_runs.length === 0 ? h('span', {class: 'muted'}, 'none') :
          d.recent_runs.map((r) => h('span', {title: r.run_id}, stateBadge(r.state))))},
      {key: 'tags', title: 'Tags', render: (d) => d.tags.join(', ')},
      {key: 'is_paused', title: 'Paused', render: (d) =>
        pauseButton(d, () => table.refresh(), errorSlot)},
    ],
    empty: 'No DAGs.',
    fetchPage: async (cursor) => {
      try {
        const page = await api('/api/console/dags', {query: {limit: 50, cursor}});
        clear(errorSlot);
        return page;
      } catch (e) {
        if (e.status === 503) {
          showError(errorSlot, e);
          return {items: [], next_cursor: null};
        }
        throw e;
      }
    },
  });
  root.append(pageHeader('DAGs'), errorSlot, table);
}

// The grid: columns are runs (oldest left), rows are tasks. A cell is a link to the task
// instance (#/dags/DAG/RUN/TASK), labelled for screen readers.
function gridTable(dagId, grid, selected) {
  const runs = [...grid.items].reverse();
  const head = h('tr', null, h('th', {scope: 'col'}, 'Task'), runs.map((r) =>
    h('th', {scope: 'col', class: 'grid-run'},
      h('span', {class: ['grid-bar', 'state-' + r.state],
        title: r.run_id + '\n' + r.state + ' · ' + r.run_type + '\nlogical date ' +
          formatTime(r.logical_date)}, h('span', {class: 'sr-only'}, r.run_id + ' ' + r.state)))));
  const rows = grid.tasks.map((t) => h('tr', null,
    h('th', {scope: 'row', class: 'mono grid-task'}, t.task_id),
    runs.map((r) => {
      const ti = r.task_instances[t.task_id];
      const state = ti ? (ti.state || 'none') : 'none';
      const isSel = selected && selected.run === r.run_id && selected.task === t.task_id;
      return h('td', {class: 'grid-cell'}, ti
        ? h('a', {href: dagHash(dagId) + '/' + enc(r.run_id) + '/' + enc(t.task_id),
          class: ['grid-square', 'state-' + state, isSel ? 'selected' : null],
          title: t.task_id + ' · ' + r.run_id + ' · ' + state,
          'aria-label': t.task_id + ' in ' + r.run_id + ': ' + state}) : '');
    })));
  return h('div', {class: 'table-scroll'}, h('table', {class: 'dag-grid'},
    h('thead', null, head), h('tbody', null, rows)));
}

// The grid's actions on the selected task instance and its run, each confirmed first:
// Clear (Airflow's: the instance, and its downstream if asked, run again; the run goes back
// to queued) and Mark run success / failed. `done(message)` refreshes the page.
function taskActions(dagId, runId, taskId, done) {
  const errorSlot = h('div');
  const downstream = h('input', {type: 'checkbox', name: 'downstream', checked: true});
  const act = async (question, label, call) => {
    if (!await confirmDialog(question, {confirmLabel: label})) return;
    try {
      done(await call());
    } catch (e) {
      replace(errorSlot, errorBox(e));
    }
  };
  const runPath = dagPath(dagId) + '/runs/' + enc(runId);
  const clearButton = h('button', {type: 'button', onclick: () => act(
    'Clear ' + taskId + (downstream.checked ? ' and its downstream tasks' : '') + ' in ' + runId +
      '? They run again, with the next try numbers.', 'Clear',
    async () => {
      const r = await api(runPath + '/tasks/' + enc(taskId) + '/clear', {method: 'POST',
        body: {downstream: downstream.checked}});
      return 'Cleared ' + r.items.length + ' task instance' + (r.items.length === 1 ? '' : 's') +
        ': ' + r.items.map((t) => t.task_id).join(', ');
    })}, 'Clear…');
  const mark = (state) => h('button', {type: 'button', onclick: () => act(
    'Mark run ' + runId + ' ' + state + '? Its unfinished task instances are set ' +
      (state === 'success' ? 'success' : 'failed or skipped') + ', running ones stopped.',
    'Mark ' + state,
    async () => {
      const r = await api(runPath + '/state', {method: 'PUT', body: {state}});
      return 'Run ' + r.run_id + ' marked ' + r.state;
    })}, 'Mark run ' + state + '…');
  return h('section', {class: 'card', 'aria-label': 'Task actions'},
    h('div', {class: 'toolbar'}, clearButton,
      h('label', {class: 'checkbox'}, downstream, ' with downstream tasks'),
      mark('success'), mark('failed')),
    errorSlot);
}

async function renderTaskInstance(slot, dagId, runId, taskId, onAction) {
  replace(slot, loading());
  let run;
  try {
    run = await api(dagPath(dagId) + '/runs/' + enc(runId));
  } catch (e) {
    replace(slot, errorBox(e));
    return;
  }
  const ti = run.task_instances.find((t) => t.task_id === taskId);
  if (!ti) {
    replace(slot, errorBox(new Error('run ' + runId + ' has no task ' + taskId)));
    return;
  }
  const logSlot = h('div', {class: 'task-log'});
  const trySel = h('select', {name: 'try'});
  for (let i = ti.try_number; i >= 1; i--) {
    trySel.appendChild(h('option', {value: String(i)}, 'Try ' + i));
  }
  const loadLog = async () => {
    replace(logSlot, loading('Loading the log'));
    const lines = [];
    let cursor = null;
    try {
      // Up to 10 pages of 500 lines; a longer log says so.
      for (let n = 0; n < 10; n++) {
        const page = await api(dagPath(dagId) + '/runs/' + enc(runId) + '/tasks/' + enc(taskId) +
          '/logs', {query: {try: trySel.value, limit: 500, cursor}});
        lines.push(...page.items);
        cursor = page.next_cursor;
        if (cursor === null) break;
      }
    } catch (e) {
      replace(logSlot, errorBox(e));
      return;
    }
    replace(logSlot, h('pre', {class: 'log', 'aria-label': 'Task log'},
      lines.length ? lines.join('\n') : '(no log lines)'),
    cursor !== null ? h('p', {class: 'muted'}, 'Only the first 5,000 lines are shown.') : null);
  };
  trySel.addEventListener('change', loadLog);
  replace(slot,
    h('h2', null, 'Task ', h('span', {class: 'mono'}, taskId), ' in ',
      h('span', {class: 'mono'}, runId)),
    kv([
      ['State', stateBadge(ti.state || 'none')],
      ['Try', ti.try_number + ' of ' + Math.max(ti.max_tries, ti.try_number)],
      ['Task type', ti.operator || '–'],
      ['Started', formatTime(ti.start_date)], ['Ended', formatTime(ti.end_date)],
      ['Duration', ti.duration === null ? '–' : formatDuration(ti.duration)],
      ['Run', h('span', null, stateBadge(run.state), ' ', run.run_type, ', logical date ',
        formatTime(run.logical_date))],
      ['Run conf', h('span', {class: 'mono'}, JSON.stringify(run.conf))],
      ['Error', ti.error || '–'],
    ]),
    onAction ? taskActions(dagId, runId, taskId, onAction) : null,
    ti.try_number > 0 ? h('div', {class: 'toolbar'}, field('Log of', trySel)) :
      h('p', {class: 'muted'}, 'Not started yet: no log.'),
    logSlot);
  if (ti.try_number > 0) loadLog();
}

function triggerForm(dag, onDone) {
  const conf = h('textarea', {name: 'conf', rows: 4, spellcheck: 'false', class: 'mono'},
    JSON.stringify(dag.params && Object.keys(dag.params).length ? dag.params : {}, null, 2));
  const logical = h('input', {type: 'text', name: 'logical_date',
    placeholder: '2023-09-03T10:00:00Z (default: now)', autocomplete: 'off'});
  const errorSlot = h('div');
  const form = h('form', {class: 'form trigger-form', 'aria-label': 'Trigger a run',
    onsubmit: async (e) => {
      e.preventDefault();
      let parsed;
      try {
        parsed = JSON.parse(conf.value || '{}');
      } catch (err) {
        replace(errorSlot, errorBox(new Error('conf is not valid JSON: ' + err.message)));
        return;
      }
      if (!await confirmDialog('Trigger a manual run of ' + dag.dag_id + '?',
        {confirmLabel: 'Trigger', danger: false})) return;
      try {
        const run = await api(dagPath(dag.dag_id) + '/runs', {method: 'POST',
          body: {conf: parsed, logical_date: logical.value || null}});
        clear(errorSlot);
        onDone(run);
      } catch (err) {
        replace(errorSlot, errorBox(err));
      }
    }},
  field('Run conf (JSON object; overrides params)', conf),
  field('Logical date', logical),
  h('div', {class: 'actions'}, h('button', {type: 'submit', class: 'primary'}, 'Trigger')),
  errorSlot);
  return form;
}

async function renderDag(root, ctx, dagId, runId, taskId) {
  ctx.setTitle(dagId + ' · DAGs');
  const header = h('div', null, pageHeader(dagId));
  const errorSlot = h('div');
  const info = h('div', null, loading());
  const gridSlot = h('div', {class: 'grid-slot'});
  const pager = h('div', {class: 'pager'});
  const tiSlot = h('div');
  const triggerSlot = h('div');
  root.append(header, errorSlot, info, triggerSlot, h('h2', null, 'Grid'), gridSlot, pager,
    tiSlot);

  let dag;
  let offsets = [null];  // cursors of the grid's pages (newest runs first)
  let page = 0;
  let timer = null;
  let gone = false;

  const showDag = (d) => {
    dag = d;
    replace(header, pageHeader(d.dag_id,
      h('a', {href: '#/dags'}, '← All DAGs'),
      h('button', {type: 'button', class: 'primary', onclick: () => {
        replace(triggerSlot, triggerForm(d, (run) => {
          clear(triggerSlot);
          loadGrid(0);
          replace(errorSlot, h('div', {class: 'card', role: 'status'}, 'Triggered ', run.run_id));
        }));
        triggerSlot.querySelector('textarea').focus();
      }}, 'Trigger…'),
      pauseButton(d, showDag, errorSlot)));
    replace(info, kv([
      ['Schedule', h('span', {class: 'mono'}, (d.schedule || 'manual only') + ' · ' + d.timezone)],
      ['State', d.is_paused ? stateBadge('paused') : stateBadge('active')],
      ['Next run', d.next_run ? formatTime(d.next_run.run_after) + ' (logical date ' +
        formatTime(d.next_run.logical_date) + ')' : '–'],
      ['Owner', d.owner], ['Description', d.description || '–'],
      ['Tasks', d.task_list.map((t) => t.task_id + ' (' + t.type + ')').join(' → ')],
      ['Catchup', d.catchup ? 'yes' : 'no'], ['Defined in', d.fileloc || '–'],
    ]));
  };

  const loadGrid = async (p) => {
    clearTimeout(timer);
    let grid;
    try {
      grid = await api(dagPath(dagId) + '/grid', {query: {limit: GRID_RUNS, cursor: offsets[p]}});
    } catch (e) {
      replace(gridSlot, errorBox(e));
      return;
    }
    if (gone) return;
    page = p;
    offsets.length = p + 1;
    if (grid.next_cursor !== null) offsets.push(grid.next_cursor);
    replace(gridSlot, grid.items.length === 0
      ? h('p', {class: 'empty'}, 'No runs yet. Trigger one, or wait for the schedule.')
      : gridTable(dagId, grid, runId ? {run: runId, task: taskId} : null));
    replace(pager,
      h('button', {type: 'button', disabled: grid.next_cursor === null,
        onclick: () => loadGrid(page + 1)}, '← Older runs'),
      h('span', {class: 'pager-status muted'}, grid.total + ' runs'),
      h('button', {type: 'button', disabled: page === 0, onclick: () => loadGrid(page - 1)},
        'Newer runs →'));
    const active = grid.items.some((r) => r.state === 'running' || r.state === 'queued');
    if (active) timer = setTimeout(() => loadGrid(page), REFRESH_MS);
  };

  try {
    showDag(await api(dagPath(dagId)));
  } catch (e) {
    showError(info, e);
    return () => { gone = true; };
  }
  loadGrid(0);
  // After an action: say what was done, and show the grid and the instance as they are now.
  const afterAction = (message) => {
    replace(errorSlot, h('div', {class: 'card', role: 'status'}, message));
    loadGrid(page);
    renderTaskInstance(tiSlot, dagId, runId, taskId, afterAction);
  };
  if (runId && taskId) renderTaskInstance(tiSlot, dagId, runId, taskId, afterAction);
  return () => { gone = true; clearTimeout(timer); };
}

export default {
  render(root, params, ctx) {
    if (params.length === 0) return renderList(root, ctx);
    return renderDag(root, ctx, params[0], params[1], params[2]);
  },
};
