"""What Cassandra refuses when a statement is prepared (and when it is sent as a QUERY),
refused here too, with Cassandra's error class (InvalidRequest, 0x2200) and message: key
columns missing from INSERT/UPDATE/DELETE, restrictions a SELECT cannot serve without
ALLOW FILTERING, and unknown tables ("unconfigured table X")."""
import pytest
from cassandra import InvalidRequest
from cassandra.cluster import Cluster
from cassandra.query import BatchStatement, SimpleStatement

from cql_server import CqlServer

FILTERING = "Cannot execute this query as it might involve data filtering"

REFUSED = [
    ("INSERT INTO ks.t (c, v) VALUES (?, ?)", "Some partition key parts are missing: k"),
    ("INSERT INTO ks.t (k, v) VALUES (?, ?)", "Some clustering keys are missing: c"),
    ("INSERT INTO ks.cp (a, c, v) VALUES (?, ?, ?)", "Some partition key parts are missing: b"),
    ("INSERT INTO ks.t (k, c, x) VALUES (?, ?, ?)", "Undefined column name x"),
    ("INSERT INTO ks.t (k, c, v) VALUES (?, ?)", "Unmatched column names/values"),
    ("INSERT INTO ks.t (k, c, k) VALUES (?, ?, ?)", "The column names contains duplicates"),
    ("UPDATE ks.t SET v = ? WHERE c = ?", "Some partition key parts are missing: k"),
    ("UPDATE ks.t SET v = ? WHERE k = ?", "Some clustering keys are missing: c"),
    ("UPDATE ks.cp SET v = ? WHERE a = ? AND c = ?", "Some partition key parts are missing: b"),
    ("UPDATE ks.t SET v = ? WHERE k = ? AND c > ?",
     "Slice restrictions are not supported on the clustering columns in UPDATE statements"),
    ("UPDATE ks.t SET v = ? WHERE k = ? AND c = ? AND n = ?",
     "Non PRIMARY KEY columns found in where clause: n"),
    ("UPDATE ks.t SET v = ? WHERE token(k) > ? AND c = ?",
     "The token function cannot be used in WHERE clauses for UPDATE statements"),
    ("UPDATE ks.t SET v = ? WHERE k > ? AND c = ?",
     "Only EQ and IN relation are supported on the partition key"),
    ("UPDATE ks.d SET v = ? WHERE k = ? AND c2 = ?",
     'PRIMARY KEY column "c2" cannot be restricted as preceding column "c1" is not restricted'),
    ("DELETE FROM ks.t WHERE c = ?", "Some partition key parts are missing: k"),
    ("DELETE FROM ks.cp WHERE b = ?", "Some partition key parts are missing: a"),
    ("DELETE v FROM ks.t WHERE k = ?", "Range deletions are not supported for specific columns"),
    ("DELETE FROM ks.t WHERE k = ? AND n = ?", "Non PRIMARY KEY columns found in where clause: n"),
    ("DELETE FROM ks.d WHERE k = ? AND c1 > ? AND c2 = ?",
     'Clustering column "c2" cannot be restricted (preceding column "c1" is restricted by a non-EQ relation)'),
    ("SELECT * FROM ks.cp WHERE a = ?", FILTERING),
    ("SELECT * FROM ks.t WHERE n = ?", FILTERING),
    ("SELECT * FROM ks.t WHERE c = ?", FILTERING),
    ("SELECT * FROM ks.t WHERE k > ?", FILTERING),
    ("SELECT * FROM ks.d WHERE k = ? AND c2 = ?",
     'PRIMARY KEY column "c2" cannot be restricted as preceding column "c1" is not restricted'),
    ("SELECT * FROM ks.t WHERE k = ? AND token(k) > ?",
     'Columns "k" cannot be restricted by both a normal relation and a token relation'),
    ("SELECT * FROM ks.t WHERE c = ? ORDER BY c DESC ALLOW FILTERING",
     "ORDER BY is only supported when the partition key is restricted by an EQ or an IN."),
    ("SELECT * FROM ks.t WHERE x = ?", "Undefined column name x"),
]

ACCEPTED = [
    "INSERT INTO ks.t (k, c, v) VALUES (?, ?, ?)",
    "INSERT INTO ks.t JSON ?",
    "UPDATE ks.t SET v = ? WHERE k IN ? AND c = ?",
    "DELETE FROM ks.t WHERE k = ?",
    "DELETE FROM ks.t WHERE k = ? AND c > ?",
    "DELETE FROM ks.d WHERE k = ? AND c1 = ?",
    "DELETE v FROM ks.t WHERE k = ? AND c = ?",
    "SELECT * FROM ks.cp WHERE a = ? ALLOW FILTERING",
    "SELECT * FROM ks.d WHERE k = ? AND c2 = ? ALLOW FILTERING",
    "SELECT * FROM ks.t WHERE token(k) > ? AND c = ? ALLOW FILTERING",
    "SELECT * FROM ks.d WHERE k = ? AND c1 = ? AND c2 > ?",
    "SELECT * FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?",
]


@pytest.fixture(scope="module")
def session(tmp_path_factory):
    s = CqlServer(str(tmp_path_factory.mktemp("checks") / "data"))
    cluster = Cluster(["127.0.0.1"], port=s.port)
    try:
        sess = cluster.connect()
        sess.execute("CREATE KEYSPACE ks WITH replication = "
                     "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        sess.execute("CREATE TABLE ks.t (k int, c int, v text, n int, PRIMARY KEY (k, c))")
        sess.execute("CREATE TABLE ks.cp (a int, b int, c int, v int, PRIMARY KEY ((a, b), c))")
        sess.execute("CREATE TABLE ks.d (k int, c1 int, c2 text, v int, PRIMARY KEY (k, c1, c2))")
        yield sess
    finally:
        cluster.shutdown()
        assert s.stop() == 0


def literal_query(cql):
    """The statement with literals for its markers (QUERY has no bound values)."""
    out, n = "", 0
    for ch in cql:
        if ch == "?":
            n += 1
            out += "{}" if "JSON" in cql else ("'b'" if "c2" in cql and n == 2 else "1")
        else:
            out += ch
    return out.replace("IN 1", "IN (1)")


@pytest.mark.parametrize("cql,message", REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_at_prepare_and_query(session, cql, message):
    with pytest.raises(InvalidRequest) as e:
        session.prepare(cql)
    assert message in str(e.value)
    with pytest.raises(InvalidRequest) as e:
        session.execute(literal_query(cql))
    assert message in str(e.value)


@pytest.mark.parametrize("cql", ACCEPTED)
def test_accepted_at_prepare(session, cql):
    session.prepare(cql)


def test_unconfigured_table_everywhere(session):
    """Cassandra's words for a table that does not exist, on every path that names one."""
    for cql in ("SELECT * FROM ks.nosuch", "INSERT INTO ks.nosuch (k) VALUES (1)",
                "UPDATE ks.nosuch SET v = 1 WHERE k = 1", "DELETE FROM ks.nosuch WHERE k = 1",
                "SELECT * FROM system.nosuch", "TRUNCATE ks.nosuch",
                "BEGIN BATCH INSERT INTO ks.nosuch (k) VALUES (1) APPLY BATCH"):
        with pytest.raises(InvalidRequest, match="unconfigured table nosuch"):
            session.execute(cql)
    for cql in ("SELECT * FROM ks.nosuch WHERE k = ?", "INSERT INTO ks.nosuch (k) VALUES (?)",
                "UPDATE ks.nosuch SET v = ? WHERE k = ?", "DELETE FROM ks.nosuch WHERE k = ?",
                "SELECT * FROM system.nosuch WHERE k = ?"):
        with pytest.raises(InvalidRequest, match="unconfigured table nosuch"):
            session.prepare(cql)
    batch = BatchStatement()
    batch.add(SimpleStatement("INSERT INTO ks.t (k, c) VALUES (1, 1)"))
    batch.add(SimpleStatement("INSERT INTO ks.nosuch (k) VALUES (1)"))
    with pytest.raises(InvalidRequest, match="unconfigured table nosuch"):
        session.execute(batch)
    # A missing keyspace is named as such.
    with pytest.raises(InvalidRequest, match="Keyspace 'nosuchks' does not exist"):
        session.execute("SELECT * FROM nosuchks.t")
    with pytest.raises(InvalidRequest, match="Keyspace 'nosuchks' does not exist"):
        session.prepare("INSERT INTO nosuchks.t (k) VALUES (?)")
