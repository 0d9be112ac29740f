"""Server-side DESCRIBE as Cassandra 4.0 answers it (cqlsh 4.x sends DESCRIBE to servers that
report release_version 4.0 or later and prints the create_statement column), through the
DataStax Python driver. The CREATE statements must parse back: each is executed again in a
fresh keyspace and the schema it makes is compared with the original."""
import pytest
from cassandra import InvalidRequest
from cassandra.cluster import Cluster
from cassandra.query import SimpleStatement

from cql_server import CqlServer


@pytest.fixture
def server(tmp_path):
    server = CqlServer(str(tmp_path / "data"))
    yield server
    assert server.stop() == 0


@pytest.fixture
def session(server):
    cluster = Cluster(["127.0.0.1"], port=server.port)
    sess = cluster.connect()
    sess.execute("CREATE KEYSPACE ks WITH replication = "
                 "{'class': 'SimpleStrategy', 'replication_factor': '1'}")
    sess.execute("CREATE TABLE ks.events (a text, b int, c bigint, d timeuuid, "
                 "tags frozen<list<int>>, attrs map<text, frozen<set<int>>>, \"Mixed\" text, "
                 "v blob, PRIMARY KEY ((a, b), c, d)) "
                 "WITH CLUSTERING ORDER BY (c DESC, d ASC) AND comment = 'it''s here' "
                 "AND default_time_to_live = 3600")
    sess.execute("CREATE TABLE ks.users (id uuid PRIMARY KEY, name text, age int)")
    yield sess
    cluster.shutdown()


def rows(session, cql, fetch_size=None):
    return list(session.execute(SimpleStatement(cql, fetch_size=fetch_size)))


def columns(session, ks, table):
    return sorted((r.column_name, r.kind, r.position, r.clustering_order, r.type)
                  for r in session.execute("SELECT * FROM system_schema.columns "
                                           "WHERE keyspace_name = %s AND table_name = %s",
                                           (ks, table)))


def test_describe_table_is_cassandra_cql(session):
    rs = session.execute("DESCRIBE TABLE ks.events")
    assert rs.column_names == ["keyspace_name", "type", "name", "create_statement"]
    (row,) = list(rs)
    assert (row.keyspace_name, row.type, row.name) == ("ks", "table", "events")
    text = row.create_statement
    assert text.startswith(
        "CREATE TABLE ks.events (\n"
        "    a text,\n"
        "    b int,\n"
        "    c bigint,\n"
        "    d timeuuid,\n"
        "    \"Mixed\" text,\n"
        "    attrs map<text, frozen<set<int>>>,\n"
        "    tags frozen<list<int>>,\n"
        "    v blob,\n"
        "    PRIMARY KEY ((a, b), c, d)\n"
        ") WITH CLUSTERING ORDER BY (c DESC, d ASC)\n"
        "    AND additional_write_policy = '99p'\n"), text
    assert "\n    AND comment = 'it''s here'\n" in text
    assert "\n    AND default_time_to_live = 3600\n" in text
    assert text.endswith("\n    AND speculative_retry = '99p';")
    # The short forms name the same table.
    assert rows(session, "DESCRIBE ks.events") == [row]
    session.set_keyspace("ks")
    assert rows(session, "DESC COLUMNFAMILY events") == [row]
    assert rows(session, "describe events") == [row]
    (users,) = rows(session, "DESCRIBE TABLE users")
    assert users.create_statement.startswith(
        "CREATE TABLE ks.users (\n    id uuid PRIMARY KEY,\n    age int,\n    name text\n"
        ") WITH additional_write_policy = '99p'\n")


def test_create_statements_parse_back(session):
    """Every statement of DESCRIBE KEYSPACE ks, run again under another keyspace name, makes
    the same schema (system_schema.columns and the DESCRIBE text itself)."""
    elements = rows(session, "DESCRIBE KEYSPACE ks")
    assert [(e.type, e.name) for e in elements] == [
        ("keyspace", "ks"), ("table", "events"), ("table", "users")]
    assert elements[0].create_statement == (
        "CREATE KEYSPACE ks WITH replication = {'class': 'org.apache.cassandra.locator.SimpleStrategy', "
        "'replication_factor': '1'}  AND durable_writes = true;")
    for e in elements:
        session.execute(e.create_statement.replace("ks", "ks_copy", 1)
                        .replace("CREATE TABLE ks.", "CREATE TABLE ks_copy."))
    for table in ("events", "users"):
        assert columns(session, "ks_copy", table) == columns(session, "ks", table)
    again = rows(session, "DESCRIBE KEYSPACE ks_copy")
    assert [e.create_statement.replace("ks_copy", "ks") for e in again] == \
        [e.create_statement for e in elements]
    # system_schema.tables reports the options DESCRIBE prints.
    opts = session.execute("SELECT comment, default_time_to_live, caching, gc_grace_seconds "
                           "FROM system_schema.tables WHERE keyspace_name = 'ks' "
                           "AND table_name = 'events'").one()
    assert (opts.comment, opts.default_time_to_live, opts.gc_grace_seconds) == ("it's here", 3600, 864000)
    assert opts.caching == {"keys": "ALL", "rows_per_partition": "NONE"}
    # The driver's own schema metadata agrees (it renders its own CREATE TABLE from
    # system_schema, frozen<> included).
    meta = session.cluster.metadata
    session.cluster.refresh_schema_metadata()
    assert "frozen<list<int>>" in meta.keyspaces["ks_copy"].tables["events"].export_as_string()


def test_listings(session):
    rs = session.execute("DESCRIBE KEYSPACES")
    assert rs.column_names == ["keyspace_name", "type", "name"]
    names = [r.name for r in rs]
    assert names == sorted(names) and {"ks", "system", "system_schema"} <= set(names)
    assert {r.type for r in rows(session, "DESCRIBE KEYSPACES")} == {"keyspace"}
    all_tables = rows(session, "DESCRIBE TABLES")
    assert ("ks", "table", "events") in [tuple(r) for r in all_tables]
    assert ("system", "table", "local") in [tuple(r) for r in all_tables]
    session.set_keyspace("ks")
    assert [tuple(r) for r in rows(session, "DESCRIBE TABLES")] == [
        ("ks", "table", "events"), ("ks", "table", "users")]
    assert rows(session, "DESCRIBE TYPES") == []


def test_schema_and_full_schema(session):
    schema = rows(session, "DESCRIBE SCHEMA")
    assert [(r.keyspace_name, r.type, r.name) for r in schema] == [
        ("ks", "keyspace", "ks"), ("ks", "table", "events"), ("ks", "table", "users")]
    full = rows(session, "DESCRIBE FULL SCHEMA")
    assert ("system", "keyspace", "system") in [(r.keyspace_name, r.type, r.name) for r in full]
    local = [r for r in full if r.keyspace_name == "system" and r.name == "local"]
    assert local and "release_version text" in local[0].create_statement
    only = rows(session, "DESCRIBE ONLY KEYSPACE ks")
    assert [r.type for r in only] == ["keyspace"]


def test_describe_pages_without_losing_rows(session):
    for i in range(5):
        session.execute(f"CREATE TABLE ks.t{i} (k int PRIMARY KEY, v text)")
    whole = rows(session, "DESCRIBE SCHEMA")
    assert len(whole) == 8
    paged = rows(session, "DESCRIBE SCHEMA", fetch_size=3)
    assert paged == whole
    listing = rows(session, "DESCRIBE TABLES", fetch_size=2)
    assert len([r for r in listing if r.keyspace_name == "ks"]) == 7


def test_cluster(session, server):
    rs = session.execute("DESCRIBE CLUSTER")
    assert rs.column_names == ["cluster", "partitioner", "snitch"]
    row = rs.one()
    local = session.execute("SELECT cluster_name FROM system.local").one()
    assert row.cluster == local.cluster_name
    assert (row.partitioner, row.snitch) == ("Murmur3Partitioner", "SimpleSnitch")
    session.set_keyspace("ks")
    rs = session.execute("DESCRIBE CLUSTER")
    assert rs.column_names == ["cluster", "partitioner", "snitch", "range_ownership"]
    assert list(rs.one().range_ownership.keys()) == ["0"]


def test_errors(session):
    with pytest.raises(InvalidRequest, match="'nosuch' not found in keyspaces"):
        session.execute("DESCRIBE KEYSPACE nosuch")
    with pytest.raises(InvalidRequest, match="Table 'nosuch' not found in keyspace 'ks'"):
        session.execute("DESCRIBE TABLE ks.nosuch")
    with pytest.raises(InvalidRequest, match="No keyspace specified and no current keyspace"):
        session.execute("DESCRIBE TABLE events")
    with pytest.raises(InvalidRequest, match="'nosuch' not found in keyspace 'ks'"):
        session.execute("DESCRIBE ks.nosuch")
    # The server keeps serving.
    assert session.execute("DESCRIBE KEYSPACES").one() is not None
