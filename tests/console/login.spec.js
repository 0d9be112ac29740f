// Off loopback the console needs users: `kappa up` refuses to start without them, and with
// them every page's data needs a login (session cookie HttpOnly, SameSite=Strict) and every
// change the session's CSRF token.
const {test, expect} = require('@playwright/test');
const {execFileSync, spawnSync} = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const {startKappa, watchConsole, screenshotPath, KAPPA} = require('./kappa');

const PASSWORD = 'a long and unusual passphrase';
let kappa;
let configDir;

test.beforeAll(async () => {
  configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kappa-console-login-'));
  const hash = execFileSync(KAPPA, ['console', 'hash-password', '--user', 'ops',
    '--iterations', '20000'], {input: PASSWORD + '\n'}).toString().trim();
  expect(hash).toMatch(/^pbkdf2-sha512\$20000\$[0-9a-f]+\$[0-9a-f]{128}$/);
  const config = execFileSync(KAPPA, ['up', '--print-default-config']).toString() +
    '\nconsole:\n  users:\n    - {name: ops, password_hash: "' + hash + '"}\n';
  const file = path.join(configDir, 'kappa.yaml');
  fs.writeFileSync(file, config);
  kappa = await startKappa({args: ['--config', file], consoleListen: '0.0.0.0:0'});
});
test.afterAll(async () => {
  if (kappa) await kappa.stop();
  fs.rmSync(configDir, {recursive: true, force: true});
});

test('off loopback without users kappa up refuses to start', () => {
  const r = spawnSync(KAPPA, ['up', '--check', '--console-listen', '0.0.0.0:0'],
    {encoding: 'utf8'});
  expect(r.status).not.toBe(0);
  expect(r.stderr).toContain('console.users');
});

test('login is required and the session cookie is HttpOnly and SameSite=Strict', async ({page, request}) => {
  const con = watchConsole(page, /status of (401|403)/);
  // Without a session the data is refused (the pages themselves hold no data).
  const anon = await request.get(kappa.console + '/api/console/overview');
  expect(anon.status()).toBe(401);

  await page.goto(kappa.console + '/');
  await expect(page.getByRole('heading', {name: 'Log in to the kappa console'})).toBeVisible();
  await expect(page.getByRole('navigation', {name: 'Pages'}).getByRole('link')).toHaveCount(0);
  await page.getByLabel('User').fill('ops');
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', {name: 'Log in'}).click();
  await expect(page.getByRole('alert')).toContainText('wrong user name or password');
  await page.screenshot({path: screenshotPath('login'), fullPage: true});

  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', {name: 'Log in'}).click();
  await expect(page.getByRole('heading', {name: 'Overview'})).toBeVisible();
  await expect(page.locator('#user')).toHaveText('ops');
  const cookie = (await page.context().cookies()).find((c) => c.name === 'kappa_console_session');
  expect(cookie).toBeTruthy();
  expect(cookie.httpOnly).toBe(true);
  expect(cookie.sameSite).toBe('Strict');
  // Scripts cannot read it.
  expect(await page.evaluate(() => document.cookie)).not.toContain('kappa_console_session');

  // A change without the token is refused even with the session; with it, it is done.
  const r = await page.evaluate(async () => {
    const bare = await fetch('/api/console/logout', {method: 'POST'});
    const s = await (await fetch('/api/console/session')).json();
    const stale = await fetch('/api/console/logout', {method: 'POST',
      headers: {'X-CSRF-Token': '0'.repeat(64)}});
    return {bare: bare.status, code: (await bare.json()).error_code, stale: stale.status,
      user: s.user};
  });
  expect(r).toEqual({bare: 403, code: 40301, stale: 403, user: 'ops'});

  await page.getByRole('button', {name: 'Log out'}).click();
  await expect(page.getByRole('heading', {name: 'Log in to the kappa console'})).toBeVisible();
  const after = await page.request.get(kappa.console + '/api/console/overview');
  expect(after.status()).toBe(401);
  con.check();
});
