// The console over HTTPS (listeners.console "https://HOST:PORT", security.tls) with a user of
// the data directory (`kappa users add`): the browser logs in over TLS and the session cookie
// is Secure. Certificates from tests/security_certs.py (openssl CLI); Chromium does not know
// the test CA, so the context ignores certificate errors (curl and the Python tests in
// tests/security/ check the chain itself).
const {test, expect} = require('@playwright/test');
const {execFileSync} = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const {startKappa, watchConsole, screenshotPath, KAPPA} = require('./kappa');

const PASSWORD = 'a long and unusual passphrase';
let kappa;
let dir;
let httpsUrl;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const {port} = s.address();
      s.close(() => resolve(port));
    });
  });
}

test.use({ignoreHTTPSErrors: true});

test.beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kappa-console-https-'));
  const certs = path.join(dir, 'certs');
  execFileSync('/usr/bin/python3', [path.join(__dirname, '..', 'security_certs.py'), certs]);
  const config = execFileSync(KAPPA, ['up', '--print-default-config']).toString() +
    `\nsecurity:\n  tls: {cert: "${certs}/server.pem", key: "${certs}/server.key"}\n`;
  const file = path.join(dir, 'kappa.yaml');
  fs.writeFileSync(file, config);
  const port = await freePort();
  // A plain loopback address first (up.json reports it, startKappa waits for it), the HTTPS
  // one beside it.
  kappa = await startKappa({args: ['--config', file],
    consoleListen: `127.0.0.1:0,https://127.0.0.1:${port}`});
  httpsUrl = `https://127.0.0.1:${port}`;
  // Added while kappa up runs: the console asks for logins from the next request on.
  execFileSync(KAPPA, ['users', 'add', 'ops', '--data-dir', kappa.dataDir, '--password-stdin'],
    {input: PASSWORD});
});
test.afterAll(async () => {
  if (kappa) await kappa.stop();
  fs.rmSync(dir, {recursive: true, force: true});
});

test('login over HTTPS with a data-directory user; the session cookie is Secure', async ({page}) => {
  const con = watchConsole(page, /status of (401|403)/);
  await expect.poll(async () => (await page.request.get(httpsUrl + '/api/console/overview')).status(),
    {timeout: 15_000}).toBe(401);
  await page.goto(httpsUrl + '/');
  await expect(page.getByRole('heading', {name: 'Log in to the kappa console'})).toBeVisible();
  await page.getByLabel('User').fill('ops');
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', {name: 'Log in'}).click();
  await expect(page.getByRole('alert')).toContainText('wrong user name or password');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', {name: 'Log in'}).click();
  await expect(page.getByRole('heading', {name: 'Overview'})).toBeVisible();
  await expect(page.locator('#user')).toHaveText('ops');
  expect(new URL(page.url()).protocol).toBe('https:');
  const cookie = (await page.context().cookies()).find((c) => c.name === 'kappa_console_session');
  expect(cookie).toBeTruthy();
  expect(cookie.secure).toBe(true);
  expect(cookie.httpOnly).toBe(true);
  await page.screenshot({path: screenshotPath('https-overview'), fullPage: true});
  // Plain HTTP on the HTTPS port: a readable 400, not a hang.
  const plain = await page.request.get(`http://127.0.0.1:${new URL(httpsUrl).port}/`);
  expect(plain.status()).toBe(400);
  con.check();
});
