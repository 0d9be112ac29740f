"""writetime()/ttl(), UPDATE/DELETE ... IF (lightweight transactions) and counter tables,
through the DataStax Python driver with its default Cluster() settings."""
import time

import pytest
from cassandra import InvalidRequest
from cassandra.cluster import Cluster
from cassandra.query import BatchStatement, BatchType

from cql_server import CqlServer


@pytest.fixture
def session(tmp_path):
    server = CqlServer(str(tmp_path / "data"))
    cluster = Cluster(["127.0.0.1"], port=server.port)
    sess = cluster.connect()
    sess.execute("CREATE KEYSPACE ks WITH replication = "
                 "{'class': 'SimpleStrategy', 'replication_factor': '1'}")
    sess.set_keyspace("ks")
    yield sess
    cluster.shutdown()
    assert server.stop() == 0


def test_writetime_and_ttl(session):
    session.execute("CREATE TABLE t (k int PRIMARY KEY, a text, b text)")
    before = int(time.time() * 1e6)
    session.execute("INSERT INTO t (k, a, b) VALUES (1, 'x', 'y') USING TTL 600")
    after = int(time.time() * 1e6)
    session.execute("UPDATE t USING TIMESTAMP 42 SET b = 'old' WHERE k = 1")  # loses: older
    session.execute("UPDATE t USING TIMESTAMP %s SET b = 'z' WHERE k = 1", (after + 10**6,))
    row = session.execute("SELECT a, writetime(a), ttl(a), b, writetime(b) AS wb, ttl(b) "
                          "FROM t WHERE k = 1").one()
    assert row.a == "x"
    # The driver sends client-side timestamps: the cell's write time is the insert's.
    assert before <= row.writetime_a <= after
    assert 590 <= row.ttl_a <= 600
    assert row.b == "z" and row.wb == after + 10**6 and row.ttl_b is None
    prepared = session.prepare("SELECT writetime(a) FROM t WHERE k = ?")
    assert session.execute(prepared, (1,)).one()[0] == row.writetime_a
    with pytest.raises(InvalidRequest, match="PRIMARY KEY"):
        session.execute("SELECT writetime(k) FROM t")


def test_conditional_update_and_delete(session):
    session.execute("CREATE TABLE acct (id int PRIMARY KEY, owner text, balance int)")
    session.execute("INSERT INTO acct (id, owner, balance) VALUES (1, 'ann', 100)")
    rs = session.execute("UPDATE acct SET balance = 80 WHERE id = 1 IF balance = 100")
    assert rs.was_applied
    rs = session.execute("UPDATE acct SET balance = 0 WHERE id = 1 IF balance = 100")
    assert not rs.was_applied
    assert rs.one().balance == 80  # the current value comes back when not applied
    assert session.execute("SELECT balance FROM acct WHERE id = 1").one().balance == 80
    upd = session.prepare("UPDATE acct SET balance = ? WHERE id = ? IF owner = ? AND balance >= ?")
    assert session.execute(upd, (50, 1, "ann", 80)).was_applied
    assert not session.execute(upd, (40, 1, "bob", 0)).was_applied
    assert not session.execute("UPDATE acct SET owner = 'x' WHERE id = 2 IF EXISTS").was_applied
    assert session.execute("SELECT * FROM acct WHERE id = 2").one() is None
    assert session.execute("UPDATE acct SET owner = 'cy' WHERE id = 1 IF EXISTS").was_applied
    assert not session.execute("DELETE FROM acct WHERE id = 1 IF owner = 'ann'").was_applied
    assert not session.execute("DELETE FROM acct WHERE id = 9 IF EXISTS").was_applied
    assert session.execute("DELETE FROM acct WHERE id = 1 IF EXISTS").was_applied
    assert session.execute("SELECT * FROM acct WHERE id = 1").one() is None


def test_counters(session):
    session.execute("CREATE TABLE hits (page text PRIMARY KEY, views counter, likes counter)")
    table = session.cluster.metadata.keyspaces["ks"].tables["hits"]
    assert table.columns["views"].cql_type == "counter"
    inc = session.prepare("UPDATE hits SET views = views + ? WHERE page = ?")
    for _ in range(20):
        session.execute(inc, (1, "/home"))
    session.execute("UPDATE hits SET likes = likes - 3, views = views + 100 WHERE page = '/home'")
    batch = BatchStatement(batch_type=BatchType.COUNTER)
    batch.add(inc, (5, "/home"))
    batch.add(inc, (7, "/about"))
    session.execute(batch)
    rows = {r.page: (r.views, r.likes) for r in session.execute("SELECT * FROM hits")}
    assert rows == {"/home": (125, -3), "/about": (7, None)}
    with pytest.raises(InvalidRequest, match="counter"):
        session.execute("INSERT INTO hits (page, views) VALUES ('/x', 1)")
    with pytest.raises(InvalidRequest, match="counter"):
        session.execute("UPDATE hits SET views = 5 WHERE page = '/home'")
    with pytest.raises(InvalidRequest):
        session.execute("CREATE TABLE mixed (k int PRIMARY KEY, c counter, v text)")
