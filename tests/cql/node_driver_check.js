// The DataStax Node.js driver against kappa: connect, prepared insert and select, paging via
// eachRow and stream. Usage: node node_driver_check.js PORT. Exits non-zero on failure.
const cassandra = require('cassandra-driver');
const assert = require('assert');

async function main() {
  const port = parseInt(process.argv[2], 10);
  const client = new cassandra.Client({
    contactPoints: ['127.0.0.1'], localDataCenter: 'datacenter1', protocolOptions: { port },
  });
  await client.connect();
  try {
    await client.execute("CREATE KEYSPACE IF NOT EXISTS nodeks WITH replication = " +
                         "{'class': 'SimpleStrategy', 'replication_factor': 1}");
    await client.execute('CREATE TABLE IF NOT EXISTS nodeks.users (id uuid PRIMARY KEY, name text, age int)');
    const ids = [];
    for (let i = 0; i < 120; i++) {
      const id = cassandra.types.Uuid.random();
      ids.push(id);
      await client.execute('INSERT INTO nodeks.users (id, name, age) VALUES (?, ?, ?)',
                           [id, `user${i}`, i], { prepare: true });
    }
    const one = await client.execute('SELECT name, age FROM nodeks.users WHERE id = ?', [ids[5]],
                                     { prepare: true });
    assert.strictEqual(one.rows.length, 1);
    assert.strictEqual(one.rows[0].name, 'user5');
    assert.strictEqual(one.rows[0].age, 5);

    // eachRow with autoPage across pages of 50.
    let count = 0;
    await new Promise((resolve, reject) => {
      client.eachRow('SELECT id FROM nodeks.users', [], { prepare: true, fetchSize: 50, autoPage: true },
                     () => { count++; }, (err) => (err ? reject(err) : resolve()));
    });
    assert.strictEqual(count, 120);

    // stream() pages too.
    let streamed = 0;
    await new Promise((resolve, reject) => {
      client.stream('SELECT name FROM nodeks.users', [], { prepare: true, fetchSize: 33 })
        .on('readable', function () { while (this.read()) streamed++; })
        .on('end', resolve).on('error', reject);
    });
    assert.strictEqual(streamed, 120);

    // Manual paging with pageState.
    const first = await client.execute('SELECT id FROM nodeks.users', [], { prepare: true, fetchSize: 100 });
    assert.strictEqual(first.rows.length, 100);
    assert.ok(first.pageState);
    const second = await client.execute('SELECT id FROM nodeks.users', [],
                                        { prepare: true, fetchSize: 100, pageState: first.pageState });
    assert.strictEqual(second.rows.length, 20);
    console.log('node driver ok');
  } finally {
    await client.shutdown();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
