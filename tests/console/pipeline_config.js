// The pipeline the Jobs and Tables specs run `kappa up` with (tests/console/kappa.js starts
// it, every listener on a free port): a topic with its dead-letter topic, a table, a job.
const fs = require('fs');
const os = require('os');
const path = require('path');

const CONFIG = `
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
`;

// The args for startKappa: ['--config', FILE] (the file in a fresh temp directory).
function pipelineArgs() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kappa-console-pipeline-'));
  const file = path.join(dir, 'kappa.yaml');
  fs.writeFileSync(file, CONFIG);
  return ['--config', file];
}

// GET a console API path; the parsed JSON (throws on an HTTP error).
async function getJson(base, p) {
  const r = await fetch(base + p);
  if (!r.ok) throw new Error(p + ': HTTP ' + r.status + ' ' + await r.text());
  return r.json();
}

// Polls the job until `pred` holds (30 s at most).
async function waitForJob(base, pred, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const j = await getJson(base, '/api/console/jobs/users_to_table');
    if (pred(j)) return j;
    if (Date.now() > deadline) throw new Error('the job did not get there: ' + JSON.stringify(j));
    await new Promise((r) => setTimeout(r, 100));
  }
}

// The DataStax Node.js driver of the test clients (tests/clients: npm ci there).
function cassandraDriver() {
  return require(path.join(__dirname, '..', 'clients', 'node_modules', 'cassandra-driver'));
}

module.exports = {pipelineArgs, getJson, waitForJob, cassandraDriver};
