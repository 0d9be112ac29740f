// The JS library's promise to every page (web/lib): values a user can produce render as
// text, never as markup; the API helper adds the CSRF token; the paged table pages on the
// server. Run in the real page (its CSP in force) against a real `kappa up`.
const {test, expect} = require('@playwright/test');
const {startKappa, watchConsole, screenshotPath} = require('./kappa');

let kappa;
test.beforeAll(async () => { kappa = await startKappa(); });
test.afterAll(async () => { if (kappa) await kappa.stop(); });

const XSS = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>\u0007"\'&';

test('dom, ui and table render hostile values as text', async ({page}) => {
  const con = watchConsole(page);
  await page.goto(kappa.console + '/');
  await expect(page.getByRole('heading', {name: 'Overview'})).toBeVisible();
  const result = await page.evaluate(async (payload) => {
    const {h} = await import('/assets/lib/dom.js');
    const ui = await import('/assets/lib/ui.js');
    const {pagedTable} = await import('/assets/lib/table.js');
    const box = h('div', {id: 'xss-box', title: payload, 'data-x': payload},
      h('span', {id: 'xss-text'}, payload),
      ui.jsonView({[payload]: payload, n: [1, null, true]}),
      ui.errorBox(new Error(payload)),
      ui.stateBadge(payload),
      h('a', {id: 'xss-link', href: 'javascript:window.__pwned=3'}, 'link'));
    const table = pagedTable({
      columns: [{key: 'k', title: payload}, {key: 'v', title: 'value'}],
      fetchPage: async (cursor) => cursor === null
        ? {items: [{k: payload, v: {nested: payload}}], next_cursor: 'p2'}
        : {items: [{k: 'second page', v: 2}], next_cursor: null},
    });
    table.id = 'xss-table';
    document.querySelector('main').append(box, table);
    let refused = '';
    try { h('div', {innerHTML: payload}); } catch (e) { refused = e.message; }
    let handler = '';
    try { h('div', {onclick: 'alert(1)'}); } catch (e) { handler = e.message; }
    await new Promise((r) => setTimeout(r, 300));
    return {pwned: window.__pwned || 0, imgs: document.querySelectorAll('main img').length,
      scripts: document.querySelectorAll('main script').length, refused, handler,
      href: document.getElementById('xss-link').getAttribute('href')};
  }, XSS);
  expect(result.pwned).toBe(0);
  expect(result.imgs).toBe(0);
  expect(result.scripts).toBe(0);
  expect(result.refused).toContain('innerHTML');
  expect(result.handler).toContain('function');
  expect(result.href).toBeNull();
  await expect(page.locator('#xss-text')).toHaveText(XSS);
  await expect(page.locator('#xss-box pre.json')).toContainText(JSON.stringify(XSS));
  await expect(page.locator('#xss-box .error')).toContainText('<script>');
  // Server-side paging: Next asks for the next cursor, Previous goes back.
  const t = page.locator('#xss-table');
  await expect(t.locator('td').first()).toHaveText(XSS);
  await t.getByRole('button', {name: 'Next →'}).click();
  await expect(t.locator('td').first()).toHaveText('second page');
  await expect(t.getByRole('button', {name: 'Next →'})).toBeDisabled();
  await t.getByRole('button', {name: '← Previous'}).click();
  await expect(t.locator('td').first()).toHaveText(XSS);
  await page.locator('#xss-box').scrollIntoViewIfNeeded();
  await page.screenshot({path: screenshotPath('lib-xss'), fullPage: true});
  con.check();
});

test('api() sends the CSRF token; a request without it is refused', async ({page}) => {
  await page.goto(kappa.console + '/');
  await expect(page.getByRole('heading', {name: 'Overview'})).toBeVisible();
  const r = await page.evaluate(async () => {
    const {api, ApiError} = await import('/assets/lib/api.js');
    const ok = await api('/api/console/logout', {method: 'POST'});
    const bare = await fetch('/api/console/logout', {method: 'POST'});
    let notFound = null;
    try { await api('nope/x'); } catch (e) { notFound = e instanceof ApiError ? e.status : -1; }
    return {ok, bare: bare.status, body: await bare.json(), notFound};
  });
  expect(r.ok).toEqual({user: null});
  expect(r.bare).toBe(403);
  expect(r.body.error_code).toBe(40301);
  expect(r.notFound).toBe(404);
});
