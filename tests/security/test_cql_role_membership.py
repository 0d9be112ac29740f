"""Role membership over CQL with the DataStax Python driver, as Cassandra 4 users manage it:
a super user GRANTs a role holding SELECT to a login user, who can then read (a new session)
until the role is REVOKEd; a grant that would make a cycle is an InvalidRequest with
Cassandra's wording; LIST ROLES OF shows what a user holds. The same grant counts on the Kafka
and HTTP listeners, whose checks use the same users and ACLs."""
import json
import os
import subprocess
import sys

import pytest
from cassandra import InvalidRequest, Unauthorized

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from conftest import kappa, wait_for  # noqa: E402
from tls_up import cql_login as connect, free_port, start_up  # noqa: E402

ADMIN, ADMIN_PW = "admin", "admin password 1"
USER, USER_PW = "u", "u password 1"


def select_as_user(port):
    """SELECT from a fresh session of USER: the rows, or the Unauthorized raised."""
    cluster, s = connect(port, USER, USER_PW)
    try:
        return [(r.id, r.item) for r in s.execute("SELECT id, item FROM shop.orders")]
    finally:
        cluster.shutdown()


def http_status(port, path):
    r = subprocess.run(["curl", "-sS", "--max-time", "20", "-o", "/dev/null", "-w",
                        "%{http_code}", "-u", f"{USER}:{USER_PW}",
                        f"http://127.0.0.1:{port}{path}"],
                       capture_output=True, text=True, timeout=60)
    return int(r.stdout or 0)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cqlmembers")
    kappa("users", "add", ADMIN, "--data-dir", str(tmp / "data"), "--password-stdin",
          input=ADMIN_PW)
    cql, http, kafka = free_port(), free_port(), free_port()
    up = start_up(tmp, {"cql": f"127.0.0.1:{cql}", "http": f"127.0.0.1:{http}",
                        "kafka": f"SASL_PLAINTEXT://127.0.0.1:{kafka}"},
                  security={"acls": {"enabled": True, "super_users": [ADMIN]}},
                  wait_ports=(cql, http, kafka))
    cluster, admin = connect(cql, ADMIN, ADMIN_PW)
    admin.execute("CREATE KEYSPACE IF NOT EXISTS shop WITH replication = "
                  "{'class': 'SimpleStrategy', 'replication_factor': 1}")
    admin.execute("CREATE TABLE IF NOT EXISTS shop.orders (id int PRIMARY KEY, item text)")
    admin.execute("INSERT INTO shop.orders (id, item) VALUES (1, 'tea')")
    admin.execute("CREATE ROLE r1")
    admin.execute("GRANT SELECT ON KEYSPACE shop TO r1")
    admin.execute(f"CREATE ROLE {USER} WITH PASSWORD = '{USER_PW}' AND LOGIN = true")
    yield {"cql": cql, "http": http, "kafka": kafka, "admin": admin, "data": str(tmp / "data")}
    cluster.shutdown()
    code, err = up.stop()
    assert code == 0, err[-3000:]


def test_granted_role_gives_select_until_revoked(server):
    port, admin = server["cql"], server["admin"]
    with pytest.raises(Unauthorized) as e:
        select_as_user(port)
    assert "u has no SELECT permission on <table shop.orders>" in str(e.value)
    admin.execute("GRANT r1 TO u")
    assert select_as_user(port) == [(1, "tea")]
    # Shown as Cassandra shows it: the role that holds the permission.
    perms = [(r.role, r.resource, r.permission)
             for r in admin.execute("LIST ALL PERMISSIONS OF u")]
    assert perms == [("r1", "<keyspace shop>", "SELECT")]
    admin.execute("REVOKE r1 FROM u")
    with pytest.raises(Unauthorized):
        select_as_user(port)


def test_revoke_reaches_an_open_session(server):
    port, admin = server["cql"], server["admin"]
    admin.execute("GRANT r1 TO u")
    cluster, s = connect(port, USER, USER_PW)
    try:
        assert len(list(s.execute("SELECT * FROM shop.orders"))) == 1
        admin.execute("REVOKE r1 FROM u")
        with pytest.raises(Unauthorized):
            s.execute("SELECT * FROM shop.orders")
    finally:
        cluster.shutdown()


def test_cycles_and_repeats_are_invalid_requests(server):
    admin = server["admin"]
    admin.execute("CREATE ROLE IF NOT EXISTS r2")
    admin.execute("GRANT r1 TO r2")
    with pytest.raises(InvalidRequest) as e:
        admin.execute("GRANT r2 TO r1")
    assert "r2 is a member of r1" in str(e.value)
    with pytest.raises(InvalidRequest) as e:
        admin.execute("GRANT r1 TO r2")
    assert "r2 is a member of r1" in str(e.value)
    with pytest.raises(InvalidRequest) as e:
        admin.execute("REVOKE r2 FROM r1")
    assert "r1 is not a member of r2" in str(e.value)
    with pytest.raises(InvalidRequest) as e:
        admin.execute("GRANT nobody TO r1")
    assert "nobody doesn't exist" in str(e.value)
    admin.execute("REVOKE r1 FROM r2")


def test_list_roles_of_a_user(server):
    port, admin = server["cql"], server["admin"]
    admin.execute("CREATE ROLE IF NOT EXISTS r2")
    admin.execute("GRANT r1 TO r2")
    admin.execute("GRANT r2 TO u")
    try:
        rows = list(admin.execute("LIST ROLES OF u"))
        assert [r.role for r in rows] == ["r1", "r2", "u"]
        assert [(r.super, r.login) for r in rows] == [(False, False), (False, False),
                                                        (False, True)]
        assert [r.role for r in admin.execute("LIST ROLES OF u NORECURSIVE")] == ["r2", "u"]
        # kappa users list --long shows the same grants, from the same store.
        listed = {r["name"]: r for r in json.loads(kappa(
            "users", "list", "--long", "--json", "--data-dir", server["data"]).stdout)}
        assert listed["u"]["member_of"] == ["r2"] and listed["r2"]["member_of"] == ["r1"]
        assert listed["u"]["login"] is True and listed["r1"]["login"] is False
        table = kappa("users", "list", "-l", "--data-dir", server["data"]).stdout.splitlines()
        assert table[0].split() == ["NAME", "SUPERUSER", "LOGIN", "MEMBER", "OF"]
        assert ["u", "no", "yes", "r2"] in [line.split() for line in table]
        # u sees its own roles, not another's; it holds r1's SELECT through r2.
        cluster, s = connect(port, USER, USER_PW)
        try:
            assert [r.role for r in s.execute("LIST ROLES")] == ["r1", "r2", "u"]
            with pytest.raises(Unauthorized):
                s.execute(f"LIST ROLES OF {ADMIN}")
            with pytest.raises(Unauthorized):
                s.execute("GRANT r1 TO u")
            assert len(list(s.execute("SELECT * FROM shop.orders"))) == 1
        finally:
            cluster.shutdown()
        # Dropping r2 takes its memberships with it.
        admin.execute("DROP ROLE r2")
        assert [r.role for r in admin.execute("LIST ROLES OF u")] == ["u"]
        with pytest.raises(Unauthorized):
            select_as_user(port)
    finally:
        admin.execute("DROP ROLE IF EXISTS r2")


def test_a_granted_role_counts_on_http_too(server):
    """The HTTP listener's check (DESCRIBE on the cluster) sees ACLs held through a role."""
    admin, http = server["admin"], server["http"]
    admin.execute("CREATE ROLE IF NOT EXISTS schema_readers")
    kappa("acls", "add", "--data-dir", server["data"], "--allow-principal",
          "User:schema_readers", "--operation", "Describe", "--cluster")
    assert http_status(http, "/subjects") == 403
    admin.execute("GRANT schema_readers TO u")
    wait_for("the ACL kappa acls wrote to be read",
             lambda: http_status(http, "/subjects") == 200, timeout=10)
    admin.execute("REVOKE schema_readers FROM u")
    assert http_status(http, "/subjects") == 403
    # The grants are in users.json, beside the users `kappa users` lists.
    with open(os.path.join(server["data"], "security", "users.json")) as f:
        users = json.load(f)["users"]
    assert "member_of" not in users[USER]


def test_a_granted_role_counts_on_kafka_too(server):
    """Kafka's Metadata lists only the topics a user may describe: one DESCRIBE held through
    a role is enough, and gone with the REVOKE."""
    from confluent_kafka.admin import AdminClient, NewTopic

    def conf(user, password):
        return {"bootstrap.servers": f"127.0.0.1:{server['kafka']}",
                "security.protocol": "SASL_PLAINTEXT", "sasl.mechanisms": "SCRAM-SHA-512",
                "sasl.username": user, "sasl.password": password}

    admin, data = server["admin"], server["data"]
    boss = AdminClient(conf(ADMIN, ADMIN_PW))  # kept: the futures need a live client
    boss.create_topics([NewTopic("role-orders", num_partitions=1,
                                 replication_factor=1)])["role-orders"].result(timeout=30)
    admin.execute("CREATE ROLE IF NOT EXISTS topic_viewers")
    kappa("acls", "add", "--data-dir", data, "--allow-principal", "User:topic_viewers",
          "--operation", "Describe", "--topic", "role-orders")

    def visible():
        return "role-orders" in AdminClient(conf(USER, USER_PW)).list_topics(timeout=10).topics

    assert not visible()
    admin.execute("GRANT topic_viewers TO u")
    wait_for("the ACL kappa acls wrote to be read", visible, timeout=10)
    admin.execute("REVOKE topic_viewers FROM u")
    assert not visible()
