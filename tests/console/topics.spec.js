// Topics page in Chromium against a real kappa up: create a topic from the form (kcat's
// metadata sees it), its page lists the consumer group reading it (a group id holding an
// XSS payload shows as text), delete with confirmation (kcat no longer sees it).
const {test, expect} = require('@playwright/test');
const {startKappa, watchConsole, screenshotPath} = require('./kappa');
const {kcat, consumeAndLeave} = require('./kafka_clients');

const XSS_GROUP = '<img src=x onerror="window.__xss=1">';

test('topics: create, inspect, delete', async ({page}) => {
  const up = await startKappa();
  const con = watchConsole(page);
  try {
    await page.goto(up.console + '/#/topics');
    await page.getByRole('button', {name: 'Create topic'}).click();
    await page.getByLabel('Name').fill('spec_orders');
    await page.getByLabel('Partitions').fill('3');
    await page.getByRole('button', {name: 'Create', exact: true}).click();
    await expect(page).toHaveURL(/#\/topics\/spec_orders$/);
    const meta = JSON.parse(kcat(up.kafka, ['-L', '-t', 'spec_orders', '-J']));
    expect(meta.topics[0].partitions.length).toBe(3);

    kcat(up.kafka, ['-P', '-t', 'spec_orders', '-p', '1'], 'a\nb\nc\n');
    expect(consumeAndLeave(up.kafka, XSS_GROUP, 'spec_orders', 2)).toBe(2);
    await page.reload();
    const groups = page.locator('table.data', {has: page.getByRole('columnheader', {name: 'Committed partitions'})});
    await expect(groups.getByRole('link', {name: XSS_GROUP})).toBeVisible();
    await expect(groups.locator('tbody tr').first()).toContainText('1');  // lag 1
    expect(await page.evaluate(() => window.__xss)).toBeUndefined();
    await expect(page.locator('.stat-value').nth(1)).toHaveText('3');  // messages
    await page.screenshot({path: screenshotPath('topic'), fullPage: true});

    await page.goto(up.console + '/#/topics');
    await expect(page.getByRole('link', {name: 'spec_orders'})).toBeVisible();
    await page.screenshot({path: screenshotPath('topics'), fullPage: true});
    await page.getByRole('link', {name: 'spec_orders'}).click();
    await page.getByRole('button', {name: 'Delete topic'}).click();
    await page.getByRole('dialog').getByRole('button', {name: 'Delete'}).click();
    await expect(page).toHaveURL(/#\/topics$/);
    await expect(page.getByRole('link', {name: 'spec_orders'})).toHaveCount(0);
    expect(kcat(up.kafka, ['-L'])).not.toContain('spec_orders');
    con.check();
  } finally {
    await up.stop();
  }
});
