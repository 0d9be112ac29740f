"""The DataStax Python driver (what cqlsh is built on) against `kappa cql-server`, with the
driver's default Cluster() settings (only the port changed)."""
import time
import uuid

import pytest
from cassandra import AlreadyExists, InvalidRequest
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster, NoHostAvailable
from cassandra.protocol import SyntaxException
from cassandra.query import BatchStatement, SimpleStatement

from cql_server import CqlServer


@pytest.fixture
def server(tmp_path):
    s = CqlServer(str(tmp_path / "data"))
    yield s
    assert s.stop() == 0


@pytest.fixture
def session(server):
    cluster = Cluster(["127.0.0.1"], port=server.port)
    sess = cluster.connect()
    yield sess
    cluster.shutdown()


def make_users_table(session):
    session.execute("CREATE KEYSPACE IF NOT EXISTS spark_streams WITH replication = "
                    "{'class': 'SimpleStrategy', 'replication_factor': '1'}")
    session.execute("""CREATE TABLE IF NOT EXISTS spark_streams.created_users (
        id UUID PRIMARY KEY, first_name TEXT, last_name TEXT, gender TEXT, address TEXT,
        post_code TEXT, email TEXT, username TEXT, dob TEXT, registered_date TEXT,
        phone TEXT, picture TEXT)""")


def test_connect_reads_system_tables(server, session):
    row = session.execute("SELECT cluster_name, release_version, partitioner, data_center "
                          "FROM system.local WHERE key='local'").one()
    assert row.release_version.startswith("4.0")
    assert row.partitioner.endswith("Murmur3Partitioner")
    assert row.data_center == "datacenter1"
    hosts = session.cluster.metadata.all_hosts()
    assert len(hosts) == 1 and hosts[0].datacenter == "datacenter1"
    assert session.cluster.protocol_version == 4


def test_prepared_inserts_paging_and_metadata(session):
    make_users_table(session)
    meta = session.cluster.metadata.keyspaces["spark_streams"].tables["created_users"]
    assert [c.name for c in meta.partition_key] == ["id"]
    assert meta.columns["first_name"].cql_type == "text"
    ins = session.prepare("INSERT INTO spark_streams.created_users (id, first_name, last_name, "
                          "email) VALUES (?, ?, ?, ?)")
    ids = [uuid.uuid4() for _ in range(250)]
    for i, u in enumerate(ids):
        session.execute(ins, (u, f"first{i}", f"last{i}", f"u{i}@example.com"))
    # Paging: 250 rows over pages of 100.
    stmt = SimpleStatement("SELECT id, first_name FROM spark_streams.created_users", fetch_size=100)
    result = session.execute(stmt)
    assert result.has_more_pages
    seen = [r.id for r in result]
    assert sorted(seen) == sorted(ids)
    assert session.execute("SELECT count(*) FROM spark_streams.created_users").one()[0] == 250
    sel = session.prepare("SELECT first_name, last_name FROM spark_streams.created_users WHERE id = ?")
    row = session.execute(sel, (ids[7],)).one()
    assert (row.first_name, row.last_name) == ("first7", "last7")
    names = session.execute("SELECT first_name, last_name FROM spark_streams.created_users LIMIT 5")
    assert len(list(names)) == 5


def test_compound_keys_clustering_order_and_ranges(session):
    session.execute("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("CREATE TABLE ks.events (tenant text, day int, ts int, v text, "
                    "PRIMARY KEY ((tenant, day), ts)) WITH CLUSTERING ORDER BY (ts DESC)")
    ins = session.prepare("INSERT INTO ks.events (tenant, day, ts, v) VALUES (?, ?, ?, ?)")
    for ts in range(10):
        session.execute(ins, ("a", 1, ts, f"v{ts}"))
    rows = session.execute("SELECT ts FROM ks.events WHERE tenant='a' AND day=1")
    assert [r.ts for r in rows] == list(range(9, -1, -1))
    rows = session.execute("SELECT ts FROM ks.events WHERE tenant='a' AND day=1 AND ts >= 3 AND ts < 6 ORDER BY ts ASC")
    assert [r.ts for r in rows] == [3, 4, 5]
    rows = session.execute("SELECT ts FROM ks.events WHERE tenant='a' AND day IN (1, 2) LIMIT 2")
    assert [r.ts for r in rows] == [9, 8]
    with pytest.raises(InvalidRequest, match="ALLOW FILTERING"):
        session.execute("SELECT * FROM ks.events WHERE v = 'v1'")
    rows = session.execute("SELECT ts FROM ks.events WHERE v = 'v1' ALLOW FILTERING")
    assert [r.ts for r in rows] == [1]
    session.execute("DELETE FROM ks.events WHERE tenant='a' AND day=1 AND ts < 5")
    rows = session.execute("SELECT ts FROM ks.events WHERE tenant='a' AND day=1")
    assert [r.ts for r in rows] == [9, 8, 7, 6, 5]
    session.execute("UPDATE ks.events SET v = 'new' WHERE tenant='a' AND day=1 AND ts=9")
    assert session.execute("SELECT v FROM ks.events WHERE tenant='a' AND day=1 AND ts=9").one().v == "new"
    session.execute("ALTER TABLE ks.events ADD extra int")
    session.execute("UPDATE ks.events SET extra = 5 WHERE tenant='a' AND day=1 AND ts=9")
    assert session.execute("SELECT extra FROM ks.events WHERE tenant='a' AND day=1 AND ts=9").one().extra == 5
    session.execute("TRUNCATE ks.events")
    assert session.execute("SELECT count(*) FROM ks.events").one()[0] == 0


def test_batches_lwt_and_ttl(session):
    session.execute("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("CREATE TABLE ks.kv (k text PRIMARY KEY, v int)")
    ins = session.prepare("INSERT INTO ks.kv (k, v) VALUES (?, ?)")
    batch = BatchStatement()
    for i in range(20):
        batch.add(ins, (f"k{i}", i))
    batch.add(SimpleStatement("DELETE FROM ks.kv WHERE k = 'k0'"))
    session.execute(batch)
    assert session.execute("SELECT count(*) FROM ks.kv").one()[0] == 19
    first = session.execute("INSERT INTO ks.kv (k, v) VALUES ('lwt', 1) IF NOT EXISTS").one()
    assert first.applied
    second = session.execute("INSERT INTO ks.kv (k, v) VALUES ('lwt', 2) IF NOT EXISTS").one()
    assert not second.applied
    assert second.v == 1
    session.execute("INSERT INTO ks.kv (k, v) VALUES ('short', 1) USING TTL 1")
    assert session.execute("SELECT v FROM ks.kv WHERE k = 'short'").one() is not None
    time.sleep(2.2)
    assert session.execute("SELECT v FROM ks.kv WHERE k = 'short'").one() is None


def test_errors_as_cassandra_sends_them(session):
    with pytest.raises(SyntaxException, match="line 1:9"):
        session.execute("SELECT * FORM system.local")
    with pytest.raises(InvalidRequest, match="does not exist"):
        session.execute("SELECT * FROM nosuch.table1")
    session.execute("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    with pytest.raises(AlreadyExists):
        session.execute("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("CREATE TABLE ks.t (a int PRIMARY KEY, b text)")
    with pytest.raises(InvalidRequest, match="Invalid STRING constant"):
        session.execute("INSERT INTO ks.t (a, b) VALUES ('x', 'y')")
    # The connection is still good after errors.
    session.execute("INSERT INTO ks.t (a, b) VALUES (1, 'y')")
    assert session.execute("SELECT b FROM ks.t WHERE a = 1").one().b == "y"


def test_schema_changes_reach_metadata(session):
    session.execute("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}")
    session.execute("CREATE TABLE ks.t (a int, b int, c text, PRIMARY KEY (a, b))")
    t = session.cluster.metadata.keyspaces["ks"].tables["t"]
    assert [c.name for c in t.clustering_key] == ["b"]
    session.execute("ALTER TABLE ks.t ADD d boolean")
    session.cluster.refresh_table_metadata("ks", "t")
    assert "d" in session.cluster.metadata.keyspaces["ks"].tables["t"].columns
    session.execute("DROP TABLE ks.t")
    session.cluster.refresh_keyspace_metadata("ks")
    assert "t" not in session.cluster.metadata.keyspaces["ks"].tables


def test_lz4_compression(server):
    cluster = Cluster(["127.0.0.1"], port=server.port, compression="lz4")
    try:
        sess = cluster.connect()
        rows = list(sess.execute("SELECT * FROM system_schema.columns"))
        assert len(rows) > 20
    finally:
        cluster.shutdown()


@pytest.fixture
def auth_server(tmp_path):
    s = CqlServer(str(tmp_path / "data"), "--auth", "required", "--user", "alice:secret",
                  "--user", "cassandra:cassandra")
    yield s
    s.stop()


def test_auth_success_and_failure(auth_server):
    ok = Cluster(["127.0.0.1"], port=auth_server.port,
                 auth_provider=PlainTextAuthProvider("alice", "secret"))
    try:
        assert ok.connect().execute("SELECT key FROM system.local").one().key == "local"
    finally:
        ok.shutdown()
    for user, password in [("alice", "wrong"), ("cassandra", "cassandra")]:
        bad = Cluster(["127.0.0.1"], port=auth_server.port,
                      auth_provider=PlainTextAuthProvider(user, password))
        try:
            with pytest.raises(NoHostAvailable, match="Bad credentials|incorrect"):
                bad.connect()
        finally:
            bad.shutdown()
    anonymous = Cluster(["127.0.0.1"], port=auth_server.port)
    try:
        with pytest.raises(NoHostAvailable):
            anonymous.connect()
    finally:
        anonymous.shutdown()
