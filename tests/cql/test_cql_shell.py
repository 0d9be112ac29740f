"""`kappa cql` (the shell) against `kappa cql-server`: -e, -f, cqlsh-style output, DESCRIBE,
errors and exit codes."""
import pytest

from conftest import kappa
from cql_server import CqlServer


@pytest.fixture
def server(tmp_path):
    s = CqlServer(str(tmp_path / "data"))
    yield s
    assert s.stop() == 0


def cql(server, *args, check=True):
    return kappa("cql", "--port", server.port, *args, check=check, timeout=60)


def test_execute_prints_aligned_rows(server, tmp_path):
    script = tmp_path / "setup.cql"
    script.write_text("""
        CREATE KEYSPACE spark_streams WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};
        CREATE TABLE spark_streams.created_users (id uuid PRIMARY KEY, first_name text, last_name text);
        -- two users
        INSERT INTO spark_streams.created_users (id, first_name, last_name)
            VALUES (123e4567-e89b-12d3-a456-426614174000, 'Ada', 'Lovelace');
        INSERT INTO spark_streams.created_users (id, first_name, last_name)
            VALUES (223e4567-e89b-12d3-a456-426614174000, 'Bartholomew', 'Li');
    """)
    cql(server, "-f", str(script))
    out = cql(server, "-e", "SELECT first_name, last_name FROM spark_streams.created_users "
                            "WHERE id = 123e4567-e89b-12d3-a456-426614174000").stdout
    assert out == ("\n first_name | last_name\n"
                   "------------+-----------\n"
                   "        Ada |  Lovelace\n"
                   "\n(1 rows)\n\n")
    out = cql(server, "-e", "SELECT count(*) FROM spark_streams.created_users;").stdout
    assert " count\n" in out and "     2\n" in out and "(1 rows)" in out
    out = cql(server, "-k", "spark_streams", "-e", "SELECT * FROM created_users LIMIT 1").stdout
    assert "(1 rows)" in out


def test_describe(server):
    cql(server, "-e", "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};"
                      "CREATE TABLE ks.events (t text, ts int, v text, PRIMARY KEY (t, ts)) "
                      "WITH CLUSTERING ORDER BY (ts DESC)")
    out = cql(server, "-e", "DESCRIBE KEYSPACES").stdout
    assert "ks" in out.split() and "system" in out.split()
    out = cql(server, "-k", "ks", "-e", "DESCRIBE TABLES").stdout
    assert out.split() == ["events"]
    out = cql(server, "-e", "DESCRIBE TABLE ks.events").stdout
    assert "CREATE TABLE ks.events" in out
    assert "PRIMARY KEY" in out and "ts DESC" in out


def test_errors_exit_2_with_server_message(server):
    p = cql(server, "-e", "SELECT * FORM x", check=False)
    assert p.returncode == 2
    assert "code=2000 [Syntax error in CQL query]" in p.stderr
    assert "line 1:9" in p.stderr
    p = cql(server, "-e", "SELECT * FROM nosuch.t", check=False)
    assert p.returncode == 2
    assert "code=2200 [Invalid query]" in p.stderr


def test_connection_refused_is_readable(tmp_path):
    from conftest import free_port
    p = kappa("cql", "--port", free_port(), "-e", "SELECT 1", check=False)
    assert p.returncode != 0
    assert "cannot connect" in p.stderr


def test_help_texts():
    assert "DESCRIBE" in kappa("cql", "--help").stdout
    assert "--allow-default-credentials" in kappa("cql-server", "--help").stdout
