// The Jobs page in Chromium against a real `kappa up`: records produced with kcat, one of
// them a dead letter whose value is an XSS payload: the page lists the job, its partitions,
// the dead letter with its error header, shows the payload as text, and replays the job
// after a confirmation. No console errors; a screenshot of each view.
const {test, expect} = require('@playwright/test');
const {execFileSync} = require('child_process');
const {startPipelineUp} = require('./pipeline_up');

const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';

test('jobs: state, partitions, dead letters with their error, replay', async ({page}, testInfo) => {
  const up = await startPipelineUp(testInfo);
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    const good = Array.from({length: 40}, (_, i) =>
      'k' + i + ':' + JSON.stringify({id: i, name: 'user ' + i})).join('\n') + '\n';
    execFileSync('kcat', ['-P', '-b', up.kafka, '-t', 'users', '-K', ':'], {input: good});
    execFileSync('kcat', ['-P', '-b', up.kafka, '-t', 'users', '-p', '0', '-K', '\t'],
      {input: 'bad\t' + XSS + '\n'});
    await up.waitForJob((j) => j.stored >= 40 && j.lag === 0 && j.dead_letters === 1);

    await page.goto(up.console + '/#/jobs');
    const row = page.locator('table.data tbody tr', {hasText: 'users_to_table'});
    await expect(row).toContainText('running');
    await page.screenshot({path: up.artifact('jobs-list.png'), fullPage: true});

    await row.getByRole('link', {name: 'users_to_table'}).click();
    await expect(page.getByRole('heading', {name: 'users_to_table'})).toBeVisible();
    await expect(page.getByText('Partitions', {exact: true})).toBeVisible();
    // The dead letter: its value as text, its error header beside it.
    const dlq = page.locator('section', {has: page.getByRole('heading', {name: 'Dead letters'})});
    await expect(dlq.locator('tbody tr')).toHaveCount(1);
    await expect(dlq.locator('tbody tr')).toContainText(XSS);
    const error = (await up.api('/api/console/jobs/users_to_table/dead-letters')).items[0].error;
    expect(error).toBeTruthy();
    await expect(dlq.locator('tbody tr')).toContainText(error);
    await expect(dlq.locator('tbody tr')).toContainText('source.offset');
    expect(await page.evaluate(() => window.__xss)).toBeUndefined();
    await page.screenshot({path: up.artifact('jobs-detail.png'), fullPage: true});

    // Replay from the start: a confirmation, then the job consumes everything again.
    const before = (await up.api('/api/console/jobs/users_to_table')).consumed;
    await page.getByRole('button', {name: 'Replay…'}).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('Replay job users_to_table from earliest');
    await page.screenshot({path: up.artifact('jobs-replay-confirm.png')});
    await dialog.getByRole('button', {name: 'Replay'}).click();
    await expect(page.getByText(/Offsets moved; lag now/)).toBeVisible();
    await up.waitForJob((j) => j.consumed >= before + 41 && j.lag === 0);
    expect(errors).toEqual([]);
  } finally {
    await up.stop();
  }
});
