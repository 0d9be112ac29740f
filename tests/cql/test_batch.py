"""BATCH through both routes the CQL server has, with one behaviour: the driver's
BatchStatement (the BATCH message, with query strings or prepared statements) and
BEGIN [UNLOGGED] BATCH ... APPLY BATCH sent as a query. Every batch type is atomic in kappa:
a statement that fails leaves nothing of the batch written."""
import time

import pytest
from cassandra import InvalidRequest
from cassandra.cluster import Cluster
from cassandra.query import BatchStatement, BatchType, SimpleStatement

from cql_server import CqlServer


@pytest.fixture
def session(tmp_path):
    server = CqlServer(str(tmp_path / "data"))
    cluster = Cluster(["127.0.0.1"], port=server.port)
    sess = cluster.connect()
    sess.execute("CREATE KEYSPACE ks WITH replication = "
                 "{'class': 'SimpleStrategy', 'replication_factor': '1'}")
    sess.set_keyspace("ks")
    sess.execute("CREATE TABLE t (k int, c int, v text, l list<int>, PRIMARY KEY (k, c))")
    yield sess
    cluster.shutdown()
    assert server.stop() == 0


def content(session):
    return sorted((r.k, r.c, r.v) for r in session.execute("SELECT k, c, v FROM t"))


def seed(session):
    for c in range(3):
        session.execute("INSERT INTO t (k, c, v, l) VALUES (2, %s, 'old', [1])", (c,))


# A batch whose third statement fails only when it is written (a list index out of range is
# known only once the row is read), after a clustering range delete that reads first: the
# writes of the first two must not be applied either.
FAILING = [
    "INSERT INTO t (k, c, v) VALUES (1, 1, 'a')",
    "DELETE FROM t WHERE k = 2 AND c >= 0",
    "UPDATE t SET l[9] = 1 WHERE k = 2 AND c = 0",
]


@pytest.mark.parametrize("batch_type", [BatchType.UNLOGGED, BatchType.LOGGED])
def test_batch_message_is_atomic(session, batch_type):
    seed(session)
    before = content(session)
    batch = BatchStatement(batch_type=batch_type)
    for q in FAILING:
        batch.add(SimpleStatement(q))
    with pytest.raises(InvalidRequest, match="List index 9 out of bound, list has size 1"):
        session.execute(batch)
    assert content(session) == before


@pytest.mark.parametrize("kind", ["UNLOGGED ", ""])
def test_batch_query_is_atomic(session, kind):
    seed(session)
    before = content(session)
    with pytest.raises(InvalidRequest, match="List index 9 out of bound, list has size 1"):
        session.execute(f"BEGIN {kind}BATCH " + "; ".join(FAILING) + "; APPLY BATCH")
    assert content(session) == before


def test_bad_value_in_third_statement_writes_nothing(session):
    ins = session.prepare("INSERT INTO t (k, c, v) VALUES (?, ?, ?)")
    batch = BatchStatement(batch_type=BatchType.UNLOGGED)
    batch.add(ins, (1, 1, "a"))
    batch.add(ins, (1, 2, "b"))
    batch.add(SimpleStatement("INSERT INTO t (k, c, v) VALUES (1, 'three', 'c')"))
    with pytest.raises(InvalidRequest):
        session.execute(batch)
    with pytest.raises(InvalidRequest):
        session.execute("BEGIN UNLOGGED BATCH INSERT INTO t (k, c, v) VALUES (1, 1, 'a'); "
                        "INSERT INTO t (k, c, v) VALUES (1, 2, 'b'); "
                        "INSERT INTO t (k, c, v) VALUES (1, 'three', 'c') APPLY BATCH")
    assert content(session) == []


def test_both_routes_write_the_same(session):
    seed(session)
    ins = session.prepare("INSERT INTO t (k, c, v) VALUES (?, ?, ?)")
    batch = BatchStatement(batch_type=BatchType.UNLOGGED)
    batch.add(ins, (1, 1, "a"))
    batch.add(SimpleStatement("UPDATE t SET v = 'b' WHERE k = 1 AND c = 2"))
    batch.add(SimpleStatement("DELETE FROM t WHERE k = 2 AND c >= 1"))
    session.execute(batch)
    by_message = content(session)
    session.execute("TRUNCATE t")
    seed(session)
    later = int(time.time() * 1e6) + 3_600_000_000  # the members' timestamp: newer than seed()
    session.execute("BEGIN UNLOGGED BATCH USING TIMESTAMP %s "
                    "INSERT INTO t (k, c, v) VALUES (%s, %s, %s); "
                    "UPDATE t SET v = 'b' WHERE k = 1 AND c = 2; "
                    "DELETE FROM t WHERE k = 2 AND c >= 1; APPLY BATCH", (later, 1, 1, "a"))
    assert content(session) == by_message == [(1, 1, "a"), (1, 2, "b"), (2, 0, "old")]
    wt = session.execute("SELECT writetime(v) FROM t WHERE k = 1 AND c = 1").one()[0]
    assert wt == later


def test_batch_rules_are_the_same_on_both_routes(session):
    """Cassandra's rules: no counters in LOGGED batches, only counters in COUNTER batches,
    never both kinds together; no conditions."""
    session.execute("CREATE TABLE cnt (k int PRIMARY KEY, n counter)")
    for batch_type, text in [(BatchType.LOGGED, "counter statement in a logged batch"),
                             (BatchType.UNLOGGED, "Counter and non-counter mutations")]:
        batch = BatchStatement(batch_type=batch_type)
        batch.add(SimpleStatement("UPDATE cnt SET n = n + 1 WHERE k = 1"))
        batch.add(SimpleStatement("INSERT INTO t (k, c, v) VALUES (9, 9, 'x')"))
        with pytest.raises(InvalidRequest, match=text):
            session.execute(batch)
        kind = "UNLOGGED " if batch_type == BatchType.UNLOGGED else ""
        with pytest.raises(InvalidRequest, match=text):
            session.execute(f"BEGIN {kind}BATCH UPDATE cnt SET n = n + 1 WHERE k = 1; "
                            "INSERT INTO t (k, c, v) VALUES (9, 9, 'x') APPLY BATCH")
    batch = BatchStatement(batch_type=BatchType.COUNTER)
    batch.add(SimpleStatement("INSERT INTO t (k, c, v) VALUES (9, 9, 'x')"))
    with pytest.raises(InvalidRequest, match="non-counter statement in a counter batch"):
        session.execute(batch)
    assert content(session) == []
    session.execute("BEGIN UNLOGGED BATCH UPDATE cnt SET n = n + 4 WHERE k = 1 APPLY BATCH")
    batch = BatchStatement(batch_type=BatchType.LOGGED)
    batch.add(SimpleStatement("INSERT INTO t (k, c, v) VALUES (1, 1, 'a') IF NOT EXISTS"))
    with pytest.raises(InvalidRequest, match="Conditional"):
        session.execute(batch)
    with pytest.raises(InvalidRequest, match="Conditional"):
        session.execute("BEGIN BATCH INSERT INTO t (k, c, v) VALUES (1, 1, 'a') IF NOT EXISTS "
                        "APPLY BATCH")
    session.execute("BEGIN COUNTER BATCH UPDATE cnt SET n = n + 2 WHERE k = 1 APPLY BATCH")
    batch = BatchStatement(batch_type=BatchType.COUNTER)
    batch.add(SimpleStatement("UPDATE cnt SET n = n + 3 WHERE k = 1"))
    session.execute(batch)
    assert session.execute("SELECT n FROM cnt WHERE k = 1").one().n == 9
