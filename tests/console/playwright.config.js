// Playwright for the console's specs: Debian's chromium (no browser download), one worker
// (the machine is small and each spec starts its own `kappa up`), artifacts (screenshots,
// traces of failures) under $KAPPA_ARTIFACTS.
const {defineConfig} = require('@playwright/test');
const path = require('path');

const artifacts = process.env.KAPPA_ARTIFACTS || path.join(__dirname, '..', '..', 'build',
  'test-artifacts', 'console');

module.exports = defineConfig({
  testDir: __dirname,
  testMatch: '*.spec.js',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: {timeout: 15_000},
  outputDir: path.join(artifacts, 'results'),
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    viewport: {width: 1280, height: 860},
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    },
  },
});
