// The DataStax Node.js driver over TLS with a password, as its users configure it
// (sslOptions with the CA, PlainTextAuthProvider). Usage:
//   node node_tls_check.js PORT CA_FILE USER PASSWORD EXPECT
// EXPECT: "ok" (connect, write, read), "auth" (AuthenticationError expected),
// "untrusted" (a TLS verification error expected). Prints "node tls <EXPECT> ok".
const cassandra = require('cassandra-driver');
const assert = require('assert');
const fs = require('fs');

async function main() {
  const [port, caFile, user, password, expect] = process.argv.slice(2);
  const client = new cassandra.Client({
    contactPoints: ['127.0.0.1'], localDataCenter: 'datacenter1',
    protocolOptions: { port: parseInt(port, 10), maxVersion: 4 },
    sslOptions: { ca: [fs.readFileSync(caFile)], host: '127.0.0.1', rejectUnauthorized: true },
    authProvider: new cassandra.auth.PlainTextAuthProvider(user, password),
    socketOptions: { connectTimeout: 10000 },
  });
  try {
    await client.connect();
    if (expect !== 'ok') throw new Error(`connected, but expected ${expect}`);
    await client.execute("CREATE KEYSPACE IF NOT EXISTS nodetls WITH replication = " +
                         "{'class': 'SimpleStrategy', 'replication_factor': 1}");
    await client.execute('CREATE TABLE IF NOT EXISTS nodetls.t (k int PRIMARY KEY, v text)');
    for (let i = 0; i < 20; i++) {
      await client.execute('INSERT INTO nodetls.t (k, v) VALUES (?, ?)', [i, `v${i}`],
                           { prepare: true });
    }
    const r = await client.execute('SELECT v FROM nodetls.t WHERE k = ?', [7], { prepare: true });
    assert.strictEqual(r.rows[0].v, 'v7');
  } catch (e) {
    if (expect === 'ok') throw e;
    // NoHostAvailableError wraps each host's error.
    const inner = Object.values(e.innerErrors || {}).map((x) => `${x.name}: ${x.message} ${x.code || ''}`).join('; ');
    const text = `${e.name}: ${e.message} ${inner}`;
    if (expect === 'auth') assert.match(text, /AuthenticationError/, text);
    if (expect === 'untrusted') assert.match(text, /UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify|self.signed|certificate/i, text);
  } finally {
    await client.shutdown();
  }
  console.log(`node tls ${expect} ok`);
}

main().catch((e) => { console.error(e); process.exit(1); });
