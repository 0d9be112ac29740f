// `kappa up` for the Jobs and Tables specs: a topic with a dead-letter topic, a table and a
// job, on free ports (Kafka, CQL, console), stopped with SIGTERM. Helpers to call the API
// and wait for the job.
const {spawn} = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const KAPPA = process.env.KAPPA_BIN || path.join(__dirname, '..', '..', 'build', 'kappa');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const {port} = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, timeoutMs = 30000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => { c.end(); resolve(true); });
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error('nothing listening on 127.0.0.1:' + port);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const CONFIG = (p) => `
topics:
  - {name: users, partitions: 2}
  - {name: users.dlq, partitions: 1}
keyspaces:
  - name: ks
    replication: {class: SimpleStrategy, replication_factor: 1}
    tables:
      - name: users
        primary_key: [id]
        columns: {id: int, name: text}
jobs:
  - name: users_to_table
    topic: users
    table: ks.users
listeners:
  kafka: "127.0.0.1:${p.kafka}"
  cql: "127.0.0.1:${p.cql}"
  http: "off"
  console: "127.0.0.1:${p.console}"
`;

async function startPipelineUp(testInfo) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kappa-console-pipeline-'));
  const ports = {kafka: await freePort(), cql: await freePort(), console: await freePort()};
  fs.writeFileSync(path.join(dir, 'kappa.yaml'), CONFIG(ports));
  const proc = spawn(KAPPA, ['up', '--config', path.join(dir, 'kappa.yaml'), '--data-dir',
    path.join(dir, 'data'), '--json'], {stdio: ['ignore', 'ignore', 'pipe']});
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr = (stderr + d).slice(-4000); });
  try {
    for (const p of Object.values(ports)) await waitForPort(p);
  } catch (e) {
    proc.kill('SIGKILL');
    throw new Error(e.message + '\n' + stderr);
  }
  const consoleUrl = 'http://127.0.0.1:' + ports.console;
  const artifacts = process.env.KAPPA_CONSOLE_ARTIFACTS || testInfo.outputDir;
  fs.mkdirSync(artifacts, {recursive: true});
  const api = async (p) => {
    const r = await fetch(consoleUrl + p);
    if (!r.ok) throw new Error(p + ': HTTP ' + r.status + ' ' + await r.text());
    return r.json();
  };
  return {
    kafka: '127.0.0.1:' + ports.kafka,
    cqlPort: ports.cql,
    console: consoleUrl,
    api,
    artifact: (name) => path.join(artifacts, name),
    async waitForJob(pred, timeoutMs = 30000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const j = await api('/api/console/jobs/users_to_table');
        if (pred(j)) return j;
        if (Date.now() > deadline) throw new Error('job not there: ' + JSON.stringify(j));
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 30000);
        await exited;
        clearTimeout(t);
      }
      fs.rmSync(dir, {recursive: true, force: true});
    },
  };
}

// The DataStax Node.js driver from the test clients (tests/clients, npm ci).
function cassandraDriver() {
  return require(path.join(__dirname, '..', 'clients', 'node_modules', 'cassandra-driver'));
}

module.exports = {startPipelineUp, cassandraDriver, KAPPA};
