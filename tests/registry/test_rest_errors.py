"""`kappa registry` as attackers and careless clients use it, over http.client and raw
sockets: every Confluent error code path with its status and JSON body, malformed and huge
bodies, a half-sent request, unknown paths and methods, subjects with `/` and unicode; after
each the server keeps serving. Expected codes are Confluent Schema Registry 7.x's
(io.confluent.kafka.schemaregistry.rest.exceptions.Errors)."""
import json
import os
import socket
import sys
import time
import urllib.parse

import pytest

sys.path.insert(0, os.path.dirname(__file__))
from registry_server import CT, RegistryServer  # noqa: E402

V1 = json.dumps({"type": "record", "name": "User", "fields": [{"name": "name", "type": "string"}]})
V2 = json.dumps({"type": "record", "name": "User", "fields": [
    {"name": "name", "type": "string"}, {"name": "age", "type": "int", "default": 0}]})
BAD = json.dumps({"type": "record", "name": "User", "fields": [
    {"name": "name", "type": "string"}, {"name": "email", "type": "string"}]})


@pytest.fixture(scope="module")
def reg(tmp_path_factory):
    r = RegistryServer(tmp_path_factory.mktemp("rest-errors") / "data")
    yield r
    assert r.alive(), r.log()
    r.stop()


def q(subject):
    return urllib.parse.quote(subject, safe="")


def expect_error(reg, method, path, body=None, status=None, code=None, raw=None, headers=None):
    got_status, h, text = reg.call(method, path, body, raw=raw, headers=headers)
    assert got_status == status, (method, path, got_status, text)
    assert h.get("content-type", "").split(";")[0] in (CT, "application/json"), h
    doc = json.loads(text)
    assert set(doc) >= {"error_code", "message"}, doc
    assert doc["error_code"] == code, (method, path, doc)
    assert isinstance(doc["message"], str) and doc["message"], doc
    return doc


def register(reg, subject, schema, **extra):
    status, doc = reg.json("POST", f"/subjects/{q(subject)}/versions", {"schema": schema, **extra})
    assert status == 200, (status, doc)
    return doc["id"]


def serving(reg):
    assert reg.json("GET", "/")[0] == 200
    assert reg.json("GET", "/subjects")[0] == 200


def test_not_found_codes(reg):
    register(reg, "nf-value", V1)
    doc = expect_error(reg, "GET", "/subjects/nope-value/versions", status=404, code=40401)
    assert "nope-value" in doc["message"]
    expect_error(reg, "GET", "/subjects/nope-value/versions/1", status=404, code=40401)
    expect_error(reg, "GET", "/subjects/nf-value/versions/7", status=404, code=40402)
    expect_error(reg, "GET", "/schemas/ids/424242", status=404, code=40403)
    expect_error(reg, "GET", "/schemas/ids/424242/schema", status=404, code=40403)
    # Lookup: unknown subject 40401, known subject without that schema 40403.
    expect_error(reg, "POST", "/subjects/nope-value", {"schema": V1}, status=404, code=40401)
    expect_error(reg, "POST", "/subjects/nf-value", {"schema": V2}, status=404, code=40403)
    serving(reg)


def test_soft_delete_codes(reg):
    register(reg, "sd-value", V1)
    register(reg, "sd-value", V2)
    # Permanent before soft: 40405 (subject), 40407 (version).
    expect_error(reg, "DELETE", "/subjects/sd-value?permanent=true", status=404, code=40405)
    expect_error(reg, "DELETE", "/subjects/sd-value/versions/2?permanent=true", status=404,
                 code=40407)
    assert reg.json("DELETE", "/subjects/sd-value/versions/2") == (200, 2)
    # Soft-deleting a soft-deleted version: 40406; then permanent works.
    expect_error(reg, "DELETE", "/subjects/sd-value/versions/2", status=404, code=40406)
    assert reg.json("DELETE", "/subjects/sd-value/versions/2?permanent=true") == (200, 2)
    assert reg.json("DELETE", "/subjects/sd-value") == (200, [1])
    # Soft-deleting a soft-deleted subject: 40404.
    expect_error(reg, "DELETE", "/subjects/sd-value", status=404, code=40404)
    assert reg.json("GET", "/subjects/sd-value/versions?deleted=true") == (200, [1])
    assert reg.json("DELETE", "/subjects/sd-value?permanent=true") == (200, [1])
    expect_error(reg, "GET", "/subjects/sd-value/versions?deleted=true", status=404, code=40401)
    serving(reg)


def test_incompatible_409_and_verbose_reasons(reg):
    register(reg, "inc-value", V1)
    doc = expect_error(reg, "POST", "/subjects/inc-value/versions", {"schema": BAD}, status=409,
                       code=409)
    assert "incompatible" in doc["message"].lower(), doc
    status, res = reg.json("POST", "/compatibility/subjects/inc-value/versions/latest?verbose=true",
                           {"schema": BAD})
    assert status == 200 and res["is_compatible"] is False, res
    assert res["messages"] and any("email" in m for m in res["messages"]), res
    status, res = reg.json("POST", "/compatibility/subjects/inc-value/versions/latest",
                           {"schema": V2})
    assert (status, res["is_compatible"]) == (200, True), res
    serving(reg)


def test_invalid_schema_42201(reg):
    expect_error(reg, "POST", "/subjects/inv-value/versions",
                 {"schema": '{"type": "record", "name": "X", "fields": [{"name": "a"}]}'},
                 status=422, code=42201)
    expect_error(reg, "POST", "/subjects/inv-value/versions", {"schema": '{"type": "strin"}'},
                 status=422, code=42201)
    expect_error(reg, "POST", "/subjects/inv-value/versions", {"schema": "{not json"},
                 status=422, code=42201)
    expect_error(reg, "POST", "/subjects/inv-value/versions", {"schema": V1, "schemaType": "XML"},
                 status=422, code=42201)
    expect_error(reg, "POST", "/subjects/inv-value/versions",
                 {"schema": '{"type": "object", "properties": 3}', "schemaType": "JSON"},
                 status=422, code=42201)
    serving(reg)


def test_invalid_version_42202(reg):
    register(reg, "ver-value", V1)
    for v in ["abc", "0", "-2", "1.5", "2147483648"]:
        expect_error(reg, "GET", f"/subjects/ver-value/versions/{v}", status=422, code=42202)
    assert reg.json("GET", "/subjects/ver-value/versions/-1")[1]["version"] == 1  # = latest
    serving(reg)


def test_invalid_compatibility_42203_and_mode_42204(reg):
    expect_error(reg, "PUT", "/config", {"compatibility": "SIDEWAYS"}, status=422, code=42203)
    expect_error(reg, "PUT", "/config/x-value", {"compatibility": "full-ish"}, status=422,
                 code=42203)
    expect_error(reg, "PUT", "/mode", {"mode": "SOMETIMES"}, status=422, code=42204)
    assert reg.json("GET", "/config") == (200, {"compatibilityLevel": "BACKWARD"})
    serving(reg)


def test_readonly_mode_42205(reg):
    register(reg, "ro-value", V1)
    assert reg.json("PUT", "/mode/ro-value", {"mode": "READONLY"}) == (200, {"mode": "READONLY"})
    expect_error(reg, "POST", "/subjects/ro-value/versions", {"schema": V2}, status=422,
                 code=42205)
    expect_error(reg, "DELETE", "/subjects/ro-value", status=422, code=42205)
    # Reads still work; other subjects still take writes.
    assert reg.json("GET", "/subjects/ro-value/versions") == (200, [1])
    register(reg, "rw-value", V1)
    assert reg.json("PUT", "/mode/ro-value", {"mode": "READWRITE"})[0] == 200
    register(reg, "ro-value", V2)


def test_reference_exists_42206(reg):
    addr = json.dumps({"type": "record", "name": "Address", "namespace": "com.acme",
                       "fields": [{"name": "city", "type": "string"}]})
    cust = json.dumps({"type": "record", "name": "Customer", "namespace": "com.acme",
                       "fields": [{"name": "home", "type": "com.acme.Address"}]})
    register(reg, "addr-value", addr)
    register(reg, "cust-value", cust,
             references=[{"name": "com.acme.Address", "subject": "addr-value", "version": 1}])
    expect_error(reg, "DELETE", "/subjects/addr-value/versions/1", status=422, code=42206)
    expect_error(reg, "DELETE", "/subjects/addr-value", status=422, code=42206)
    status, ids = reg.json("GET", "/subjects/addr-value/versions/1/referencedby")
    assert status == 200 and len(ids) == 1, ids


def test_malformed_bodies(reg):
    for raw in [b"{not json", b"", b"[1, 2", b"\xff\xfe\x00garbage", b'"just a string"']:
        status, h, text = reg.call("POST", "/subjects/mal-value/versions", raw=raw)
        assert status in (400, 422), (raw, status, text)
        doc = json.loads(text)
        assert isinstance(doc["error_code"], int) and doc["message"], doc
    # A JSON object without "schema".
    expect_error(reg, "POST", "/subjects/mal-value/versions", {"schemaType": "AVRO"}, status=422,
                 code=42201)
    # Plain application/json is accepted as Confluent's own content type.
    status, _, text = reg.call("POST", "/subjects/mal-value/versions",
                               raw=json.dumps({"schema": V1}).encode(),
                               headers={"Content-Type": "application/json"})
    assert status == 200 and "id" in json.loads(text), text
    serving(reg)


def test_ten_megabyte_body(reg):
    # A 10 MB schema string, invalid (an enum symbol may not contain '-'): refused with a
    # JSON error (too large, or not a valid schema).
    huge = json.dumps({"schema": '{"type": "enum", "name": "E", "symbols": ["' +
                       "A" * (10 << 20) + '-"]}'}).encode()
    status, h, text = reg.call("POST", "/subjects/huge-value/versions", raw=huge, timeout=60)
    assert status in (413, 422), (status, text[:300])
    doc = json.loads(text)
    assert isinstance(doc["error_code"], int) and doc["message"], doc
    serving(reg)


def test_slow_half_sent_request_does_not_block_others(reg):
    slow = socket.create_connection(("127.0.0.1", reg.port))
    body = json.dumps({"schema": V1}).encode()
    slow.sendall(b"POST /subjects/slow-value/versions HTTP/1.1\r\nHost: x\r\n"
                 b"Content-Type: " + CT.encode() + b"\r\nContent-Length: " +
                 str(len(body)).encode() + b"\r\n\r\n" + body[:10])
    try:
        start = time.time()
        for i in range(20):
            register(reg, f"fast-{i}-value", V1)
            assert reg.json("GET", "/schemas/types")[0] == 200
        assert time.time() - start < 10
        # The slow client may still finish its request.
        slow.sendall(body[10:])
        slow.settimeout(10)
        answer = slow.recv(4096)
        assert answer.startswith(b"HTTP/1.1 200"), answer
    finally:
        slow.close()
    serving(reg)


def test_unknown_paths_and_methods(reg):
    expect_error(reg, "GET", "/nope", status=404, code=404)
    expect_error(reg, "GET", "/subjects/a/b/c/d/e", status=404, code=404)
    expect_error(reg, "PATCH", "/subjects", status=405, code=405)
    expect_error(reg, "POST", "/schemas/types", {"x": 1}, status=405, code=405)
    expect_error(reg, "PUT", "/schemas/ids/1", {"x": 1}, status=405, code=405)
    serving(reg)


def test_subjects_with_slash_and_unicode(reg):
    for subject in ["team/orders-value", "ünïcödé-值-value", "a b?c#d-value", "x%y-value"]:
        sid = register(reg, subject, V1)
        status, subjects = reg.json("GET", "/subjects")
        assert subject in subjects, subjects
        assert reg.json("GET", f"/subjects/{q(subject)}/versions") == (200, [1])
        status, got = reg.json("GET", f"/subjects/{q(subject)}/versions/latest")
        assert (got["subject"], got["id"]) == (subject, sid), got
        status, subs = reg.json("GET", f"/schemas/ids/{sid}/subjects")
        assert subject in subs, subs
    serving(reg)


def test_content_type_and_root(reg):
    status, h, text = reg.call("GET", "/subjects")
    assert status == 200 and h["content-type"].split(";")[0] == CT, h
    status, h, text = reg.call("GET", "/schemas/ids/424242")
    assert h["content-type"].split(";")[0] == CT, h
    assert reg.json("GET", "/") == (200, {})
