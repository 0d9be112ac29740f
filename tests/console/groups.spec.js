// Consumer groups in Chromium against a real kappa up: a confluent-kafka group's lag per
// partition on the page matches `kappa groups describe`; resetting it to the earliest
// offsets from the page (with confirmation) is what the CLI then reports.
const {test, expect} = require('@playwright/test');
const {startKappa, watchConsole, screenshotPath} = require('./kappa');
const {kcat, consumeAndLeave, lagFromCli} = require('./kafka_clients');

test('groups: lag matches kappa groups describe; reset', async ({page}) => {
  const up = await startKappa();
  const con = watchConsole(page);
  try {
    kcat(up.kafka, ['-L', '-t', 'spec_work']);
    const lines = Array.from({length: 10}, (_, i) => 'w' + i).join('\n') + '\n';
    kcat(up.kafka, ['-P', '-t', 'spec_work'], lines);
    expect(consumeAndLeave(up.kafka, 'spec-group', 'spec_work', 6)).toBe(6);
    const cli = lagFromCli(up.kafka, 'spec-group');
    expect(cli).toEqual({'spec_work/0': 4});

    await page.goto(up.console + '/#/groups');
    const row = page.locator('tr', {has: page.getByRole('link', {name: 'spec-group'})});
    await expect(row).toContainText('4');
    await page.screenshot({path: screenshotPath('groups'), fullPage: true});
    await row.getByRole('link', {name: 'spec-group'}).click();
    await expect(page.locator('#group-lag')).toHaveText('4');
    const offsets = page.locator('table.data', {has: page.getByRole('columnheader', {name: 'Committed'})});
    const cells = offsets.locator('tbody tr').first().locator('td');
    await expect(cells.nth(0)).toHaveText('spec_work');
    await expect(cells.nth(4)).toHaveText(String(cli['spec_work/0']));
    await page.screenshot({path: screenshotPath('group'), fullPage: true});

    await page.getByLabel('To', {exact: true}).selectOption('earliest');
    await page.getByRole('button', {name: 'Reset offsets'}).click();
    await page.getByRole('dialog').getByRole('button', {name: 'Reset'}).click();
    await expect(page.getByRole('status')).toContainText('Offsets reset');
    await expect(page.locator('#group-lag')).toHaveText('10');
    expect(lagFromCli(up.kafka, 'spec-group')).toEqual({'spec_work/0': 10});
    con.check();
  } finally {
    await up.stop();
  }
});
