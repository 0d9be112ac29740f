"""Roles and permissions over CQL with the DataStax Python driver (what cqlsh is built on),
as Cassandra users manage them: a super user creates a role with CREATE ROLE, GRANTs it
SELECT/MODIFY on a keyspace or table, the role logs in and gets `cassandra.Unauthorized`
for anything else; LIST ROLES / LIST PERMISSIONS read back what was done; the permissions
are the data directory's ACLs (kappa acls / Kafka's DescribeAcls show them too)."""
import os
import sys

import pytest
from cassandra import Unauthorized, InvalidRequest, AuthenticationFailed
from cassandra.cluster import NoHostAvailable

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from conftest import kappa  # noqa: E402
from tls_up import cql_login as connect, free_port, start_up  # noqa: E402

ADMIN, ADMIN_PW = "admin", "admin password 1"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cqlroles")
    kappa("users", "add", ADMIN, "--data-dir", str(tmp / "data"), "--password-stdin",
          input=ADMIN_PW)
    port = free_port()
    up = start_up(tmp, {"cql": f"127.0.0.1:{port}"},
                  security={"acls": {"enabled": True, "super_users": [ADMIN]}},
                  wait_ports=(port,))
    cluster, admin = connect(port, ADMIN, ADMIN_PW)
    admin.execute("CREATE KEYSPACE IF NOT EXISTS shop WITH replication = "
                  "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    admin.execute("CREATE TABLE IF NOT EXISTS shop.orders (id int PRIMARY KEY, item text)")
    admin.execute("CREATE TABLE IF NOT EXISTS shop.secrets (id int PRIMARY KEY, v text)")
    admin.execute("INSERT INTO shop.orders (id, item) VALUES (1, 'tea')")
    yield port, admin, up
    cluster.shutdown()
    code, err = up.stop()
    assert code == 0, err[-3000:]


def test_role_gets_unauthorized_until_granted(server):
    port, admin, _ = server
    admin.execute("CREATE ROLE IF NOT EXISTS alice WITH PASSWORD = 'alice pw' AND LOGIN = true")
    cluster, alice = connect(port, "alice", "alice pw")
    try:
        with pytest.raises(Unauthorized) as e:
            alice.execute("SELECT * FROM shop.orders")
        assert "alice has no SELECT permission on <table shop.orders>" in str(e.value)
        admin.execute("GRANT SELECT ON KEYSPACE shop TO alice")
        rows = list(alice.execute("SELECT id, item FROM shop.orders"))
        assert [(r.id, r.item) for r in rows] == [(1, "tea")]
        with pytest.raises(Unauthorized):
            alice.execute("INSERT INTO shop.orders (id, item) VALUES (2, 'cake')")
        admin.execute("GRANT MODIFY ON TABLE shop.orders TO alice")
        ins = alice.prepare("INSERT INTO shop.orders (id, item) VALUES (?, ?)")
        alice.execute(ins, (2, "cake"))
        with pytest.raises(Unauthorized):
            alice.execute("INSERT INTO shop.secrets (id, v) VALUES (1, 'x')")
        with pytest.raises(Unauthorized):
            alice.execute("DROP TABLE shop.orders")
        # The system keyspaces stay readable: the driver's metadata needs them.
        assert alice.execute("SELECT release_version FROM system.local").one()
        # REVOKE takes effect at once for the open session.
        admin.execute("REVOKE SELECT ON KEYSPACE shop FROM alice")
        with pytest.raises(Unauthorized):
            alice.execute("SELECT * FROM shop.orders")
        # Another client keeps being served.
        assert admin.execute("SELECT count(*) FROM shop.orders").one()[0] == 2
    finally:
        cluster.shutdown()


def test_list_roles_and_permissions(server):
    _, admin, _ = server
    admin.execute("CREATE ROLE IF NOT EXISTS bob WITH PASSWORD = 'bob pw' AND LOGIN = true")
    admin.execute("GRANT ALL PERMISSIONS ON TABLE shop.secrets TO bob")
    roles = {r.role: r for r in admin.execute("LIST ROLES")}
    assert roles["bob"].login is True and roles["bob"].super is False
    assert roles[ADMIN].login is True
    perms = [(r.role, r.resource, r.permission)
             for r in admin.execute("LIST ALL PERMISSIONS OF bob")]
    assert perms == [("bob", "<table shop.secrets>", p)
                     for p in ("ALTER", "DROP", "SELECT", "MODIFY", "AUTHORIZE")]
    admin.execute("REVOKE ALL ON TABLE shop.secrets FROM bob")
    assert list(admin.execute("LIST ALL PERMISSIONS OF bob")) == []


def test_role_management_needs_a_super_user(server):
    port, admin, _ = server
    admin.execute("CREATE ROLE IF NOT EXISTS carol WITH PASSWORD = 'carol pw' AND LOGIN = true")
    cluster, carol = connect(port, "carol", "carol pw")
    try:
        with pytest.raises(Unauthorized):
            carol.execute("CREATE ROLE mallory WITH PASSWORD = 'x' AND LOGIN = true "
                          "AND SUPERUSER = true")
        with pytest.raises(Unauthorized):
            carol.execute("GRANT SELECT ON KEYSPACE shop TO carol")
        # Her own password she may change.
        carol.execute("ALTER ROLE carol WITH PASSWORD = 'carol pw 2'")
    finally:
        cluster.shutdown()
    with pytest.raises(NoHostAvailable) as e:
        connect(port, "carol", "carol pw")
    assert any(isinstance(x, AuthenticationFailed) for x in e.value.errors.values())
    c2, carol2 = connect(port, "carol", "carol pw 2")
    c2.shutdown()
    # A role made SUPERUSER by CQL bypasses the checks; DROP ROLE removes the login.
    admin.execute("ALTER ROLE carol WITH SUPERUSER = true")
    c3, carol3 = connect(port, "carol", "carol pw 2")
    try:
        assert carol3.execute("SELECT count(*) FROM shop.secrets").one()[0] == 0
    finally:
        c3.shutdown()
    admin.execute("DROP ROLE carol")
    with pytest.raises(NoHostAvailable):
        connect(port, "carol", "carol pw 2")
    with pytest.raises(InvalidRequest):
        admin.execute("DROP ROLE carol")


def test_roles_are_the_users_kappa_users_lists(server):
    _, admin, up = server
    admin.execute("CREATE ROLE IF NOT EXISTS dave WITH PASSWORD = 'dave pw' AND LOGIN = true")
    out = kappa("users", "list", "--data-dir", up.data_dir).stdout
    assert "dave" in out.split()
