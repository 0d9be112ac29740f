"""`kappa acls add|list|remove` (kafka-acls.sh's flags) on a data directory's ACL file: what
it writes is what Kafka's DescribeAcls and CQL's LIST PERMISSIONS read; bad flags end with
exit code 2 and say what to give; remove refuses to empty the file without a filter."""
import json

from conftest import kappa


def acls(*args, check=True):
    return kappa("acls", *args, check=check)


def test_add_list_remove(tmp_path):
    d = str(tmp_path / "data")
    out = acls("add", "--data-dir", d, "--allow-principal", "User:alice", "--operation", "Read",
               "--operation", "Describe", "--topic", "orders", "--resource-pattern-type",
               "prefixed").stdout
    assert out.count("added") == 2, out
    acls("add", "--data-dir", d, "--deny-principal", "bob", "--operation", "Write", "--topic", "*")
    acls("add", "--data-dir", d, "--allow-principal", "User:alice", "--operation", "Select",
         "--keyspace", "spark_streams")
    acls("add", "--data-dir", d, "--allow-principal", "User:alice", "--operation",
         "idempotent-write", "--cluster")
    listed = json.loads(acls("list", "--data-dir", d, "--json").stdout)
    assert len(listed) == 5, listed
    assert {"resource_type": "TOPIC", "resource_name": "orders", "pattern_type": "PREFIXED",
            "principal": "User:alice", "host": "*", "operation": "READ",
            "permission": "ALLOW"} in listed
    assert any(a["principal"] == "User:bob" and a["permission"] == "DENY" for a in listed)
    assert any(a["resource_type"] == "KEYSPACE" and a["operation"] == "SELECT" for a in listed)
    only_bob = acls("list", "--data-dir", d, "--principal", "bob").stdout
    assert "User:bob" in only_bob and "alice" not in only_bob, only_bob
    removed = acls("remove", "--data-dir", d, "--principal", "User:alice", "--topic",
                   "orders", "--resource-pattern-type", "prefixed").stdout
    assert removed.count("removed") == 2, removed
    assert len(json.loads(acls("list", "--data-dir", d, "--json").stdout)) == 3
    assert "no ACLs matched" in acls("remove", "--data-dir", d, "--principal", "nobody").stdout


def test_bad_flags_say_what_to_give(tmp_path):
    d = str(tmp_path / "data")
    p = acls("add", "--data-dir", d, "--allow-principal", "User:a", "--operation", "Read",
             check=False)
    assert p.returncode == 2 and "which resource" in p.stderr, p.stderr
    p = acls("add", "--data-dir", d, "--allow-principal", "User:a", "--operation", "Fly",
             "--topic", "t", check=False)
    assert p.returncode == 2 and "not an operation" in p.stderr, p.stderr
    p = acls("add", "--data-dir", d, "--operation", "Read", "--topic", "t", check=False)
    assert p.returncode == 2 and "--allow-principal" in p.stderr, p.stderr
    p = acls("add", "--data-dir", d, "--allow-principal", "User:a", "--operation", "Read",
             "--topic", "t", "--group", "g", check=False)
    assert p.returncode == 2 and "one resource" in p.stderr, p.stderr
    p = acls("add", "--data-dir", d, "--allow-principal", "User:a", "--operation", "Read",
             "--keyspace", "ks", check=False)  # READ is Kafka's; a keyspace takes SELECT
    assert p.returncode != 0 and "not valid for resource type KEYSPACE" in p.stderr, p.stderr
    p = acls("remove", "--data-dir", d, check=False)
    assert p.returncode == 2 and "refusing to remove every ACL" in p.stderr, p.stderr
