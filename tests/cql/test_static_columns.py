"""Static columns through the DataStax Python driver: one value per partition, returned with
every row of it, written and deleted with only the partition key, and a partition holding
only static content reads as one row of nulls besides its key and statics (Cassandra's
behaviour)."""
import pytest
from cassandra import InvalidRequest
from cassandra.cluster import Cluster
from cassandra.query import SimpleStatement

from cql_server import CqlServer


@pytest.fixture
def session(tmp_path):
    server = CqlServer(str(tmp_path / "data"))
    cluster = Cluster(["127.0.0.1"], port=server.port)
    sess = cluster.connect()
    sess.execute("CREATE KEYSPACE ks WITH replication = "
                 "{'class': 'SimpleStrategy', 'replication_factor': '1'}")
    sess.set_keyspace("ks")
    sess.execute("CREATE TABLE t (k int, c int, s text static, v text, PRIMARY KEY (k, c))")
    yield sess
    cluster.shutdown()
    assert server.stop() == 0


def rows(session, cql, params=None, fetch_size=None):
    rs = session.execute(SimpleStatement(cql, fetch_size=fetch_size), params)
    return [(r.k, r.c, r.s, r.v) for r in rs]


def test_static_value_is_shared_by_the_partition(session):
    session.execute("INSERT INTO t (k, s) VALUES (1, 'only')")  # partition key alone
    assert rows(session, "SELECT * FROM t WHERE k = 1") == [(1, None, "only", None)]
    assert rows(session, "SELECT * FROM t") == [(1, None, "only", None)]
    assert rows(session, "SELECT * FROM t WHERE k = 1 AND c = 1") == []
    session.execute("INSERT INTO t (k, c, v) VALUES (1, 1, 'a')")
    session.execute("INSERT INTO t (k, c, v) VALUES (1, 2, 'b')")
    assert rows(session, "SELECT * FROM t WHERE k = 1") == [
        (1, 1, "only", "a"), (1, 2, "only", "b")]
    session.execute("UPDATE t SET s = 'shared' WHERE k = 1")
    assert rows(session, "SELECT * FROM t") == [(1, 1, "shared", "a"), (1, 2, "shared", "b")]
    # Point reads by the full primary key, plain and prepared.
    assert tuple(session.execute("SELECT s, v FROM t WHERE k = 1 AND c = 2").one()) == ("shared", "b")
    point = session.prepare("SELECT s, v FROM t WHERE k = ? AND c = ?")
    assert tuple(session.execute(point, (1, 1)).one()) == ("shared", "a")
    # One write of a row and the static at once (prepared: the store's two keys).
    ins = session.prepare("INSERT INTO t (k, c, s, v) VALUES (?, ?, ?, ?)")
    session.execute(ins, (2, 5, "two", "x"))
    session.execute(ins, (2, 6, "TWO", "y"))
    assert rows(session, "SELECT * FROM t WHERE k = 2") == [(2, 5, "TWO", "x"), (2, 6, "TWO", "y")]
    assert session.execute("SELECT count(*) FROM t").one()[0] == 4
    assert [tuple(r) for r in session.execute("SELECT DISTINCT k, s FROM t")] == [
        (1, "shared"), (2, "TWO")]


def test_deletes(session):
    session.execute("INSERT INTO t (k, c, s, v) VALUES (1, 1, 'st', 'a')")
    session.execute("INSERT INTO t (k, c, v) VALUES (1, 2, 'b')")
    session.execute("DELETE s FROM t WHERE k = 1")
    assert rows(session, "SELECT * FROM t WHERE k = 1") == [(1, 1, None, "a"), (1, 2, None, "b")]
    session.execute("UPDATE t SET s = 'back' WHERE k = 1")
    session.execute("DELETE FROM t WHERE k = 1 AND c = 1")
    session.execute("DELETE FROM t WHERE k = 1 AND c = 2")
    # The rows are gone; the static content still makes the partition read as one row.
    assert rows(session, "SELECT * FROM t WHERE k = 1") == [(1, None, "back", None)]
    assert session.execute("SELECT count(*) FROM t").one()[0] == 1
    session.execute("DELETE FROM t WHERE k = 1")
    assert rows(session, "SELECT * FROM t") == []


def test_scans_page_across_static_only_partitions(session):
    ins = session.prepare("INSERT INTO t (k, c, s, v) VALUES (?, ?, ?, ?)")
    only = session.prepare("INSERT INTO t (k, s) VALUES (?, ?)")
    for k in range(12):
        if k % 3 == 0:
            session.execute(only, (k, f"s{k}"))
        else:
            for c in range(k % 3):
                session.execute(ins, (k, c, f"s{k}", f"v{c}"))
    whole = rows(session, "SELECT * FROM t")
    assert len(whole) == 4 + 4 + 2 * 4
    for size in (1, 2, 5):
        assert rows(session, "SELECT * FROM t", fetch_size=size) == whole


def test_schema_and_errors(session):
    kinds = {r.column_name: r.kind for r in session.execute(
        "SELECT column_name, kind FROM system_schema.columns "
        "WHERE keyspace_name = 'ks' AND table_name = 't'")}
    assert kinds == {"k": "partition_key", "c": "clustering", "s": "static", "v": "regular"}
    meta = session.cluster.metadata.keyspaces["ks"].tables["t"]
    assert meta.columns["s"].is_static
    (d,) = session.execute("DESCRIBE TABLE ks.t")
    assert "    s text static,\n" in d.create_statement
    with pytest.raises(InvalidRequest, match="Static columns are only useful"):
        session.execute("CREATE TABLE bad (k int PRIMARY KEY, s text static)")
    with pytest.raises(InvalidRequest, match="Some clustering keys are missing"):
        session.execute("INSERT INTO t (k, v) VALUES (3, 'x')")
    with pytest.raises(InvalidRequest, match="Some clustering keys are missing"):
        session.execute("UPDATE t SET v = 'x', s = 'y' WHERE k = 3")
    assert rows(session, "SELECT * FROM t") == []
    session.execute("ALTER TABLE t ADD s2 int static")
    session.execute("UPDATE t SET s2 = 7 WHERE k = 4")
    assert session.execute("SELECT s2 FROM t WHERE k = 4").one().s2 == 7


def test_every_query_shape_pages_over_static_only_partitions(session):
    """A page that ends with a static-only row (a partition with statics and no rows) must
    resume with the next partition: it has no clustering key to resume after. Partitions
    k % 3 == 0 hold statics only; the others hold k rows. Every shape, paged at several
    sizes, equals the unpaged result."""
    ins_s = session.prepare("INSERT INTO t (k, s) VALUES (?, ?)")
    ins_r = session.prepare("INSERT INTO t (k, c, v) VALUES (?, ?, 'v')")
    for k in range(20):
        session.execute(ins_s, (k, f"s{k}"))
        if k % 3:
            for c in range(k):
                session.execute(ins_r, (k, c))
    shapes = {
        "SELECT * FROM t": 134,
        "SELECT * FROM t WHERE k = 3": 1,
        "SELECT * FROM t WHERE k IN (0, 1, 2, 3, 4, 5)": 14,
        "SELECT * FROM t WHERE k IN (3, 6, 9)": 3,
        "SELECT k, s FROM t": 134,
        "SELECT DISTINCT k, s FROM t": 20,
        "SELECT * FROM t WHERE k = 5 AND c > 2": 2,
    }
    for cql, expected in shapes.items():
        unpaged = [tuple(r) for r in session.execute(SimpleStatement(cql, fetch_size=100000))]
        assert len(unpaged) == expected, cql
        for fetch_size in (1, 2, 7, 50):
            paged = [tuple(r) for r in session.execute(SimpleStatement(cql, fetch_size=fetch_size))]
            assert paged == unpaged, (cql, fetch_size)
