// The shell and the Overview page against a real `kappa up` (default config): navigation,
// no console errors, the counters rising after kcat produces records (stored rows and a dead
// letter), live updates over SSE, light and dark screenshots.
const {test, expect} = require('@playwright/test');
const {startKappa, kcatProduce, watchConsole, screenshotPath} = require('./kappa');

let kappa;
test.beforeAll(async () => { kappa = await startKappa(); });
test.afterAll(async () => { if (kappa) await kappa.stop(); });

function user(i) {
  // A row of spark_streams.created_users (the job users_to_cassandra stores it).
  return JSON.stringify({id: '00000000-0000-4000-8000-' + String(i).padStart(12, '0'),
    first_name: 'Ada' + i, last_name: 'Lovelace', gender: 'female', address: 'x',
    post_code: '1', email: 'a@b.c', username: 'ada' + i, dob: '1815-12-10',
    registered_date: '2020-01-01', phone: '1', picture: 'p'});
}

test('overview shows the pipeline and its counters rise', async ({page}) => {
  const con = watchConsole(page);
  const t0 = Date.now();
  await page.goto(kappa.console + '/');
  await expect(page.getByRole('heading', {name: 'Overview'})).toBeVisible();
  const loadMs = Date.now() - t0;
  // The navigation lists every page of pages/index.js.
  const nav = page.getByRole('navigation', {name: 'Pages'});
  for (const title of ['Overview', 'Topics', 'Messages', 'Consumer groups', 'Jobs', 'Tables',
    'Schemas', 'DAGs']) {
    await expect(nav.getByRole('link', {name: title, exact: true})).toBeVisible();
  }
  await expect(nav.getByRole('link', {name: 'Overview'})).toHaveAttribute('aria-current', 'page');
  // The listeners it reports are the ones kappa up bound.
  await expect(page.getByText('kafka ' + kappa.kafka)).toBeVisible();
  await expect(page.locator('#stat-rss')).toHaveText(/MiB|GiB/);
  await expect(page.getByRole('cell', {name: 'users_to_cassandra'})).toBeVisible();

  // 200 valid users and one record that is not JSON (a dead letter), with kcat.
  const lines = [];
  for (let i = 0; i < 200; i++) lines.push(user(i));
  lines.push('this is not json');
  kcatProduce(kappa.kafka, 'users_created', lines);

  // The live feed (SSE, once a second) brings the rates; no reload.
  await expect.poll(async () => page.locator('#stat-produced').textContent(),
    {timeout: 20_000}).toMatch(/^[1-9][0-9.]*k?\/s$/);
  await expect.poll(async () => page.locator('#stat-stored').textContent(),
    {timeout: 20_000}).toMatch(/^[1-9][0-9.]*k?\/s$/);
  await expect.poll(async () => page.locator('#stat-dead').textContent(),
    {timeout: 20_000}).toMatch(/^0\.[0-9]+\/s$|^[1-9]/);
  await expect.poll(async () => page.locator('#stat-latency').textContent(),
    {timeout: 20_000}).not.toBe('–');
  // The charts' legends carry the figures as text.
  await expect(page.getByRole('figure').filter({hasText: 'Produced'})).toContainText('produced:');

  // The API the page reads says the same.
  const o = await (await page.request.get(kappa.console + '/api/console/overview')).json();
  expect(o.disk.log_bytes).toBeGreaterThan(0);
  expect(o.jobs.map((j) => j.job)).toContain('users_to_cassandra');

  await page.waitForTimeout(1500);  // let the charts draw a few live points
  await page.screenshot({path: screenshotPath('overview'), fullPage: true});
  await page.getByLabel('Theme').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.screenshot({path: screenshotPath('overview-dark'), fullPage: true});
  con.check();
  console.log('overview: heading visible ' + loadMs + ' ms after navigation');
});

test('keyboard: Alt+n opens the n-th page, unknown routes say so, pages clean up', async ({page}) => {
  const con = watchConsole(page);
  await page.goto(kappa.console + '/#/overview');
  await expect(page.getByRole('heading', {name: 'Overview'})).toBeVisible();
  await page.keyboard.press('Alt+1');
  await expect(page).toHaveURL(/#\/overview$/);
  await page.goto(kappa.console + '/#/no-such-page');
  await expect(page.getByRole('heading', {name: 'Not found'})).toBeVisible();
  await page.getByRole('link', {name: 'Overview'}).first().click();
  await expect(page.getByRole('heading', {name: 'Overview'})).toBeVisible();
  // On a fresh load, Tab reaches the skip link first.
  await page.goto(kappa.console + '/#/overview');
  await expect(page.getByRole('heading', {name: 'Overview'})).toBeVisible();
  // Tab moves the focus to a real control (links, the theme select), never lost.
  await page.keyboard.press('Tab');
  expect(await page.evaluate(() => document.activeElement && document.activeElement.tagName))
    .toMatch(/^(A|SELECT|BUTTON)$/);
  con.check();
});
