"""The JSON and PROTOBUF schema types through `kappa registry`, driven by Confluent's own
client (confluent_kafka.schema_registry.SchemaRegistryClient, Debian's python3-confluent-kafka):
registration and identity after canonicalization, references by $ref URL and by import path,
compatibility verdicts, and Confluent's verbose reasons and 42201 errors over urllib."""
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from confluent_kafka.schema_registry import Schema, SchemaReference, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from conftest import KAPPA, free_port, wait_for_port  # noqa: E402

CT = "application/vnd.schemaregistry.v1+json"


@pytest.fixture
def registry(data_dir):
    port = free_port()
    proc = subprocess.Popen([KAPPA, "registry", "--data-dir", data_dir, "--listen",
                             f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    wait_for_port(port)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=15)


def post(url, path, body):
    req = urllib.request.Request(url + path, data=json.dumps(body).encode(), method="POST")
    req.add_header("Content-Type", CT)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


USER = {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
        "required": ["id"], "additionalProperties": False}


def test_json_schema_register_evolve_and_reject(registry):
    client = SchemaRegistryClient({"url": registry})
    first = client.register_schema("users-value", Schema(json.dumps(USER), "JSON"))
    # The same schema with keys reordered and spaces is the same schema: the same id.
    reordered = json.dumps(dict(reversed(list(USER.items()))), indent=2)
    assert client.register_schema("users-value", Schema(reordered, "JSON")) == first
    assert client.lookup_schema("users-value", Schema(reordered, "JSON")).version == 1

    # An optional property added to a closed content model is backward compatible ...
    v2 = dict(USER, properties=dict(USER["properties"], email={"type": "string"}))
    assert client.test_compatibility("users-value", Schema(json.dumps(v2), "JSON"))
    # ... a required one without a default is not, nor is narrowing a type.
    v3 = dict(v2, required=["id", "email"])
    assert not client.test_compatibility("users-value", Schema(json.dumps(v3), "JSON"))
    with pytest.raises(SchemaRegistryError) as e:
        client.register_schema("users-value", Schema(json.dumps(v3), "JSON"))
    assert e.value.http_status_code == 409
    assert client.register_schema("users-value", Schema(json.dumps(v2), "JSON")) != first

    # Against version 1 the new property is required; against version 2 (latest), where it
    # was optional, it became required.
    status, body = post(registry, "/compatibility/subjects/users-value/versions/1?verbose=true",
                        {"schemaType": "JSON", "schema": json.dumps(v3)})
    assert status == 200 and body["is_compatible"] is False
    assert ("Found incompatible change: Difference{jsonPath='#/properties/email', "
            "type=REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL}") in body["messages"]
    status, body = post(registry, "/compatibility/subjects/users-value/versions/latest?verbose=true",
                        {"schemaType": "JSON", "schema": json.dumps(v3)})
    assert status == 200 and body["is_compatible"] is False
    assert ("Found incompatible change: Difference{jsonPath='#/required/email', "
            "type=REQUIRED_ATTRIBUTE_ADDED}") in body["messages"]


def test_json_schema_references_and_invalid_schemas(registry):
    client = SchemaRegistryClient({"url": registry})
    address = {"type": "object", "properties": {"zip": {"type": "string", "maxLength": 5}}}
    client.register_schema("address", Schema(json.dumps(address), "JSON"))
    person = {"type": "object", "properties": {"home": {"$ref": "address.json"}}}
    refs = [SchemaReference("address.json", "address", 1)]
    pid = client.register_schema("person-value", Schema(json.dumps(person), "JSON", refs))
    assert pid > 0
    # Without the reference the $ref does not resolve: 42201.
    status, body = post(registry, "/subjects/person2-value/versions",
                        {"schemaType": "JSON", "schema": json.dumps(person)})
    assert status == 422 and body["error_code"] == 42201
    assert "address.json" in body["message"]
    for bad in ['{"type": "strin"}', '{"properties": {"a": 5}}', '{"type":', "42"]:
        status, body = post(registry, "/subjects/bad-value/versions",
                            {"schemaType": "JSON", "schema": bad})
        assert status == 422 and body["error_code"] == 42201, (bad, body)
        assert body["message"].startswith("Invalid schema")


PROTO_V1 = """syntax = "proto3";
package shop;
// An order.
message Order {
  int64 id = 1;
  string item = 2;
}
"""


def test_protobuf_register_evolve_and_reject(registry):
    client = SchemaRegistryClient({"url": registry})
    first = client.register_schema("orders-value", Schema(PROTO_V1, "PROTOBUF"))
    compact = 'syntax="proto3";package shop;message Order{int64 id=1;string item=2;}'
    assert client.register_schema("orders-value", Schema(compact, "PROTOBUF")) == first
    added = PROTO_V1.replace("string item = 2;", "string item = 2;\n  double price = 3;")
    assert client.test_compatibility("orders-value", Schema(added, "PROTOBUF"))
    retyped = PROTO_V1.replace("int64 id = 1;", "sint64 id = 1;")
    assert not client.test_compatibility("orders-value", Schema(retyped, "PROTOBUF"))
    status, body = post(registry, "/compatibility/subjects/orders-value/versions/latest?verbose=true",
                        {"schemaType": "PROTOBUF", "schema": retyped})
    assert body["is_compatible"] is False
    assert ("Found incompatible change: Difference{fullPath='#/Order/1', "
            "type=FIELD_SCALAR_KIND_CHANGED}") in body["messages"]


def test_protobuf_imports_resolve_from_references(registry):
    client = SchemaRegistryClient({"url": registry})
    money = 'syntax = "proto3"; package acme; message Money { int64 cents = 1; }'
    client.register_schema("money", Schema(money, "PROTOBUF"))
    order = ('syntax = "proto3"; package acme; import "acme/money.proto"; '
             'import "google/protobuf/timestamp.proto"; '
             'message Order { Money total = 1; google.protobuf.Timestamp at = 2; }')
    refs = [SchemaReference("acme/money.proto", "money", 1)]
    assert client.register_schema("order-value", Schema(order, "PROTOBUF", refs)) > 0
    status, body = post(registry, "/subjects/order2-value/versions",
                        {"schemaType": "PROTOBUF", "schema": order})
    assert status == 422 and body["error_code"] == 42201
    assert "acme/money.proto" in body["message"]
