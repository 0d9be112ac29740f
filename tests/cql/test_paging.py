"""Paging of every SELECT shape, with the DataStax Python and Node.js drivers.

For each shape (partition key EQ and IN, clustering slices and prefixes, ORDER BY, ALLOW
FILTERING, LIMIT, PER PARTITION LIMIT, DISTINCT, token() ranges, full scans, aggregates) and
each page size, the rows fetched page by page must equal the rows the test computes from what
it inserted, in Cassandra's order, each exactly once; no page may be larger than asked; a
partition query with more rows than a page must say it has more pages. Both as QUERY (the
literal statement) and as EXECUTE of a prepared statement with bind markers.
"""
import json
import os
import socket
import struct
import subprocess

import pytest
from cassandra import InvalidRequest
from cassandra.cluster import Cluster, NoHostAvailable
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.murmur3 import murmur3
from cassandra.protocol import ProtocolException
from cassandra.query import SimpleStatement

from cql_server import CqlServer
from test_node_driver import CLIENTS, ensure_node_modules
from test_protocol_edges import error_of, frame, read_frame, string_map

FETCH_SIZES = [7, 100, 1000, 100000]
SMALL_RESULT = 150  # shapes with at most this many rows are also paged one row at a time


def tok(*ints):
    """Murmur3 token of an int partition key (or a compound key of ints), as Cassandra."""
    if len(ints) == 1:
        return murmur3(struct.pack(">i", ints[0]))
    return murmur3(b"".join(struct.pack(">H", 4) + struct.pack(">i", x) + b"\x00" for x in ints))


# --- the data, as the test inserts it; rows are tuples in SELECT * order -------------------
# t: PRIMARY KEY (k, c), regular columns declared (v, n): SELECT * gives k, c, n, v.
T_PARTS = {1: 1000, 2: 37, 3: 250, 4: 1, **{k: 3 for k in range(5, 25)}}
T = [(k, c, (k * 7 + c) % 10, f"v{k}_{c}") for k, n in T_PARTS.items() for c in range(n)]
T.sort(key=lambda r: (tok(r[0]), r[1]))
# d: PRIMARY KEY (k, c1, c2) WITH CLUSTERING ORDER BY (c1 DESC, c2 ASC).
D = [(k, c1, c2, k * 1000 + c1 * 10 + "abcde".index(c2))
     for k in range(3) for c1 in range(20) for c2 in "abcde"]
D.sort(key=lambda r: (tok(r[0]), -r[1], r[2]))
# kv: k PRIMARY KEY.
KV = sorted(((k, (k * 37) % 300) for k in range(300)), key=lambda r: tok(r[0]))
# cp: PRIMARY KEY ((a, b), c).
CP = sorted(((a, b, c, a * 100 + b * 10 + c) for a in range(3) for b in range(3) for c in range(10)),
            key=lambda r: (tok(r[0], r[1]), r[2]))
KV_TOKENS = sorted(tok(r[0]) for r in KV)
TLO, THI = KV_TOKENS[50], KV_TOKENS[200]


def part(rows, keys, pk=1, pred=lambda r: True, reverse=False):
    """Rows of the partitions `keys` (sorted, deduplicated, as Cassandra returns IN)."""
    out = []
    for key in sorted(set(keys)):
        key = key if isinstance(key, tuple) else (key,)
        p = [r for r in rows if r[:pk] == key and pred(r)]
        out += p[::-1] if reverse else p
    return out


def per_partition(rows, n, pk=1):
    out, seen = [], {}
    for r in rows:
        seen[r[:pk]] = seen.get(r[:pk], 0) + 1
        if seen[r[:pk]] <= n:
            out.append(r)
    return out


def cols(rows, *idx):
    return [tuple(r[i] for i in idx) for r in rows]


# (name, CQL with bind markers, params, expected rows)
SHAPES = [
    ("pk_eq", "SELECT * FROM ks.t WHERE k = ?", [1], part(T, [1])),
    ("pk_in", "SELECT * FROM ks.t WHERE k IN (3, ?, 2, 99, 1)", [1], part(T, [1, 2, 3])),
    ("ck_gt", "SELECT * FROM ks.t WHERE k = ? AND c > ?", [1, 500],
     part(T, [1], pred=lambda r: r[1] > 500)),
    ("ck_ge_lt", "SELECT * FROM ks.t WHERE k = 1 AND c >= ? AND c < ?", [100, 250],
     part(T, [1], pred=lambda r: 100 <= r[1] < 250)),
    ("ck_le", "SELECT * FROM ks.t WHERE k = 1 AND c <= ?", [42], part(T, [1], pred=lambda r: r[1] <= 42)),
    ("ck_gt_le", "SELECT * FROM ks.t WHERE k = 1 AND c > 10 AND c <= ?", [900],
     part(T, [1], pred=lambda r: 10 < r[1] <= 900)),
    ("ck_in", "SELECT * FROM ks.t WHERE k = 1 AND c IN (999, 5, ?, 5, 7)", [500],
     part(T, [1], pred=lambda r: r[1] in (5, 7, 500, 999))),
    ("order_desc", "SELECT * FROM ks.t WHERE k = ? ORDER BY c DESC", [1], part(T, [1], reverse=True)),
    ("order_desc_range", "SELECT * FROM ks.t WHERE k = 1 AND c < ? AND c >= 3 ORDER BY c DESC", [700],
     part(T, [1], pred=lambda r: 3 <= r[1] < 700, reverse=True)),
    ("filter_in_partition", "SELECT * FROM ks.t WHERE k = 1 AND n = ? ALLOW FILTERING", [3],
     part(T, [1], pred=lambda r: r[2] == 3)),
    ("filter_pk_in", "SELECT * FROM ks.t WHERE k IN (1, 3) AND n > ? ALLOW FILTERING", [7],
     part(T, [1, 3], pred=lambda r: r[2] > 7)),
    ("filter_scan", "SELECT * FROM ks.t WHERE n = ? ALLOW FILTERING", [7], [r for r in T if r[2] == 7]),
    ("filter_ck_scan", "SELECT * FROM ks.t WHERE c > ? ALLOW FILTERING", [240], [r for r in T if r[1] > 240]),
    ("full_scan", "SELECT * FROM ks.t", [], T),
    ("token_range", "SELECT * FROM ks.kv WHERE token(k) > ? AND token(k) <= ?", [TLO, THI],
     [r for r in KV if TLO < tok(r[0]) <= THI]),
    ("token_ge", "SELECT * FROM ks.t WHERE token(k) >= ?", [tok(3)], [r for r in T if tok(r[0]) >= tok(3)]),
    ("limit_large", "SELECT * FROM ks.t WHERE k = 1 LIMIT ?", [250], part(T, [1])[:250]),
    ("limit_small", "SELECT * FROM ks.t WHERE k = 1 AND c > 3 LIMIT ?", [5],
     part(T, [1], pred=lambda r: r[1] > 3)[:5]),
    ("limit_over", "SELECT * FROM ks.t WHERE k = 2 LIMIT ?", [5000], part(T, [2])),
    ("limit_in", "SELECT * FROM ks.t WHERE k IN (1, 2, 3) LIMIT ?", [1100], part(T, [1, 2, 3])[:1100]),
    ("limit_scan", "SELECT * FROM ks.t LIMIT ?", [333], T[:333]),
    ("limit_filter", "SELECT * FROM ks.t WHERE n = 1 LIMIT ? ALLOW FILTERING", [77],
     [r for r in T if r[2] == 1][:77]),
    ("ppl_scan", "SELECT * FROM ks.t PER PARTITION LIMIT ?", [2], per_partition(T, 2)),
    ("ppl_in", "SELECT * FROM ks.t WHERE k IN (1, 2, 3) PER PARTITION LIMIT ?", [150],
     per_partition(part(T, [1, 2, 3]), 150)),
    ("ppl_limit", "SELECT * FROM ks.t PER PARTITION LIMIT 3 LIMIT ?", [40], per_partition(T, 3)[:40]),
    ("ppl_filter", "SELECT * FROM ks.t WHERE n < ? PER PARTITION LIMIT 4 ALLOW FILTERING", [5],
     per_partition([r for r in T if r[2] < 5], 4)),
    ("distinct", "SELECT DISTINCT k FROM ks.t", [], cols(per_partition(T, 1), 0)),
    ("columns", "SELECT v, c FROM ks.t WHERE k = ?", [3], cols(part(T, [3]), 3, 1)),
    ("d_prefix", "SELECT * FROM ks.d WHERE k = 1 AND c1 = ?", [7], part(D, [1], pred=lambda r: r[1] == 7)),
    ("d_prefix_slice", "SELECT * FROM ks.d WHERE k = 1 AND c1 = 7 AND c2 > ?", ["b"],
     part(D, [1], pred=lambda r: r[1] == 7 and r[2] > "b")),
    ("d_desc_slice", "SELECT * FROM ks.d WHERE k = 2 AND c1 >= ? AND c1 < 15", [5],
     part(D, [2], pred=lambda r: 5 <= r[1] < 15)),
    ("d_order_asc", "SELECT * FROM ks.d WHERE k = ? ORDER BY c1 ASC, c2 DESC", [0], part(D, [0], reverse=True)),
    ("d_in_prefix", "SELECT * FROM ks.d WHERE k = 0 AND c1 IN (3, 18, ?)", [9],
     part(D, [0], pred=lambda r: r[1] in (3, 9, 18))),
    ("d_in_prefix_asc", "SELECT * FROM ks.d WHERE k = 0 AND c1 IN (3, 18, ?) ORDER BY c1 ASC", [9],
     part(D, [0], pred=lambda r: r[1] in (3, 9, 18), reverse=True)),
    ("d_full_keys", "SELECT * FROM ks.d WHERE k IN (1, 0) AND c1 IN (4, 2) AND c2 IN ('e', ?)", ["a"],
     part(D, [0, 1], pred=lambda r: r[1] in (2, 4) and r[2] in "ae")),
    ("d_scan", "SELECT * FROM ks.d", [], D),
    ("kv_scan", "SELECT * FROM ks.kv", [], KV),
    ("kv_in", "SELECT * FROM ks.kv WHERE k IN (5, 3, ?, 1000, 3)", [250], part(KV, [3, 5, 250])),
    ("kv_point", "SELECT * FROM ks.kv WHERE k = ?", [7], part(KV, [7])),
    ("kv_filter", "SELECT * FROM ks.kv WHERE v > ? ALLOW FILTERING", [100], [r for r in KV if r[1] > 100]),
    ("cp_pk", "SELECT * FROM ks.cp WHERE a = 1 AND b = ?", [2], part(CP, [(1, 2)], pk=2)),
    ("cp_in", "SELECT * FROM ks.cp WHERE a IN (2, 0) AND b IN (1, ?)", [0],
     part(CP, [(0, 0), (0, 1), (2, 0), (2, 1)], pk=2)),
    ("cp_partial", "SELECT * FROM ks.cp WHERE a = ? ALLOW FILTERING", [1], [r for r in CP if r[0] == 1]),
    ("count_partition", "SELECT count(*) FROM ks.t WHERE k = ?", [1], [(1000,)]),
    ("count_scan", "SELECT count(*) FROM ks.t", [], [(len(T),)]),
    ("count_filter", "SELECT count(*) FROM ks.t WHERE n = ? ALLOW FILTERING", [3],
     [(sum(1 for r in T if r[2] == 3),)]),
    ("count_in", "SELECT count(v) FROM ks.t WHERE k IN (1, ?)", [2], [(1037,)]),
]


def literal(v):
    return f"'{v}'" if isinstance(v, str) else str(v)


def inline(cql, params):
    """The statement with its bind markers replaced by the literal values."""
    parts = cql.split("?")
    assert len(parts) == len(params) + 1
    return "".join(p + (literal(v) if i < len(params) else "") for i, (p, v) in
                   enumerate(zip(parts, params + [None])))


def fetch_sizes(expected):
    return FETCH_SIZES + ([1] if len(expected) <= SMALL_RESULT else [])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = CqlServer(str(tmp_path_factory.mktemp("paging") / "data"))
    yield s
    assert s.stop() == 0


@pytest.fixture(scope="module")
def session(server):
    cluster = Cluster(["127.0.0.1"], port=server.port)
    sess = cluster.connect()
    sess.execute("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    sess.execute("CREATE TABLE ks.t (k int, c int, v text, n int, PRIMARY KEY (k, c))")
    sess.execute("CREATE TABLE ks.d (k int, c1 int, c2 text, v int, PRIMARY KEY (k, c1, c2)) "
                 "WITH CLUSTERING ORDER BY (c1 DESC, c2 ASC)")
    sess.execute("CREATE TABLE ks.kv (k int PRIMARY KEY, v int)")
    sess.execute("CREATE TABLE ks.cp (a int, b int, c int, v int, PRIMARY KEY ((a, b), c))")
    for table, cols_, rows in (("t", "k, c, n, v", T), ("d", "k, c1, c2, v", D),
                               ("kv", "k, v", KV), ("cp", "a, b, c, v", CP)):
        marks = ", ".join("?" * len(rows[0]))
        ins = sess.prepare(f"INSERT INTO ks.{table} ({cols_}) VALUES ({marks})")
        results = execute_concurrent_with_args(sess, ins, rows, concurrency=64)
        assert all(ok for ok, _ in results)
    yield sess
    cluster.shutdown()


def fetch_all(session, stmt, params, fetch_size):
    """Every row, page by page; checks each page's size."""
    rs = session.execute(stmt, params)
    pages = [list(rs.current_rows)]
    while rs.has_more_pages:
        rs.fetch_next_page()
        pages.append(list(rs.current_rows))
    for p in pages:
        assert len(p) <= fetch_size, f"a page of {len(p)} rows for fetch_size {fetch_size}"
    return [tuple(r) for p in pages for r in p], pages


@pytest.mark.parametrize("shape", SHAPES, ids=[s[0] for s in SHAPES])
def test_paging_matrix(session, shape):
    name, cql, params, expected = shape
    prepared = session.prepare(cql)
    for fetch in fetch_sizes(expected):
        simple = SimpleStatement(inline(cql, params), fetch_size=fetch)
        prepared.fetch_size = fetch
        for how, stmt, args in (("QUERY", simple, None), ("EXECUTE", prepared, params)):
            rows, pages = fetch_all(session, stmt, args, fetch)
            where = f"{name} {how} fetch_size={fetch}"
            assert len(rows) == len(expected), f"{where}: {len(rows)} rows, expected {len(expected)}"
            assert rows == expected, where
            # A first page short of a full one means the server said there were no more.
            assert len(pages[0]) == min(fetch, len(expected)), where


def test_reported_case_pages_a_single_partition(session):
    """The issue's case: 1,000 rows in one partition, fetch_size 100."""
    rs = session.execute(SimpleStatement("SELECT * FROM ks.t WHERE k = 1", fetch_size=100))
    assert len(rs.current_rows) == 100 and rs.has_more_pages and rs.paging_state
    assert len(list(rs)) == 1000


def test_in_with_order_by_as_cassandra(session):
    """IN on the partition key with ORDER BY sorts after reading: refused when paged (as
    Cassandra does), served unpaged or when the LIMIT fits in a page."""
    q = "SELECT k, c FROM ks.t WHERE k IN (3, 2) ORDER BY c DESC"
    with pytest.raises(InvalidRequest, match="Cannot page queries with both ORDER BY and a IN"):
        session.execute(SimpleStatement(q, fetch_size=100))
    expected = sorted(cols(part(T, [2, 3]), 0, 1), key=lambda r: -r[1])
    assert [tuple(r) for r in session.execute(SimpleStatement(q, fetch_size=None))] == expected
    limited = session.execute(SimpleStatement(q + " LIMIT 10", fetch_size=100))
    assert [tuple(r) for r in limited] == expected[:10]


def test_manual_paging_state_round_trip(session):
    """A paging state handed back explicitly (as web apps do) continues where it stopped."""
    stmt = SimpleStatement("SELECT c FROM ks.t WHERE k = 3", fetch_size=100)
    first = session.execute(stmt)
    got = [r.c for r in first.current_rows]
    state = first.paging_state
    while state:
        rs = session.execute(stmt, paging_state=state)
        got += [r.c for r in rs.current_rows]
        state = rs.paging_state
    assert got == list(range(250))


def test_rows_written_between_pages_are_not_repeated(session):
    """Pages resume after the last row's key, so rows inserted before it do not shift
    the next page (an offset-based state would return a row twice)."""
    session.execute("CREATE TABLE ks.grow (k int, c int, PRIMARY KEY (k, c))")
    ins = session.prepare("INSERT INTO ks.grow (k, c) VALUES (0, ?)")
    for c in range(0, 40, 2):
        session.execute(ins, (c,))
    stmt = SimpleStatement("SELECT c FROM ks.grow WHERE k = 0", fetch_size=10)
    rs = session.execute(stmt)
    got = [r.c for r in rs.current_rows]
    for c in (1, 3, 5):  # before the page boundary
        session.execute(ins, (c,))
    rest = session.execute(stmt, paging_state=rs.paging_state)
    got += [r.c for r in rest]
    assert got == list(range(0, 40, 2))


def bad_states(session):
    """Paging states a client could send that this query never produced."""
    rs = session.execute(SimpleStatement("SELECT * FROM ks.t WHERE k = 1", fetch_size=10))
    good = rs.paging_state
    scan = session.execute(SimpleStatement("SELECT * FROM ks.t", fetch_size=10)).paging_state
    other_table = session.execute(SimpleStatement("SELECT * FROM ks.d WHERE k = 1",
                                                  fetch_size=10)).paging_state
    return {
        "garbage": b"garbage-state",
        "empty-ish": b"\x03",
        "truncated": good[:-3],
        "flipped": good[:5] + bytes([good[5] ^ 0xFF]) + good[6:],
        "extended": good + b"\x00",
        "scan state for a partition query": scan,
        "another table's state": other_table,
    }


def query_frame(cql, page_size, paging_state):
    """A v4 QUERY frame with a page size and a paging state."""
    q = cql.encode()
    body = struct.pack(">I", len(q)) + q + struct.pack(">HB", 1, 0x04 | 0x08)
    body += struct.pack(">i", page_size) + struct.pack(">i", len(paging_state)) + paging_state
    return frame(4, 5, 0x07, body)


def test_invalid_paging_state_is_a_protocol_error(server, session):
    """A paging state that is not one this query produced gets Cassandra's protocol error
    "Invalid value for the paging state" (never a crash, never wrong rows), and the
    connection keeps serving. (The Python driver closes a connection that gets a protocol
    error, as it would with Cassandra; the Node.js driver keeps it: test_node_driver_paging.)"""
    states = bad_states(session)
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(frame(4, 1, 0x01, string_map({"CQL_VERSION": "3.0.0"})))
        assert read_frame(s)[2] == 0x02
        for name, state in states.items():
            s.sendall(query_frame("SELECT * FROM ks.t WHERE k = 1", 10, state))
            _, stream, opcode, body = read_frame(s)
            assert opcode == 0x00, name
            assert error_of(body) == (0x000A, "Invalid value for the paging state"), name
        s.sendall(query_frame("SELECT * FROM ks.t WHERE k = 2", 100, b""))
        _, _, opcode, body = read_frame(s)
        assert opcode == 0x08 and struct.unpack(">i", body[:4])[0] == 2
    for name, state in list(states.items())[:2]:
        cluster = Cluster(["127.0.0.1"], port=server.port)
        try:
            s = cluster.connect()
            with pytest.raises((ProtocolException, NoHostAvailable)):
                s.execute(SimpleStatement("SELECT * FROM ks.t WHERE k = 1", fetch_size=10),
                          paging_state=state)
        finally:
            cluster.shutdown()
    rows = session.execute(SimpleStatement("SELECT * FROM ks.t WHERE k = 2", fetch_size=10))
    assert len(list(rows)) == 37


def test_select_star_column_order(session):
    """SELECT * lists partition key, clustering, then the other columns by name (the table
    declared v before n), as Cassandra does; system_schema.columns agrees."""
    rs = session.execute("SELECT * FROM ks.t WHERE k = 4")
    assert rs.column_names == ["k", "c", "n", "v"]
    assert tuple(rs.one()) == (4, 0, 28 % 10, "v4_0")
    assert session.execute("SELECT * FROM ks.d LIMIT 1").column_names == ["k", "c1", "c2", "v"]
    session.execute("CREATE TABLE ks.wide (z int, a int, y text, b int, x int, PRIMARY KEY ((z, a), y))")
    assert session.execute("SELECT * FROM ks.wide").column_names == ["z", "a", "y", "b", "x"]
    prepared = session.prepare("SELECT * FROM ks.wide WHERE z = ? AND a = ?")
    assert [c[2] for c in prepared.result_metadata] == ["z", "a", "y", "b", "x"]
    meta = session.execute("SELECT column_name, kind, position FROM system_schema.columns "
                           "WHERE keyspace_name = 'ks' AND table_name = 'wide'")
    assert [tuple(r) for r in meta] == [("a", "partition_key", 1), ("b", "regular", -1),
                                        ("x", "regular", -1), ("y", "clustering", 0),
                                        ("z", "partition_key", 0)]
    session.cluster.refresh_table_metadata("ks", "wide")
    table = session.cluster.metadata.keyspaces["ks"].tables["wide"]
    assert [c.name for c in table.partition_key] == ["z", "a"]
    assert [c.name for c in table.clustering_key] == ["y"]


@pytest.mark.parametrize("version", [3, 4])
def test_node_driver_paging(server, session, tmp_path, version):
    """The same matrix through the Node.js driver (execute with pageState, prepared and not)
    on each protocol version the server offers, and the bad paging states: each a
    ResponseError 0x000A, the connection still serving."""
    ensure_node_modules()
    def js(v):  # JavaScript numbers are doubles: tokens go as strings for a Long
        return {"long": str(v)} if isinstance(v, int) and abs(v) > 2**53 else v

    shapes = [{"name": name, "cql": cql, "params": [js(v) for v in params],
               "inline": inline(cql, params),
               "expected": [list(r) for r in expected], "fetch": fetch_sizes(expected)}
              for name, cql, params, expected in SHAPES]
    bad = {name: state.hex() for name, state in bad_states(session).items()}
    path = tmp_path / "shapes.json"
    path.write_text(json.dumps({"shapes": shapes, "bad_states": bad}))
    env = dict(os.environ, NODE_PATH=os.path.join(CLIENTS, "node_modules"))
    p = subprocess.run(["node", os.path.join(os.path.dirname(__file__), "node_paging_check.js"),
                        str(server.port), str(path), str(version)], capture_output=True, text=True, timeout=180,
                       env=env)
    assert p.returncode == 0, p.stdout[-4000:] + p.stderr[-4000:]
    assert "node paging ok" in p.stdout
