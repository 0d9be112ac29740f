"""TLS on `kappa up`'s CQL listener (listeners.cql "HOST:PORT,tls://HOST:PORT"), checked with
the DataStax Python driver (what cqlsh is built on) as Cassandra's client_encryption_options
users configure it: ssl_context with the CA, hostname checked, a password. Wrong password,
untrusted or expired server certificate, a missing client certificate and a plaintext client
on the TLS port each give the driver's usual error; the server keeps serving the others."""
import os
import socket
import ssl
import sys

import pytest
from cassandra import AuthenticationFailed
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster, NoHostAvailable
from cassandra.policies import RoundRobinPolicy

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from conftest import kappa  # noqa: E402
from security_certs import tls_certs  # noqa: E402,F401  (the session fixture)
from tls_up import free_port, start_up, tls_section  # noqa: E402

USER, PASSWORD = "app", "correct horse battery"


def connect(port, ca=None, user=USER, password=PASSWORD, cert=None, tls=True):
    kw = {}
    if tls:
        ctx = ssl.create_default_context(cafile=ca)
        if cert:
            ctx.load_cert_chain(*cert)
        kw["ssl_context"] = ctx
    cluster = Cluster(["127.0.0.1"], port=port, protocol_version=4,
                      load_balancing_policy=RoundRobinPolicy(), connect_timeout=10,
                      control_connection_timeout=10,
                      auth_provider=PlainTextAuthProvider(user, password) if user else None,
                      **kw)
    return cluster, cluster.connect()


def errors_of(exc_info):
    return " ".join(f"{type(e).__name__}: {e}" for e in exc_info.value.errors.values())


def users_section():
    """The deprecated auth.cql_users (plaintext passwords in the config) still works."""
    return {"auth": {"cql_users": [{"name": USER, "password": PASSWORD}]}}


def add_user(data_dir, name, password):
    kappa("users", "add", name, "--data-dir", data_dir, "--password-stdin", input=password)


@pytest.fixture(scope="module")
def server(tmp_path_factory, tls_certs):
    tmp = tmp_path_factory.mktemp("cqltls")
    # The data directory's users (kappa users add): PasswordAuthenticator checks them.
    add_user(str(tmp / "data"), USER, PASSWORD)
    plain, tls = free_port(), free_port()
    up = start_up(tmp, {"cql": f"127.0.0.1:{plain},tls://127.0.0.1:{tls}",
                        "limits": {"request_timeout": "2s"}},
                  security=tls_section(tls_certs), wait_ports=(plain, tls))
    yield plain, tls
    code, err = up.stop()
    assert code == 0, err[-3000:]


def test_driver_over_tls_with_a_password(server, tls_certs):
    plain, tls = server
    cluster, session = connect(tls, ca=tls_certs.ca)
    try:
        row = session.execute("SELECT release_version FROM system.local").one()
        assert row.release_version.startswith("4.")
        session.execute("CREATE KEYSPACE IF NOT EXISTS tlsks WITH replication = "
                        "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        session.execute("CREATE TABLE IF NOT EXISTS tlsks.t (k int PRIMARY KEY, v text)")
        ins = session.prepare("INSERT INTO tlsks.t (k, v) VALUES (?, ?)")
        for i in range(50):
            session.execute(ins, (i, "x" * i))
        rows = list(session.execute("SELECT k, v FROM tlsks.t"))
        assert sorted(r.k for r in rows) == list(range(50))
    finally:
        cluster.shutdown()
    # The same rows through the plain listener beside it (which asks for the password too).
    cluster, session = connect(plain, tls=False)
    try:
        assert session.execute("SELECT count(*) FROM tlsks.t").one()[0] == 50
    finally:
        cluster.shutdown()


def test_wrong_password_is_authentication_failed(server, tls_certs):
    _, tls = server
    with pytest.raises(NoHostAvailable) as e:
        connect(tls, ca=tls_certs.ca, password="wrong")
    assert any(isinstance(x, AuthenticationFailed) for x in e.value.errors.values()), \
        errors_of(e)
    cluster, session = connect(tls, ca=tls_certs.ca)
    assert session.execute("SELECT key FROM system.local").one().key == "local"
    cluster.shutdown()


def test_untrusted_server_certificate_is_an_ssl_error(server, tls_certs):
    _, tls = server
    with pytest.raises(NoHostAvailable) as e:
        connect(tls, ca=tls_certs.untrusted_ca)
    assert "CERTIFICATE_VERIFY_FAILED" in errors_of(e), errors_of(e)


def test_plaintext_client_on_the_tls_port_fails_and_others_go_on(server, tls_certs):
    _, tls = server
    with pytest.raises(NoHostAvailable):
        connect(tls, tls=False)
    # A raw CQL OPTIONS frame: the server closes the connection (no TLS record).
    with socket.create_connection(("127.0.0.1", tls), timeout=20) as s:
        s.sendall(bytes([4, 0, 0, 1, 5, 0, 0, 0, 0]))
        assert s.recv(100) == b""
    cluster, session = connect(tls, ca=tls_certs.ca)
    assert session.execute("SELECT key FROM system.local").one().key == "local"
    cluster.shutdown()


def test_silent_client_is_closed_by_the_request_timeout(server):
    _, tls = server
    with socket.create_connection(("127.0.0.1", tls), timeout=30) as s:
        try:
            assert s.recv(100) == b""
        except ConnectionResetError:
            pass


def test_expired_server_certificate_is_an_ssl_error(tmp_path, tls_certs):
    port = free_port()
    up = start_up(tmp_path, {"cql": f"tls://127.0.0.1:{port}"},
                  security={"tls": {"cert": tls_certs.expired_cert,
                                    "key": tls_certs.expired_key}},
                  wait_ports=(port,), extra=users_section())
    try:
        with pytest.raises(NoHostAvailable) as e:
            connect(port, ca=tls_certs.ca)
        assert "certificate has expired" in errors_of(e), errors_of(e)
    finally:
        code, err = up.stop()
    assert code == 0, err[-3000:]


def test_required_client_certificate(tmp_path, tls_certs):
    port = free_port()
    up = start_up(tmp_path, {"cql": f"tls://127.0.0.1:{port}"},
                  security=tls_section(tls_certs, ca=tls_certs.ca, client_auth="required"),
                  wait_ports=(port,), extra=users_section())
    try:
        cluster, session = connect(port, ca=tls_certs.ca,
                                   cert=(tls_certs.client_cert, tls_certs.client_key))
        assert session.execute("SELECT key FROM system.local").one().key == "local"
        cluster.shutdown()
        for cert in (None, (tls_certs.untrusted_client_cert, tls_certs.untrusted_client_key)):
            with pytest.raises(NoHostAvailable):
                connect(port, ca=tls_certs.ca, cert=cert)
    finally:
        code, err = up.stop()
    assert code == 0, err[-3000:]


CLIENTS = os.path.join(os.path.dirname(__file__), "..", "clients")


def node_check(port, ca, password, expect):
    import subprocess
    if not os.path.isdir(os.path.join(CLIENTS, "node_modules", "cassandra-driver")):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=CLIENTS, check=True,
                       capture_output=True, timeout=300)
    env = dict(os.environ, NODE_PATH=os.path.join(CLIENTS, "node_modules"))
    p = subprocess.run(["node", os.path.join(os.path.dirname(__file__), "node_tls_check.js"),
                        str(port), ca, USER, password, expect],
                       capture_output=True, text=True, timeout=120, env=env)
    assert p.returncode == 0 and f"node tls {expect} ok" in p.stdout, p.stdout + p.stderr


def test_node_driver_over_tls_with_a_password(server, tls_certs):
    _, tls = server
    node_check(tls, tls_certs.ca, PASSWORD, "ok")
    node_check(tls, tls_certs.ca, "wrong", "auth")
    node_check(tls, tls_certs.untrusted_ca, PASSWORD, "untrusted")


def test_kappa_cql_shell_over_tls(server, tls_certs):
    """kappa's own client (kappa cql, the Cassandra sink, kappa bench cql) over TLS: the
    server's certificate checked against --tls-ca and the host; an untrusted CA and a TLS
    client on the plaintext port fail with a message, not a hang."""
    plain, tls = server
    out = kappa("cql", "--host", "127.0.0.1", "--port", tls, "--tls-ca", tls_certs.ca,
                "-u", USER, "-p", PASSWORD, "-e",
                "SELECT release_version FROM system.local;", timeout=60).stdout
    assert "4." in out, out
    bad = kappa("cql", "--host", "127.0.0.1", "--port", tls, "--tls-ca", tls_certs.untrusted_ca,
                "-u", USER, "-p", PASSWORD, "-e", "SELECT * FROM system.local;", check=False,
                timeout=60)
    assert bad.returncode != 0
    assert "TLS handshake" in bad.stderr and "certificate verify failed" in bad.stderr, bad.stderr
    wrong_port = kappa("cql", "--host", "127.0.0.1", "--port", plain, "--tls-ca", tls_certs.ca,
                       "-u", USER, "-p", PASSWORD, "-e", "SELECT * FROM system.local;",
                       check=False, timeout=60)
    assert wrong_port.returncode != 0
    assert "TLS handshake" in wrong_port.stderr, wrong_port.stderr


def test_bench_cql_tls_runs_both_side_by_side():
    """`kappa bench cql --tls` (a smoke run with tiny counts; the figures are in
    docs/benchmarks/cql.md): plaintext and TLS passes over one in-process store, in the
    order plaintext TLS TLS plaintext, and the ratio of their means."""
    p = kappa("bench", "cql", "--tls", "--rows", "300", "--reads", "300", "--latency-rate", "0",
              "--concurrency", "32", timeout=120)
    passes = [l for l in p.stdout.splitlines() if l.startswith("== ") and "(127.0.0.1:" in l]
    assert [l.split(" (")[0] for l in passes] == \
        ["== plaintext 1", "== TLS 1", "== TLS 2", "== plaintext 2"], p.stdout
    assert p.stdout.count("rows found: 300") == 4, p.stdout
    assert "== TLS / plaintext" in p.stdout and "x, point reads" in p.stdout, p.stdout
    assert "errors" not in p.stdout, p.stdout
