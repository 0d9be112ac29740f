"""`kappa schemas list|get|register|check|delete|config` against `kappa registry`: what a
user types, what they read, and the errors telling them what to do."""
import json
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "registry"))
from conftest import free_port, kappa  # noqa: E402
from registry_server import RegistryServer  # noqa: E402

USER_V1 = {"type": "record", "name": "User", "namespace": "com.acme", "fields": [
    {"name": "name", "type": "string"}]}
USER_V2 = {"type": "record", "name": "User", "namespace": "com.acme", "fields": [
    {"name": "name", "type": "string"},
    {"name": "age", "type": "int", "default": 0}]}
# A field without a default: readers of this version cannot read v1/v2 data (BACKWARD fails).
USER_BAD = {"type": "record", "name": "User", "namespace": "com.acme", "fields": [
    {"name": "name", "type": "string"},
    {"name": "email", "type": "string"}]}


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    r = RegistryServer(tmp_path_factory.mktemp("schemas-cli") / "data")
    yield r
    r.stop()


def schemas(registry, *args, check=True, input=None):
    return kappa("schemas", *args, "--registry", registry.url, check=check, timeout=30,
                 input=input)


def write(tmp_path, name, doc):
    p = tmp_path / name
    p.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return str(p)


@pytest.mark.parametrize("sub", ["list", "get", "register", "check", "delete", "config"])
def test_every_command_has_help(sub):
    out = kappa("schemas", sub, "--help").stdout
    assert "--registry" in out and "http://127.0.0.1:8081" in out, out


def test_no_registry_says_what_to_do():
    port = free_port()
    p = kappa("schemas", "list", "--registry", f"http://127.0.0.1:{port}", check=False)
    assert p.returncode == 1
    assert f"127.0.0.1:{port}" in p.stderr, p.stderr
    assert "kappa up" in p.stderr and "--registry" in p.stderr, p.stderr
    p = kappa("schemas", "list", "--registry", "127.0.0.1:8081", check=False)
    assert p.returncode == 2 and "http://" in p.stderr, p.stderr


def test_register_get_check_list(registry, tmp_path):
    v1 = write(tmp_path, "v1.avsc", USER_V1)
    out = schemas(registry, "register", "--subject", "users-value", "--file", v1).stdout
    assert out.startswith("registered users-value: id "), out
    assert out.strip().endswith("version 1"), out
    uid = int(out.split("id ")[1].split(",")[0])
    # The same schema again: the same id and version.
    again = schemas(registry, "register", "-s", "users-value", "-f", v1, "--json").stdout
    assert json.loads(again) == {"subject": "users-value", "id": uid, "version": 1}

    v2 = write(tmp_path, "v2.avsc", USER_V2)
    assert schemas(registry, "check", "-s", "users-value", "-f", v2).stdout == "compatible\n"
    out = schemas(registry, "register", "-s", "users-value", "-f", v2).stdout
    assert out.strip().endswith("version 2"), out

    assert "users-value" in schemas(registry, "list").stdout.split()
    assert schemas(registry, "list", "--subject", "users-value").stdout.split() == ["1", "2"]

    only = schemas(registry, "get", "--id", str(uid), "--schema-only").stdout
    assert json.loads(only) == USER_V1
    got = json.loads(schemas(registry, "get", "-s", "users-value", "--json").stdout)
    assert got["subject"] == "users-value" and got["version"] == 2
    assert json.loads(got["schema"]) == USER_V2
    human = schemas(registry, "get", "-s", "users-value", "-v", "1").stdout
    assert human.startswith(f"subject users-value version 1\nid {uid}, type AVRO\n"), human
    assert '"name": "User"' in human  # indented JSON

    bad = write(tmp_path, "bad.avsc", USER_BAD)
    p = schemas(registry, "check", "-s", "users-value", "-f", bad, check=False)
    assert p.returncode == 1
    lines = p.stdout.splitlines()
    assert lines[0] == "incompatible:" and len(lines) >= 2, p.stdout
    assert "email" in p.stdout, p.stdout
    # Registering it fails with 409 and says how to see why.
    p = schemas(registry, "register", "-s", "users-value", "-f", bad, check=False)
    assert p.returncode == 1
    assert "(error 409)" in p.stderr and "kappa schemas check" in p.stderr, p.stderr


def test_json_schema_and_references(registry, tmp_path):
    js = write(tmp_path, "order.json", {"type": "object", "properties": {
        "id": {"type": "integer"}}, "required": ["id"]})
    out = schemas(registry, "register", "-s", "orders-value", "-f", js, "--type", "JSON").stdout
    assert out.startswith("registered orders-value: id "), out
    got = json.loads(schemas(registry, "get", "-s", "orders-value", "--json").stdout)
    assert got["schemaType"] == "JSON"

    addr = write(tmp_path, "addr.avsc", {"type": "record", "name": "Address",
                                         "namespace": "com.acme",
                                         "fields": [{"name": "city", "type": "string"}]})
    schemas(registry, "register", "-s", "address-value", "-f", addr)
    cust = write(tmp_path, "cust.avsc", {"type": "record", "name": "Customer",
                                         "namespace": "com.acme",
                                         "fields": [{"name": "home", "type": "com.acme.Address"}]})
    schemas(registry, "register", "-s", "customer-value", "-f", cust,
            "--reference", "com.acme.Address=address-value:1")
    human = schemas(registry, "get", "-s", "customer-value").stdout
    assert "reference com.acme.Address = address-value version 1" in human, human
    # Without the reference the name is unknown: an invalid schema, with a hint.
    p = schemas(registry, "register", "-s", "customer2-value", "-f", cust, check=False)
    assert p.returncode == 1 and "(error 42201)" in p.stderr and "--type" in p.stderr, p.stderr
    p = schemas(registry, "register", "-s", "c", "-f", cust, "--reference", "nonsense", check=False)
    assert p.returncode == 2 and "NAME=SUBJECT:VERSION" in p.stderr, p.stderr


def test_subjects_with_slash_and_unicode(registry, tmp_path):
    v1 = write(tmp_path, "v1.avsc", USER_V1)
    subject = "team/a-ü-value"
    schemas(registry, "register", "-s", subject, "-f", v1)
    assert subject in schemas(registry, "list").stdout.splitlines()
    assert schemas(registry, "list", "-s", subject).stdout.split() == ["1"]


def test_errors_carry_code_and_hint(registry, tmp_path):
    p = schemas(registry, "get", "-s", "nope-value", check=False)
    assert p.returncode == 1
    assert "(error 40401)" in p.stderr and "kappa schemas list" in p.stderr, p.stderr
    p = schemas(registry, "get", "--id", "99999", check=False)
    assert p.returncode == 1 and "(error 40403)" in p.stderr, p.stderr
    bad = write(tmp_path, "broken.avsc", '{"type": "record", "name": "X"')
    p = schemas(registry, "register", "-s", "broken-value", "-f", bad, check=False)
    assert p.returncode == 1 and "(error 42201)" in p.stderr, p.stderr
    p = schemas(registry, "register", "-s", "x", "-f", str(tmp_path / "missing.avsc"), check=False)
    assert p.returncode == 1 and "cannot read schema file" in p.stderr, p.stderr
    p = schemas(registry, "get", check=False)
    assert p.returncode == 2 and "--id" in p.stderr, p.stderr
    p = schemas(registry, "register", "-s", "x", "-f", bad, "--type", "XML", check=False)
    assert p.returncode != 0 and "XML" in p.stderr, p.stderr


def test_config(registry):
    out = schemas(registry, "config").stdout
    assert out == "global: compatibility BACKWARD, mode READWRITE\n", out
    out = schemas(registry, "config", "-s", "users-value", "--compatibility", "FULL").stdout
    assert out.startswith("users-value: compatibility FULL"), out
    assert json.loads(schemas(registry, "config", "-s", "users-value", "--json").stdout)[
        "compatibilityLevel"] == "FULL"
    out = schemas(registry, "config", "-s", "users-value", "--delete").stdout
    assert "compatibility FULL removed" in out and "users-value: compatibility BACKWARD" in out, out
    out = schemas(registry, "config", "-s", "users-value", "--mode", "READONLY").stdout
    assert out == "users-value: compatibility BACKWARD, mode READONLY\n", out
    p = schemas(registry, "register", "-s", "users-value", "-f", "-", check=False,
                input=json.dumps(USER_V1))
    assert p.returncode == 1 and "(error 42205)" in p.stderr and "READWRITE" in p.stderr, p.stderr
    schemas(registry, "config", "-s", "users-value", "--mode", "READWRITE")
    p = schemas(registry, "config", "--mode", "SOMETIMES", check=False)
    assert p.returncode == 1 and "(error 42204)" in p.stderr, p.stderr
    p = schemas(registry, "config", "--compatibility", "SIDEWAYS", check=False)
    assert p.returncode == 1 and "(error 42203)" in p.stderr and "FULL_TRANSITIVE" in p.stderr, \
        p.stderr


def test_delete_soft_then_permanent(registry, tmp_path):
    v1 = write(tmp_path, "v1.avsc", USER_V1)
    v2 = write(tmp_path, "v2.avsc", USER_V2)
    schemas(registry, "register", "-s", "gone-value", "-f", v1)
    schemas(registry, "register", "-s", "gone-value", "-f", v2)
    p = schemas(registry, "delete", "-s", "gone-value", "--permanent", check=False)
    assert p.returncode == 1 and "(error 40405)" in p.stderr and "without --permanent" in p.stderr, \
        p.stderr
    out = schemas(registry, "delete", "-s", "gone-value", "-v", "2").stdout
    assert out == "soft-deleted gone-value version 2\n", out
    assert schemas(registry, "list", "-s", "gone-value").stdout.split() == ["1"]
    assert schemas(registry, "list", "-s", "gone-value", "--deleted").stdout.split() == ["1", "2"]
    out = schemas(registry, "delete", "-s", "gone-value").stdout
    assert out == "soft-deleted gone-value: versions 1\n", out
    assert "gone-value" not in schemas(registry, "list").stdout.split()
    assert "gone-value" in schemas(registry, "list", "--deleted").stdout.split()
    out = schemas(registry, "delete", "-s", "gone-value", "--permanent").stdout
    assert out.startswith("permanently deleted gone-value: versions "), out
    assert "gone-value" not in schemas(registry, "list", "--deleted").stdout.split()
