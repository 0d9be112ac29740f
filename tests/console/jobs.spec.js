// The Jobs page in Chromium against a real `kappa up`: records produced with kcat, one of
// them a dead letter whose value is an XSS payload. The page lists the job, its partitions,
// the dead letter with its error header, shows the payload as text, and replays the job
// after a confirmation. No console errors; screenshots of each view.
const {test, expect} = require('@playwright/test');
const {startKappa, kcatProduce, watchConsole, screenshotPath} = require('./kappa');
const {pipelineArgs, getJson, waitForJob} = require('./pipeline_config');

const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';

let kappa;
test.beforeAll(async () => { kappa = await startKappa({args: pipelineArgs()}); });
test.afterAll(async () => { if (kappa) await kappa.stop(); });

test('jobs: state, partitions, dead letters with their error, replay', async ({page}) => {
  const con = watchConsole(page);
  const good = [];
  for (let i = 0; i < 40; i++) good.push('k' + i + '\t' + JSON.stringify({id: i, name: 'user ' + i}));
  kcatProduce(kappa.kafka, 'users', good, {keyed: true});
  kcatProduce(kappa.kafka, 'users', ['bad\t' + XSS], {keyed: true});
  await waitForJob(kappa.console, (j) => j.stored >= 40 && j.lag === 0 && j.dead_letters === 1);

  await page.goto(kappa.console + '/#/jobs');
  const row = page.locator('table.data tbody tr', {hasText: 'users_to_table'});
  await expect(row).toContainText('running');
  await expect(row).toContainText('users');
  await page.screenshot({path: screenshotPath('jobs-list'), fullPage: true});

  await row.getByRole('link', {name: 'users_to_table'}).click();
  await expect(page.getByRole('heading', {name: 'users_to_table'})).toBeVisible();
  await expect(page.getByRole('heading', {name: 'Partitions'})).toBeVisible();
  // The dead letter: its value as text, its error header beside it.
  const dlq = page.locator('section', {has: page.getByRole('heading', {name: 'Dead letters'})});
  await expect(dlq.locator('tbody tr')).toHaveCount(1);
  const dlRow = dlq.locator('tbody tr').first();
  await expect(dlRow).toContainText(XSS);
  const api = await getJson(kappa.console, '/api/console/jobs/users_to_table/dead-letters');
  expect(api.items[0].error).toBeTruthy();
  await expect(dlRow).toContainText(api.items[0].error);
  await expect(dlRow).toContainText('source.offset');
  expect(await page.evaluate(() => window.__xss)).toBeUndefined();
  await page.screenshot({path: screenshotPath('jobs-detail'), fullPage: true});

  // Replay from the start: a confirmation, then the job consumes everything again.
  const before = (await getJson(kappa.console, '/api/console/jobs/users_to_table')).consumed;
  await page.getByRole('button', {name: 'Replay…'}).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Replay job users_to_table from earliest');
  await page.screenshot({path: screenshotPath('jobs-replay-confirm')});
  await dialog.getByRole('button', {name: 'Replay'}).click();
  await expect(page.getByText(/Offsets moved; lag now/)).toBeVisible();
  await waitForJob(kappa.console, (j) => j.consumed >= before + 41 && j.lag === 0);
  await page.emulateMedia({colorScheme: 'dark'});
  await page.screenshot({path: screenshotPath('jobs-detail-dark'), fullPage: true});
  con.check();
});
