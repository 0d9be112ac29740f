// The Tables page in Chromium against a real `kappa up`: rows written with the DataStax
// Node.js driver; the table's DDL; the row browser pages through every row; the query box's
// grid equals what the driver reads for the same statement, pages through a large result,
// and shows a refused statement's error inline; a text cell holding HTML renders as text.
const {test, expect} = require('@playwright/test');
const {startPipelineUp, cassandraDriver} = require('./pipeline_up');

const XSS = '<img src=x onerror="window.__xss=1">';
const N = 120;

test('tables: schema, paged rows, query box against the driver', async ({page}, testInfo) => {
  const up = await startPipelineUp(testInfo);
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const cassandra = cassandraDriver();
  const client = new cassandra.Client({contactPoints: ['127.0.0.1:' + up.cqlPort],
    localDataCenter: 'datacenter1'});
  try {
    await client.connect();
    for (let i = 0; i < N; i++) {
      await client.execute('INSERT INTO ks.users (id, name) VALUES (?, ?)',
        [i, i === 7 ? XSS : 'user ' + i], {prepare: true});
    }

    await page.goto(up.console + '/#/tables');
    await page.getByRole('link', {name: 'users', exact: true}).click();
    await expect(page.locator('pre.ddl').first()).toContainText('CREATE TABLE ks.users');
    // The row browser: 50 a page, Next until the end; every id once.
    const rowsCard = page.locator('section', {has: page.getByRole('heading', {name: 'Rows'})});
    const seen = new Set();
    for (let p = 0; p < 10; p++) {
      await expect(rowsCard.locator('tbody tr').first()).toBeVisible();
      for (const id of await rowsCard.locator('tbody tr td:first-child').allTextContents()) seen.add(id);
      const next = rowsCard.getByRole('button', {name: 'Next →'});
      if (await next.isDisabled()) break;
      const first = await rowsCard.locator('tbody tr td:first-child').first().textContent();
      await next.click();
      await expect(rowsCard.locator('tbody tr td:first-child').first()).not.toHaveText(first);
    }
    expect(seen.size).toBe(N);
    await expect(rowsCard).toContainText(XSS);
    expect(await page.evaluate(() => window.__xss)).toBeUndefined();
    await page.screenshot({path: up.artifact('tables-table.png'), fullPage: true});

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
    await page.screenshot({path: up.artifact('tables-query.png'), fullPage: true});

    expect(errors).toEqual([]);
    // A refused statement: the server's message, inline (Chromium logs the 400 itself).
    await box.getByLabel('Statement').fill('SELECT * FROM ks.no_such_table');
    await box.getByLabel('Statement').press('Control+Enter');
    await expect(box.getByRole('alert')).toContainText('no_such_table');
    await page.screenshot({path: up.artifact('tables-query-error.png'), fullPage: true});
    expect(errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
  } finally {
    await client.shutdown();
    await up.stop();
  }
});
