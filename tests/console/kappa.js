// Starts and stops real `kappa up` processes for the console's specs: a temp data directory,
// every listener on a free port (port 0; the bound ones are read from the data directory's
// up.json), stopped with SIGTERM at the end. Also small helpers the specs share.
const {spawn, execFileSync} = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const KAPPA = process.env.KAPPA_BIN || path.join(__dirname, '..', '..', 'build', 'kappa');
const ARTIFACTS = process.env.KAPPA_ARTIFACTS ||
  path.join(__dirname, '..', '..', 'build', 'test-artifacts', 'console');

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

// kappa up with `args` (e.g. ['--config', file]); resolves once up.json names the console.
// Returns {console: 'http://127.0.0.1:PORT', kafka: '127.0.0.1:PORT', cql, http, dataDir,
// log(), stop()}.
async function startKappa({args = [], consoleListen = '127.0.0.1:0', env = {}} = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kappa-console-'));
  const dataDir = path.join(dir, 'data');
  const out = [];
  const child = spawn(KAPPA, ['up', '--data-dir', dataDir, '--kafka-listen', '127.0.0.1:0',
    '--cql-listen', '127.0.0.1:0', '--http-listen', '127.0.0.1:0',
    '--console-listen', consoleListen, ...args], {env: {...process.env, ...env},
    stdio: ['ignore', 'pipe', 'pipe']});
  child.stdout.on('data', (d) => out.push(d.toString()));
  child.stderr.on('data', (d) => out.push(d.toString()));
  let exited = null;
  child.on('exit', (code) => { exited = code; });
  const upJson = path.join(dataDir, 'up.json');
  const deadline = Date.now() + 60_000;
  let endpoints = null;
  while (Date.now() < deadline) {
    if (exited !== null) throw new Error('kappa up exited ' + exited + ':\n' + out.join(''));
    try {
      const doc = JSON.parse(fs.readFileSync(upJson, 'utf8'));
      if (doc.console) { endpoints = doc; break; }
    } catch { /* not yet */ }
    await sleep(100);
  }
  if (!endpoints) {
    child.kill('SIGKILL');
    throw new Error('kappa up did not report its console within 60 s:\n' + out.join(''));
  }
  const consoleHost = endpoints.console.replace(/^0\.0\.0\.0:/, '127.0.0.1:');
  return {
    console: 'http://' + consoleHost,
    kafka: endpoints.kafka,
    cql: endpoints.cql,
    http: endpoints.http,
    dataDir,
    log: () => out.join(''),
    async stop() {
      if (exited !== null) return;
      child.kill('SIGTERM');
      const until = Date.now() + 30_000;
      while (exited === null && Date.now() < until) await sleep(100);
      if (exited === null) child.kill('SIGKILL');
      fs.rmSync(dir, {recursive: true, force: true});
    },
  };
}

// Produces `lines` (one record each; "key\tvalue" with -K) with kcat, a real Kafka client.
function kcatProduce(broker, topic, lines, {keyed = false, headers = []} = {}) {
  const args = ['-b', broker, '-t', topic, '-P'];
  if (keyed) args.push('-K', '\t');
  for (const h of headers) args.push('-H', h);
  execFileSync('kcat', args, {input: lines.join('\n') + '\n', timeout: 30_000});
}

// Collects console errors and page errors; `check()` fails the test if any appeared.
// `allow`: a RegExp of messages the test expects (the browser logs every 4xx answer, e.g. a
// refused login's 401, as an error).
function watchConsole(page, allow = null) {
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !(allow && allow.test(m.text()))) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  return {errors, check() {
    if (errors.length) throw new Error('console errors:\n' + errors.join('\n'));
  }};
}

function screenshotPath(name) {
  fs.mkdirSync(ARTIFACTS, {recursive: true});
  return path.join(ARTIFACTS, name + '.png');
}

module.exports = {startKappa, kcatProduce, watchConsole, screenshotPath, sleep, KAPPA};
