// Message browser in Chromium against a real kappa up: a message produced with kcat (key,
// headers and a JSON value holding XSS payloads) shows with every field as text and the
// value pretty-printed; the substring filter finds it; the produce form writes a message
// kcat reads back.
const {test, expect} = require('@playwright/test');
const {startKappa, watchConsole, screenshotPath} = require('./kappa');
const {kcat} = require('./kafka_clients');

const XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>';

test('messages: kcat record shown as text, filter, produce', async ({page}) => {
  const up = await startKappa();
  const con = watchConsole(page);
  try {
    kcat(up.kafka, ['-L', '-t', 'spec_msgs']);  // auto-creates it (one partition)
    const value = JSON.stringify({user: {name: 'ann', bio: XSS}, n: 7});
    kcat(up.kafka, ['-P', '-t', 'spec_msgs', '-K', '|', '-H', 'trace=' + XSS], XSS + '|' + value + '\n');
    kcat(up.kafka, ['-P', '-t', 'spec_msgs'], 'second\n');

    await page.goto(up.console + '/#/messages/spec_msgs');
    const rows = page.locator('tr.message');
    await expect(rows).toHaveCount(2);
    const first = rows.first();
    await expect(first.locator('.msg-key')).toHaveText(XSS);
    await expect(first.locator('.msg-headers')).toContainText('trace: ' + XSS);
    await expect(first.locator('.msg-value pre.json')).toContainText('"name": "ann"');
    await expect(first.locator('.msg-value')).toContainText(JSON.stringify(XSS));
    expect(await page.evaluate(() => window.__xss)).toBeUndefined();
    expect(await page.locator('tr.message img, tr.message script').count()).toBe(0);
    await page.screenshot({path: screenshotPath('messages'), fullPage: true});

    await page.getByLabel('Contains').fill('second');
    await page.getByRole('button', {name: 'Load'}).click();
    await expect(rows).toHaveCount(1);
    await expect(rows.first().locator('.msg-value')).toHaveText('second');

    await page.getByLabel('Key', {exact: true}).fill('form-key');
    await page.getByLabel('Value', {exact: true}).fill('{"from": "form"}');
    await page.getByLabel('Headers').fill('origin: console');
    await page.getByRole('button', {name: 'Produce'}).click();
    await expect(page.getByRole('status')).toContainText('at offset 2');
    const back = kcat(up.kafka, ['-C', '-t', 'spec_msgs', '-o', '2', '-c', '1', '-e', '-f', '%k|%s|%h']);
    expect(back.trim()).toBe('form-key|{"from": "form"}|origin=console');
    con.check();
  } finally {
    await up.stop();
  }
});

test('messages: a large value is shown cut, with its whole size', async ({page}) => {
  const up = await startKappa();
  const con = watchConsole(page);
  try {
    kcat(up.kafka, ['-L', '-t', 'spec_big']);
    kcat(up.kafka, ['-P', '-t', 'spec_big'], 'y'.repeat(100000) + '\n');
    await page.goto(up.console + '/#/messages/spec_big');
    const rows = page.locator('tr.message');
    await expect(rows).toHaveCount(1);
    const value = rows.first().locator('.msg-value');
    await expect(value).toContainText('cut for display: the first 64 KiB of 100000 bytes shown');
    expect((await value.locator('pre').textContent()).length).toBe(65536);
    await page.screenshot({path: screenshotPath('messages-truncated')});
    con.check();
  } finally {
    await up.stop();
  }
});
