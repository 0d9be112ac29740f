// The DAGs page against a real `kappa up` running the seed's DAG (config/kappa.yaml with a
// 2 s task): the list agrees with Airflow's REST API, the grid shows the scheduled run's task
// colored by state, a cell opens its log, a trigger with a conf holding markup creates a run
// (shown as text), pause and unpause reach the orchestrator, the grid's Clear and Mark run
// failed act (Airflow's API sees the new try and the run's state); no console errors.
// Screenshots: dags-list, dags-grid, dags-actions, dags-dark.
const {test, expect} = require('@playwright/test');
const fs = require('fs');
const os = require('os');
const path = require('path');
const {startKappa, watchConsole, screenshotPath} = require('./kappa');

const DAG = 'user_automation';
const TASK = 'stream_data_from_api';
const XSS = '<script>window.__xss=1</script>';

let kappa;
let cfgDir;
test.beforeAll(async () => {
  const text = fs.readFileSync(path.join(__dirname, '..', '..', 'config', 'kappa.yaml'), 'utf8');
  if (!text.includes('        duration: 60s\n')) throw new Error('the seed DAG changed');
  cfgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kappa-dags-spec-'));
  const cfg = path.join(cfgDir, 'kappa.yaml');
  fs.writeFileSync(cfg, text.replace('        duration: 60s\n', '        duration: 2s\n'));
  kappa = await startKappa({args: ['--config', cfg]});
});
test.afterAll(async () => {
  if (kappa) await kappa.stop();
  if (cfgDir) fs.rmSync(cfgDir, {recursive: true, force: true});
});

async function airflow(page, p) {
  const r = await page.request.get('http://' + kappa.http + '/api/v1' + p);
  expect(r.status()).toBe(200);
  return r.json();
}

test('DAG list, grid, log, trigger, pause', async ({page}) => {
  const con = watchConsole(page);
  await page.goto(kappa.console + '/#/dags');
  await expect(page.getByRole('heading', {name: 'DAGs'})).toBeVisible();
  const link = page.getByRole('link', {name: DAG, exact: true});
  await expect(link).toBeVisible();
  const row = page.getByRole('row').filter({has: link});
  await expect(row).toContainText('@daily');
  await expect(row).toContainText('airscholar');
  const af = await airflow(page, '/dags/' + DAG);
  await expect(row.getByRole('button', {name: af.is_paused ? 'Unpause' : 'Pause'})).toBeVisible();
  await page.screenshot({path: screenshotPath('dags-list'), fullPage: true});

  await link.click();
  await expect(page.getByRole('heading', {name: DAG})).toBeVisible();
  // The start ran the latest @daily interval (catchup: false): its cell turns green (the page
  // refreshes itself while a run is active).
  const done = page.getByRole('link', {name: new RegExp('^' + TASK + ' in scheduled__.*: success$')});
  await expect(done).toBeVisible({timeout: 45_000});
  const runs = (await airflow(page, '/dags/' + DAG + '/dagRuns')).dag_runs;
  const scheduled = runs.find((r) => r.run_type === 'scheduled');
  await expect(done).toHaveAttribute('aria-label', TASK + ' in ' + scheduled.dag_run_id + ': success');
  await expect(done).toHaveClass(/state-success/);

  await done.click();
  await expect(page.getByRole('heading', {name: 'Task ' + TASK + ' in ' + scheduled.dag_run_id}))
    .toBeVisible();
  const log = page.getByLabel('Task log');
  await expect(log).toContainText('produced');
  const afLog = await (await page.request.get('http://' + kappa.http + '/api/v1/dags/' + DAG +
    '/dagRuns/' + encodeURIComponent(scheduled.dag_run_id) + '/taskInstances/' + TASK + '/logs/1',
  {headers: {Accept: 'text/plain'}})).text();
  for (const line of (await log.textContent()).split('\n')) expect(afLog).toContain(line);
  await page.screenshot({path: screenshotPath('dags-grid'), fullPage: true});

  // The grid's actions. Clear the task (it runs again: try 2, then success), confirmed first.
  const tiPath = '/dags/' + DAG + '/dagRuns/' + encodeURIComponent(scheduled.dag_run_id) +
    '/taskInstances/' + TASK;
  const actions = page.getByRole('region', {name: 'Task actions'});
  await expect(actions.getByRole('checkbox', {name: /with downstream tasks/})).toBeChecked();
  await actions.getByRole('button', {name: 'Clear…'}).click();
  await expect(page.getByRole('dialog')).toContainText('Clear ' + TASK);
  await page.getByRole('dialog').getByRole('button', {name: 'Clear'}).click();
  await expect(page.getByRole('status')).toContainText('Cleared 1 task instance: ' + TASK);
  await expect.poll(async () => {
    const ti = await airflow(page, tiPath);
    return ti.try_number + ' ' + ti.state;
  }, {timeout: 45_000}).toBe('2 success');
  await expect(page.getByLabel('Log of')).toBeVisible();
  // Mark the run failed: Airflow's API says so; Cancel first changes nothing.
  await actions.getByRole('button', {name: 'Mark run failed…'}).click();
  await page.getByRole('dialog').getByRole('button', {name: 'Cancel'}).click();
  expect((await airflow(page, '/dags/' + DAG + '/dagRuns/' +
    encodeURIComponent(scheduled.dag_run_id))).state).toBe('success');
  await page.getByRole('region', {name: 'Task actions'})
    .getByRole('button', {name: 'Mark run failed…'}).click();
  await page.getByRole('dialog').getByRole('button', {name: 'Mark failed'}).click();
  await expect(page.getByRole('status')).toContainText('marked failed');
  expect((await airflow(page, '/dags/' + DAG + '/dagRuns/' +
    encodeURIComponent(scheduled.dag_run_id))).state).toBe('failed');
  await expect(page.getByRole('link', {name: new RegExp('^' + TASK + ' in ' +
    scheduled.dag_run_id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + ': ')})).toBeVisible();
  await page.screenshot({path: screenshotPath('dags-actions'), fullPage: true});

  // Trigger with a conf holding markup: the run appears in Airflow's API with that conf.
  await page.getByRole('button', {name: 'Trigger…'}).click();
  await page.getByLabel(/Run conf/).fill(JSON.stringify({who: XSS}));
  await page.getByRole('form', {name: 'Trigger a run'}).getByRole('button', {name: 'Trigger'})
    .click();
  await page.getByRole('dialog').getByRole('button', {name: 'Trigger'}).click();
  await expect(page.getByRole('status')).toContainText('Triggered manual__');
  await expect.poll(async () => (await airflow(page, '/dags/' + DAG + '/dagRuns')).dag_runs
    .filter((r) => r.run_type === 'manual').length).toBe(1);
  const manualRun = (await airflow(page, '/dags/' + DAG + '/dagRuns')).dag_runs
    .find((r) => r.run_type === 'manual');
  expect(manualRun.conf).toEqual({who: XSS});
  const manualCell = page.getByRole('link', {name: new RegExp('^' + TASK + ' in manual__')});
  await expect(manualCell).toBeVisible();
  await manualCell.click();
  await expect(page.getByText(JSON.stringify({who: XSS}))).toBeVisible();  // the conf, as text
  expect(await page.evaluate(() => window.__xss)).toBeUndefined();

  // Pause, then unpause: the orchestrator says so.
  await page.getByRole('button', {name: 'Pause', exact: true}).click();
  await expect(page.getByRole('button', {name: 'Unpause', exact: true})).toBeVisible();
  expect((await airflow(page, '/dags/' + DAG)).is_paused).toBe(true);
  await page.getByRole('button', {name: 'Unpause', exact: true}).click();
  await expect(page.getByRole('button', {name: 'Pause', exact: true})).toBeVisible();
  expect((await airflow(page, '/dags/' + DAG)).is_paused).toBe(false);

  await page.getByLabel('Theme').selectOption('dark');
  await page.screenshot({path: screenshotPath('dags-dark'), fullPage: true});
  con.check();
});
