// The Tables page in Chromium against a real `kappa up`: rows written with the DataStax
// Node.js driver; the table's DDL; the row browser pages through every row; the query box's
// grid equals what the driver reads for the same statement and shows a refused statement's
// error inline; a text cell holding HTML renders as text.
const {test, expect} = require('@playwright/test');
const {startKappa, watchConsole, screenshotPath} = require('./kappa');
const {pipelineArgs, cassandraDriver} = require('./pipeline_config');

const XSS = '<img src=x onerror="window.__xss=1">';
const N = 120;

let kappa;
test.beforeAll(async () => { kappa = await startKappa({args: pipelineArgs()}); });
test.afterAll(async () => { if (kappa) await kappa.stop(); });

test('tables: schema, paged rows, query box against the driver', async ({page}) => {
  // The browser logs the refused statement's 400 itself.
  const con = watchConsole(page, /status of 400/);
  const cassandra = cassandraDriver();
  const client = new cassandra.Client({contactPoints: [kappa.cql], localDataCenter: 'datacenter1'});
  try {
    await client.connect();
    for (let i = 0; i < N; i++) {
      await client.execute('INSERT INTO ks.users (id, name) VALUES (?, ?)',
        [i, i === 7 ? XSS : 'user ' + i], {prepare: true});
    }

    await page.goto(kappa.console + '/#/tables');
    await page.getByRole('link', {name: 'users', exact: true}).click();
    await expect(page.locator('pre.ddl').first()).toContainText('CREATE TABLE ks.users');
    await expect(page.getByRole('cell', {name: 'partition_key'})).toBeVisible();
    // The row browser: 50 a page, Next until the end; every id once.
    const rowsCard = page.locator('section', {has: page.getByRole('heading', {name: 'Rows'})});
    const ids = [];
    for (let p = 0; p < 10; p++) {
      await expect(rowsCard.locator('tbody tr').first()).toBeVisible();
      ids.push(...await rowsCard.locator('tbody tr td:first-child').allTextContents());
      const next = rowsCard.getByRole('button', {name: 'Next →'});
      if (await next.isDisabled()) break;
      const first = await rowsCard.locator('tbody tr td:first-child').first().textContent();
      await next.click();
      await expect(rowsCard.locator('tbody tr td:first-child').first()).not.toHaveText(first);
    }
    expect(ids.length).toBe(N);
    expect(new Set(ids).size).toBe(N);
    await page.screenshot({path: screenshotPath('tables-table'), fullPage: true});

    // The query box: the grid equals the driver's rows for the same statement.
    const box = page.locator('section', {has: page.getByRole('heading', {name: 'CQL query'})});
    const statement = 'SELECT id, name FROM ks.users WHERE id IN (1, 7, 42, 99)';
    await box.getByLabel('Statement').fill(statement);
    await box.getByRole('button', {name: 'Run'}).click();
    const grid = box.locator('tbody tr');
    await expect(grid).toHaveCount(4);
    const shown = await grid.evaluateAll((trs) => trs.map((tr) =>
      Array.from(tr.querySelectorAll('td')).map((td) => td.textContent)));
    const driver = (await client.execute(statement)).rows.map((r) => [String(r.id), r.name]);
    expect(shown).toEqual(driver);
    await expect(box).toContainText(XSS);  // as text
    expect(await page.evaluate(() => window.__xss)).toBeUndefined();
    await page.screenshot({path: screenshotPath('tables-query'), fullPage: true});

    // A refused statement: the server's message, inline.
    await box.getByLabel('Statement').fill('SELECT * FROM ks.no_such_table');
    await box.getByLabel('Statement').press('Control+Enter');
    await expect(box.getByRole('alert')).toContainText('no_such_table');
    await page.screenshot({path: screenshotPath('tables-query-error'), fullPage: true});
    await page.goto(kappa.console + '/#/tables');
    await expect(page.getByRole('link', {name: 'users', exact: true})).toBeVisible();
    await page.emulateMedia({colorScheme: 'dark'});
    await page.screenshot({path: screenshotPath('tables-keyspaces-dark'), fullPage: true});
    con.check();
  } finally {
    await client.shutdown();
  }
});
