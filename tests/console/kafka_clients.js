// Real Kafka clients for the kafka pages' browser specs: kcat produces, confluent-kafka
// (Debian's python3-confluent-kafka, through /usr/bin/python3) runs a consumer group, and
// `kappa groups describe --bootstrap` is the oracle for lag.
const {execFileSync} = require('node:child_process');

const {KAPPA} = require('./kappa');

function kcat(bootstrap, args, input) {
  return execFileSync('kcat', ['-b', bootstrap, ...args], {input, encoding: 'utf8', timeout: 60000});
}

// Consumes `count` records of `topic` in group `group` (committing each), then leaves.
function consumeAndLeave(bootstrap, group, topic, count) {
  const script = `
import sys, time
from confluent_kafka import Consumer
c = Consumer({"bootstrap.servers": sys.argv[1], "group.id": sys.argv[2], "client.id": "spec-worker",
              "enable.auto.commit": False, "auto.offset.reset": "earliest"})
c.subscribe([sys.argv[3]])
got, deadline = 0, time.time() + 30
while got < int(sys.argv[4]) and time.time() < deadline:
    m = c.poll(1.0)
    if m is not None and m.error() is None:
        got += 1
        c.commit(message=m, asynchronous=False)
c.close()
print(got)
`;
  const out = execFileSync('/usr/bin/python3', ['-c', script, bootstrap, group, topic, String(count)],
    {encoding: 'utf8', timeout: 60000});
  return Number(out.trim());
}

// {"topic/partition": lag} from `kappa groups describe GROUP --bootstrap`.
function lagFromCli(bootstrap, group) {
  const out = execFileSync(KAPPA, ['groups', 'describe', group, '--bootstrap', bootstrap],
    {encoding: 'utf8', timeout: 60000});
  const rows = {};
  for (const line of out.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length === 5 && /^\d+$/.test(f[1])) rows[f[0] + '/' + f[1]] = Number(f[4]);
  }
  return rows;
}

module.exports = {kcat, consumeAndLeave, lagFromCli};
