"""`kappa registry` over HTTP with urllib: the basic REST round trip, Confluent's error
bodies and content type, URL-encoded subjects, and a kill -9 that keeps every id.

The full real-client suites (confluent_kafka's SchemaRegistryClient, KafkaJS's registry
client, curl error matrix) live beside this file."""
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from conftest import KAPPA, free_port, wait_for_port  # noqa: E402

CT = "application/vnd.schemaregistry.v1+json"
USER_V1 = json.dumps({"type": "record", "name": "User", "fields": [
    {"name": "name", "type": "string"}]})
USER_V2 = json.dumps({"type": "record", "name": "User", "fields": [
    {"name": "name", "type": "string"},
    {"name": "age", "type": "int", "default": 0}]})


class Registry:
    def __init__(self, data_dir):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [KAPPA, "registry", "--data-dir", data_dir, "--listen", f"127.0.0.1:{self.port}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for_port(self.port)

    def call(self, method, path, body=None, content_type=CT):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data,
                                     method=method)
        if data is not None:
            req.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.headers.get("Content-Type"), r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type"), e.read().decode()

    def json(self, method, path, body=None):
        status, ctype, text = self.call(method, path, body)
        return status, json.loads(text)

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=15)


@pytest.fixture
def registry(data_dir):
    r = Registry(data_dir)
    yield r
    r.stop()


def test_register_lookup_and_errors(registry):
    assert registry.json("GET", "/") == (200, {})
    status, types = registry.json("GET", "/schemas/types")
    assert status == 200 and "AVRO" in types
    subject = "orders/v1 é"
    quoted = urllib.parse.quote(subject, safe="")
    status, body = registry.json("POST", f"/subjects/{quoted}/versions", {"schema": USER_V1})
    assert (status, body) == (200, {"id": 1})
    # Again: the same id; under another subject: the same id too.
    assert registry.json("POST", f"/subjects/{quoted}/versions", {"schema": USER_V1}) == \
        (200, {"id": 1})
    assert registry.json("POST", "/subjects/other/versions", {"schema": USER_V1}) == \
        (200, {"id": 1})
    status, ctype, text = registry.call("GET", f"/subjects/{quoted}/versions/latest")
    assert status == 200 and ctype == CT
    got = json.loads(text)
    assert got == {"subject": subject, "version": 1, "id": 1, "schema": USER_V1}
    assert registry.json("GET", "/subjects") == (200, sorted(["other", subject]))
    assert registry.json("GET", "/schemas/ids/1") == (200, {"schema": USER_V1})
    # A compatible evolution, then an incompatible one (new field without default).
    assert registry.json("POST", f"/subjects/{quoted}/versions", {"schema": USER_V2}) == \
        (200, {"id": 2})
    bad = json.dumps({"type": "record", "name": "User", "fields": [
        {"name": "name", "type": "string"}, {"name": "email", "type": "string"}]})
    status, body = registry.json("POST", f"/compatibility/subjects/{quoted}/versions/latest"
                                         "?verbose=true", {"schema": bad})
    assert status == 200 and body["is_compatible"] is False and body["messages"]
    status, body = registry.json("POST", f"/subjects/{quoted}/versions", {"schema": bad})
    assert status == 409 and body["error_code"] == 409
    # Confluent's error bodies.
    assert registry.json("GET", "/subjects/nope/versions") == \
        (404, {"error_code": 40401, "message": "Subject 'nope' not found."})
    status, body = registry.json("GET", f"/subjects/{quoted}/versions/9")
    assert (status, body["error_code"]) == (404, 40402)
    status, body = registry.json("GET", "/schemas/ids/99")
    assert (status, body["error_code"]) == (404, 40403)
    status, body = registry.json("POST", "/subjects/x/versions", {"schema": "{not avro"})
    assert (status, body["error_code"]) == (422, 42201)
    status, body = registry.json("GET", f"/subjects/{quoted}/versions/zero")
    assert (status, body["error_code"]) == (422, 42202)
    status, body = registry.json("PUT", "/config", {"compatibility": "SIDEWAYS"})
    assert (status, body["error_code"]) == (422, 42203)
    status, _, text = registry.call("POST", "/subjects/x/versions", {"schema": USER_V1},
                                    content_type="text/plain")
    assert status == 415
    # Plain application/json is accepted too.
    status, _, text = registry.call("POST", "/subjects/plain/versions", {"schema": USER_V1},
                                    content_type="application/json")
    assert (status, json.loads(text)) == (200, {"id": 1})
    status, _, text = registry.call("GET", "/metrics")
    assert 'kappa_registry_requests_total{operation="register"}' in text
    assert 'kappa_registry_errors_total{error_code="40401"} 1' in text
    assert "kappa_registry_schemas 2" in text


def test_kill9_keeps_every_id(data_dir):
    r = Registry(data_dir)
    ids = {}
    try:
        # Unrelated record types in one subject: no compatibility checks.
        assert r.json("PUT", "/config", {"compatibility": "NONE"}) == \
            (200, {"compatibility": "NONE"})
        for i in range(20):
            schema = json.dumps({"type": "record", "name": f"R{i}", "fields": [
                {"name": "f", "type": "long"}]})
            status, body = r.json("POST", f"/subjects/s{i % 4}/versions", {"schema": schema})
            assert status == 200, body
            ids[schema] = body["id"]
        r.call("DELETE", "/subjects/s3")
    finally:
        r.kill9()
    r = Registry(data_dir)
    try:
        for schema, id_ in ids.items():
            assert r.json("GET", f"/schemas/ids/{id_}") == (200, {"schema": schema})
        assert r.json("GET", "/subjects") == (200, ["s0", "s1", "s2"])
        assert r.json("GET", "/subjects?deleted=true") == (200, ["s0", "s1", "s2", "s3"])
        assert r.json("GET", "/config") == (200, {"compatibilityLevel": "NONE"})
        status, body = r.json("POST", "/subjects/new/versions", {"schema": '"string"'})
        assert (status, body) == (200, {"id": 21})
    finally:
        r.stop()
