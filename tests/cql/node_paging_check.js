// The DataStax Node.js driver pages every SELECT shape of tests/cql/test_paging.py: for each
// shape, page size and mode (the literal statement unprepared, the statement with bind
// markers prepared) it follows pageState to the end and compares the rows with the expected
// ones; then each bad paging state must be a ResponseError 0x000A ("Invalid value for the
// paging state") on a connection that keeps serving.
// Usage: node node_paging_check.js PORT SHAPES.json PROTOCOL_VERSION. Exits non-zero on a
// mismatch.
const cassandra = require('cassandra-driver');
const fs = require('fs');

function plain(v) {
  if (v === null || typeof v === 'number' || typeof v === 'string') return v;
  if (cassandra.types.Long.isLong(v)) return v.toNumber();
  return v.toString();
}

// A parameter from the JSON file: {"long": "digits"} for integers beyond a double's.
function fromJson(p) {
  return p !== null && typeof p === 'object' && 'long' in p ? cassandra.types.Long.fromString(p.long) : p;
}

async function fetchAll(client, cql, params, options) {
  const rows = [];
  let pageState;
  let pages = 0;
  do {
    const rs = await client.execute(cql, params, { ...options, pageState });
    if (rs.rows.length > options.fetchSize) {
      throw new Error(`a page of ${rs.rows.length} rows for fetchSize ${options.fetchSize}`);
    }
    for (const r of rs.rows) rows.push(r.values().map(plain));
    pageState = rs.pageState;
    if (++pages > 100000) throw new Error('paging does not end');
  } while (pageState);
  return rows;
}

async function main() {
  const port = parseInt(process.argv[2], 10);
  const { shapes, bad_states: badStates } = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
  const maxVersion = parseInt(process.argv[4], 10);
  const client = new cassandra.Client({
    contactPoints: ['127.0.0.1'], localDataCenter: 'datacenter1',
    protocolOptions: { port, maxVersion },
  });
  await client.connect();
  // The version the driver settled on (no public accessor; its control connection's).
  if (client.controlConnection.protocolVersion !== maxVersion) {
    console.log(`negotiated protocol v${client.controlConnection.protocolVersion}, wanted v${maxVersion}`);
    process.exit(1);
  }
  const failures = [];
  try {
    for (const s of shapes) {
      const want = JSON.stringify(s.expected);
      for (const fetchSize of s.fetch) {
        for (const prepare of [false, true]) {
          const got = prepare
            ? await fetchAll(client, s.cql, s.params.map(fromJson), { prepare, fetchSize })
            : await fetchAll(client, s.inline, [], { prepare, fetchSize });
          if (JSON.stringify(got) !== want) {
            failures.push(`${s.name} prepare=${prepare} fetchSize=${fetchSize}: ` +
                          `${got.length} rows, expected ${s.expected.length}`);
          }
        }
      }
    }
    for (const [name, hex] of Object.entries(badStates)) {
      for (const prepare of [false, true]) {
        try {
          const q = prepare ? 'SELECT * FROM ks.t WHERE k = ?' : 'SELECT * FROM ks.t WHERE k = 1';
          await client.execute(q, prepare ? [1] : [],
                               { prepare, fetchSize: 10, pageState: Buffer.from(hex, 'hex') });
          failures.push(`bad state ${name} prepare=${prepare}: accepted`);
        } catch (e) {
          if (e.code !== 0x000A || !/Invalid value for the paging state/.test(e.message)) {
            failures.push(`bad state ${name} prepare=${prepare}: ${e}`);
          }
        }
      }
    }
    const after = await client.execute('SELECT * FROM ks.t WHERE k = 2', [], { fetchSize: 100 });
    if (after.rows.length !== 37) failures.push(`after bad states: ${after.rows.length} rows`);
  } finally {
    await client.shutdown();
  }
  if (failures.length) {
    console.log(failures.join('\n'));
    process.exit(1);
  }
  console.log('node paging ok');
}

main().catch((e) => { console.error(e); process.exit(1); });
