// docs/benchmarks/console.md: how long a console page takes to be usable, in Chromium
// (Debian's), for the pages issue 23 names: a topic of 100 partitions, its messages, and a
// table of a million rows. Usable = its data is on screen: the timer runs from the start of
// page.goto until the page's data rows are visible. Each page is loaded --runs times in a
// fresh page (a cold start of the app each time). Run by scripts/console-pages.py, which
// prepares the data; by hand:
//   NODE_PATH=tests/console/node_modules node scripts/console-pages.js BASE_URL TOPIC KS TABLE RUNS ROWS
const {chromium} = require('@playwright/test');

async function main() {
  const [base, topic, ks, table, runsArg, rowsArg] = process.argv.slice(2);
  const runs = Number(runsArg || 5);
  const browser = await chromium.launch({executablePath: '/usr/bin/chromium'});
  const pages = [
    ['topic, 100 partitions', `/#/topics/${topic}`, 'table.data tbody tr >> nth=99'],
    ['messages of it (all partitions, newest 50)', `/#/messages/${topic}`, 'tr.message >> nth=0'],
    [`table of ${Number(rowsArg || 1000000).toLocaleString('en')} rows (rows, 50 a page)`,
     `/#/tables/${ks}/${table}`,
     'section:has(h2:text("Rows")) tbody tr >> nth=0'],
  ];
  const show = (what, times) => {
    times.sort((a, b) => a - b);
    console.log(`${what}: ${times.join(', ')} ms (median ${times[Math.floor(times.length / 2)]})`);
  };
  // The floor of a cold load on this machine: a fresh tab loading the app to a page that
  // needs no data (the "no such page" notice).
  const floor = [];
  for (let i = 0; i < runs; i++) {
    const page = await browser.newPage();
    const t0 = Date.now();
    await page.goto(base + '/#/no-such-page');
    await page.getByText('There is no page').waitFor({state: 'visible', timeout: 30000});
    floor.push(Date.now() - t0);
    await page.close();
  }
  show('cold load of the app, no data (floor)', floor);
  for (const [name, path, selector] of pages) {
    // Cold: a fresh tab opening the page's URL.
    const cold = [];
    for (let i = 0; i < runs; i++) {
      const page = await browser.newPage();
      const t0 = Date.now();
      await page.goto(base + path);
      await page.locator(selector).waitFor({state: 'visible', timeout: 30000});
      cold.push(Date.now() - t0);
      await page.close();
    }
    show(`${name}, cold tab`, cold);
    // In the app: from another page to this one (the app already loaded, as when a user
    // clicks through the navigation).
    const warm = [];
    const page = await browser.newPage();
    for (let i = 0; i < runs; i++) {
      await page.goto(base + '/#/no-such-page');
      await page.getByText('There is no page').waitFor({state: 'visible', timeout: 30000});
      const t0 = Date.now();
      await page.evaluate((h) => { location.hash = h; }, path.slice(1));
      await page.locator(selector).waitFor({state: 'visible', timeout: 30000});
      warm.push(Date.now() - t0);
    }
    await page.close();
    show(`${name}, navigated to in the app`, warm);
  }
  await browser.close();
}
main().catch((e) => { console.error(e); process.exit(1); });
