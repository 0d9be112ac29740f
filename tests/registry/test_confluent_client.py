"""Confluent's own Python client (Debian's python3-confluent-kafka 1.7,
confluent_kafka.schema_registry.SchemaRegistryClient) against `kappa registry`: every REST
call it makes, Avro and JSON Schema, references, and its errors (SchemaRegistryError with
Confluent's error_code, which is what its users branch on)."""
import io
import json
import os
import struct
import sys

import avro.io
import avro.schema
import pytest
from confluent_kafka.schema_registry import (Schema, SchemaReference, SchemaRegistryClient,
                                             SchemaRegistryError)
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

sys.path.insert(0, os.path.dirname(__file__))
from registry_server import RegistryServer  # noqa: E402

USER_V1 = json.dumps({"type": "record", "name": "User", "namespace": "com.acme", "fields": [
    {"name": "name", "type": "string"}]})
USER_V2 = json.dumps({"type": "record", "name": "User", "namespace": "com.acme", "fields": [
    {"name": "name", "type": "string"}, {"name": "age", "type": "int", "default": 0}]})
USER_BAD = json.dumps({"type": "record", "name": "User", "namespace": "com.acme", "fields": [
    {"name": "name", "type": "string"}, {"name": "email", "type": "string"}]})
ADDRESS = json.dumps({"type": "record", "name": "Address", "namespace": "com.acme",
                      "fields": [{"name": "city", "type": "string"}]})
CUSTOMER = json.dumps({"type": "record", "name": "Customer", "namespace": "com.acme",
                       "fields": [{"name": "name", "type": "string"},
                                  {"name": "home", "type": "com.acme.Address"}]})
ORDER_JSON = json.dumps({"$schema": "http://json-schema.org/draft-07/schema#",
                         "title": "Order", "type": "object",
                         "properties": {"id": {"type": "integer"},
                                        "item": {"type": "string"}},
                         "required": ["id"]})


@pytest.fixture(scope="module")
def registry(tmp_path_factory):
    r = RegistryServer(tmp_path_factory.mktemp("confluent") / "data")
    yield r
    r.stop()


@pytest.fixture
def client(registry):
    # A fresh client per test: its caches would otherwise answer without a request.
    return SchemaRegistryClient({"url": registry.url})


def same_schema(a, b):
    return json.loads(a) == json.loads(b)


def error_of(fn, *args):
    with pytest.raises(SchemaRegistryError) as e:
        fn(*args)
    return e.value


def test_avro_register_get_lookup_versions(client):
    sid = client.register_schema("users-value", Schema(USER_V1, "AVRO"))
    assert isinstance(sid, int) and sid > 0
    fresh = SchemaRegistryClient({"url": client._rest_client.base_url})
    assert fresh.register_schema("users-value", Schema(USER_V1, "AVRO")) == sid  # not cached
    got = fresh.get_schema(sid)
    assert got.schema_type == "AVRO" and same_schema(got.schema_str, USER_V1)

    sid2 = client.register_schema("users-value", Schema(USER_V2, "AVRO"))
    assert sid2 != sid
    # The same schema under another subject gets the same id.
    assert client.register_schema("people-value", Schema(USER_V1, "AVRO")) == sid

    found = client.lookup_schema("users-value", Schema(USER_V1, "AVRO"))
    assert (found.schema_id, found.subject, found.version) == (sid, "users-value", 1)
    assert same_schema(found.schema.schema_str, USER_V1)

    latest = client.get_latest_version("users-value")
    assert (latest.schema_id, latest.subject, latest.version) == (sid2, "users-value", 2)
    assert same_schema(latest.schema.schema_str, USER_V2)
    v1 = client.get_version("users-value", 1)
    assert (v1.schema_id, v1.version) == (sid, 1)
    assert client.get_versions("users-value") == [1, 2]
    subjects = client.get_subjects()
    assert "users-value" in subjects and "people-value" in subjects


def test_compatibility(client):
    client.register_schema("compat-value", Schema(USER_V1, "AVRO"))
    assert client.get_compatibility() == "BACKWARD"
    assert client.test_compatibility("compat-value", Schema(USER_V2, "AVRO")) is True
    assert client.test_compatibility("compat-value", Schema(USER_BAD, "AVRO")) is False
    assert client.test_compatibility("compat-value", Schema(USER_BAD, "AVRO"), version=1) is False

    e = error_of(client.register_schema, "compat-value", Schema(USER_BAD, "AVRO"))
    assert (e.http_status_code, e.error_code) == (409, 409), e

    assert client.set_compatibility("compat-value", "NONE") == {"compatibility": "NONE"}
    assert client.get_compatibility("compat-value") == "NONE"
    assert client.test_compatibility("compat-value", Schema(USER_BAD, "AVRO")) is True
    assert client.register_schema("compat-value", Schema(USER_BAD, "AVRO")) > 0

    e = error_of(client.set_compatibility, "compat-value", "SIDEWAYS")
    assert (e.http_status_code, e.error_code) == (422, 42203), e
    # The global level: set and put back.
    assert client.set_compatibility(level="FULL") == {"compatibility": "FULL"}
    assert client.get_compatibility() == "FULL"
    assert client.set_compatibility(level="BACKWARD") == {"compatibility": "BACKWARD"}


def test_deletes(client):
    a = client.register_schema("del-value", Schema(USER_V1, "AVRO"))
    client.register_schema("del-value", Schema(USER_V2, "AVRO"))
    assert client.delete_version("del-value", 2) == 2
    assert client.get_versions("del-value") == [1]
    e = error_of(client.get_version, "del-value", 2)
    assert (e.http_status_code, e.error_code) == (404, 40402), e

    assert client.delete_subject("del-value") == [1]
    assert "del-value" not in client.get_subjects()
    e = error_of(client.get_versions, "del-value")
    assert e.error_code == 40401, e
    # The id stays readable after a soft delete.
    assert same_schema(SchemaRegistryClient({"url": client._rest_client.base_url})
                       .get_schema(a).schema_str, USER_V1)

    # Soft then permanent in one call (the client sends both DELETEs).
    client.register_schema("perm-value", Schema(USER_V1, "AVRO"))
    assert client.delete_subject("perm-value", permanent=True) == [1]
    assert "perm-value" not in client.get_subjects()
    e = error_of(client.delete_subject, "perm-value")
    assert e.error_code == 40401, e
    # Registering again after a permanent delete starts again at version 1 (a fresh
    # client: this one's cache still knows the id and would not ask).
    fresh = SchemaRegistryClient({"url": client._rest_client.base_url})
    assert fresh.register_schema("perm-value", Schema(USER_V1, "AVRO")) > 0
    assert fresh.get_versions("perm-value") == [1]


def test_errors(client):
    e = error_of(client.get_schema, 987654)
    assert (e.http_status_code, e.error_code) == (404, 40403), e
    e = error_of(client.get_latest_version, "no-such-subject")
    assert (e.http_status_code, e.error_code) == (404, 40401), e
    client.register_schema("err-value", Schema(USER_V1, "AVRO"))
    e = error_of(client.get_version, "err-value", 42)
    assert (e.http_status_code, e.error_code) == (404, 40402), e
    e = error_of(client.lookup_schema, "err-value", Schema(USER_V2, "AVRO"))
    assert (e.http_status_code, e.error_code) == (404, 40403), e
    e = error_of(client.lookup_schema, "no-such-subject", Schema(USER_V1, "AVRO"))
    assert (e.http_status_code, e.error_code) == (404, 40401), e
    e = error_of(client.register_schema, "err-value", Schema('{"type": "recrod"}', "AVRO"))
    assert (e.http_status_code, e.error_code) == (422, 42201), e
    e = error_of(client.register_schema, "err-value", Schema("{not json", "AVRO"))
    assert (e.http_status_code, e.error_code) == (422, 42201), e
    e = error_of(client.get_version, "err-value", "first")
    assert (e.http_status_code, e.error_code) == (422, 42202), e
    assert e.error_message


def test_references(client):
    aid = client.register_schema("address-value", Schema(ADDRESS, "AVRO"))
    ref = SchemaReference("com.acme.Address", "address-value", 1)
    cid = client.register_schema("customer-value", Schema(CUSTOMER, "AVRO", [ref]))
    assert cid != aid
    got = SchemaRegistryClient({"url": client._rest_client.base_url}).get_schema(cid)
    assert same_schema(got.schema_str, CUSTOMER)
    assert [(r.name, r.subject, r.version) for r in got.references] == \
        [("com.acme.Address", "address-value", 1)]
    latest = client.get_latest_version("customer-value")
    assert latest.schema_id == cid
    found = client.lookup_schema("customer-value", Schema(CUSTOMER, "AVRO", [ref]))
    assert found.schema_id == cid and found.version == 1
    # Without its reference the schema names an unknown type.
    e = error_of(client.register_schema, "customer2-value", Schema(CUSTOMER, "AVRO"))
    assert e.error_code == 42201, e
    # A referenced version cannot be deleted while referenced (42206).
    e = error_of(client.delete_version, "address-value", 1)
    assert (e.http_status_code, e.error_code) == (422, 42206), e


def test_json_schema_serializer_round_trip(client):
    ser = JSONSerializer(ORDER_JSON, client)
    ctx = SerializationContext("orders", MessageField.VALUE)
    payload = ser({"id": 7, "item": "book"}, ctx)
    assert payload[0] == 0
    sid = struct.unpack(">I", payload[1:5])[0]
    # The serializer registered the schema under the topic's subject (TopicNameStrategy).
    latest = client.get_latest_version("orders-value")
    assert latest.schema_id == sid and latest.schema.schema_type == "JSON"
    got = SchemaRegistryClient({"url": client._rest_client.base_url}).get_schema(sid)
    assert got.schema_type == "JSON" and same_schema(got.schema_str, ORDER_JSON)
    assert JSONDeserializer(got.schema_str)(payload, ctx) == {"id": 7, "item": "book"}
    assert client.test_compatibility("orders-value", Schema(ORDER_JSON, "JSON")) is True


def test_avro_payload_with_a_fetched_schema(client):
    # Confluent's framing with python3-avro (Debian has no fastavro for AvroSerializer):
    # the writer's schema is whatever the registry returns for the id.
    sid = client.register_schema("payments-value", Schema(USER_V2, "AVRO"))
    schema = avro.schema.parse(
        SchemaRegistryClient({"url": client._rest_client.base_url}).get_schema(sid).schema_str)
    buf = io.BytesIO()
    buf.write(b"\0" + struct.pack(">I", sid))
    avro.io.DatumWriter(schema).write({"name": "Ada", "age": 36}, avro.io.BinaryEncoder(buf))
    data = buf.getvalue()
    wid = struct.unpack(">I", data[1:5])[0]
    writer = avro.schema.parse(client.get_schema(wid).schema_str)
    reader = avro.io.DatumReader(writer, avro.schema.parse(USER_V2))
    assert reader.read(avro.io.BinaryDecoder(io.BytesIO(data[5:]))) == {"name": "Ada", "age": 36}
