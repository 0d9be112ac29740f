// The Schemas page against a real `kappa up`: subjects registered with Confluent's own
// SchemaRegistryClient (python3-confluent-kafka) appear with their versions; the diff of two
// versions shows the added field and the registry's verdict; a subject name holding markup
// renders as text; no console errors. Screenshots: schemas-list, schemas-diff.
const {test, expect} = require('@playwright/test');
const {execFileSync} = require('child_process');
const {startKappa, watchConsole, screenshotPath} = require('./kappa');

const XSS = '<img src=x onerror="window.__xss=1">';
const V1 = {type: 'record', name: 'User', namespace: 'com.acme',
  fields: [{name: 'name', type: 'string'}]};
const V2 = {...V1, fields: [...V1.fields, {name: 'age', type: 'int', default: 0}]};

// Registers [subject, schema] pairs with Confluent's Python client; returns their ids.
function register(registryUrl, pairs) {
  const script = `
import json, sys
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
c = SchemaRegistryClient({"url": sys.argv[1]})
print(json.dumps([c.register_schema(s, Schema(t, "AVRO")) for s, t in json.loads(sys.argv[2])]))
`;
  const out = execFileSync('/usr/bin/python3', ['-c', script, registryUrl,
    JSON.stringify(pairs.map(([s, t]) => [s, JSON.stringify(t)]))], {timeout: 30_000});
  return JSON.parse(out.toString());
}

let kappa;
test.beforeAll(async () => { kappa = await startKappa(); });
test.afterAll(async () => { if (kappa) await kappa.stop(); });

test('subjects, versions and a diff, as the registry has them', async ({page}) => {
  // The one expected error: the browser logs the 404 of the unknown subject at the end.
  const con = watchConsole(page, /404 \(Not Found\)/);
  const [id1, id2] = register('http://' + kappa.http,
    [['users-value', V1], ['users-value', V2], [XSS + '-value', V1]]);

  await page.goto(kappa.console + '/#/schemas');
  await expect(page.getByRole('heading', {name: 'Schemas'})).toBeVisible();
  const users = page.getByRole('link', {name: 'users-value', exact: true});
  await expect(users).toBeVisible();
  // The name with markup is a link whose text is the markup itself.
  await expect(page.getByRole('link', {name: XSS + '-value', exact: true})).toBeVisible();
  await expect(page.getByRole('row').filter({has: users})).toContainText(String(id2));
  await page.screenshot({path: screenshotPath('schemas-list'), fullPage: true});

  // The prefix filter asks the server again.
  await page.getByLabel('Subject prefix').fill('users');
  await expect(page.getByRole('link', {name: XSS + '-value', exact: true})).toHaveCount(0);
  await expect(users).toBeVisible();

  await users.click();
  await expect(page.getByRole('heading', {name: 'users-value', exact: true})).toBeVisible();
  await expect(page.getByText('BACKWARD (global)')).toBeVisible();
  const versions = page.getByRole('table').filter({hasText: 'Versions, newest first'});
  await expect(versions.getByRole('row').nth(1)).toContainText(String(id2));
  await expect(versions.getByRole('row').nth(2)).toContainText(String(id1));
  await expect(page.getByLabel('Schema text')).toContainText('"age"');

  await page.getByLabel('From version').fill('1');
  await page.getByLabel('To version').fill('2');
  await page.getByRole('button', {name: 'Compare'}).click();
  await expect(page).toHaveURL(/#\/schemas\/users-value\/diff\/1\/2$/);
  const diff = page.getByRole('table', {name: 'Schema diff'});
  await expect(diff.locator('.diff-add').filter({hasText: '"age"'})).toHaveCount(1);
  await expect(diff.locator('.diff-del')).toHaveCount(0);
  await expect(page.getByText('version 2 is compatible with version 1 at level BACKWARD'))
    .toBeVisible();
  await page.screenshot({path: screenshotPath('schemas-diff'), fullPage: true});

  // The subject with markup: its own page, heading as text, nothing executed.
  await page.goto(kappa.console + '/#/schemas/' + encodeURIComponent(XSS + '-value'));
  await expect(page.getByRole('heading', {name: XSS + '-value', exact: true})).toBeVisible();
  expect(await page.evaluate(() => window.__xss)).toBeUndefined();
  expect(await page.locator('img').count()).toBe(0);

  // An unknown subject: the error inline, the registry's message.
  await page.goto(kappa.console + '/#/schemas/nope');
  await expect(page.getByRole('alert')).toContainText("Subject 'nope' not found");
  con.check();
});
