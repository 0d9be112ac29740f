"""The console's Topics, Messages and Consumer groups API (/api/console/topics...,
/api/console/groups...) against a real `kappa up`, checked with independent clients: kcat
produces what the browser API must show, confluent-kafka consumes what the API produced and
owns the consumer group whose lag must match `kappa groups describe`, and Confluent's
SchemaRegistryClient with python3-avro writes the Avro value the API must decode."""
import io
import json
import os
import struct
import subprocess
import time

import pytest
import requests
from confluent_kafka import Consumer, Producer, TopicPartition

from conftest import KAPPA, free_port, kappa, wait_for_port

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
XSS = "<script>alert('x')</script><img src=x onerror=alert(1)>"


class Up:
    """kappa up with the Kafka, HTTP (schema registry) and console listeners on free ports;
    consumer groups rebalance at once."""

    def __init__(self, tmp_path):
        self.kafka, self.http, self.console = free_port(), free_port(), free_port()
        text = open(os.path.join(ROOT, "config", "kappa.yaml")).read()
        old = "listeners:\n"
        assert old in text
        text = text.replace(old, old + "  kafka_group_initial_rebalance_delay: 0s\n", 1)
        config = tmp_path / "kappa.yaml"
        config.write_text(text)
        self.data_dir = str(tmp_path / "data")
        self.proc = subprocess.Popen(
            [KAPPA, "up", "--data-dir", self.data_dir, "--config", str(config),
             "--kafka-listen", f"127.0.0.1:{self.kafka}", "--cql-listen", "127.0.0.1:0",
             "--http-listen", f"127.0.0.1:{self.http}",
             "--console-listen", f"127.0.0.1:{self.console}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            for port in (self.kafka, self.http, self.console):
                wait_for_port(port, timeout=60)
        except TimeoutError:
            self.proc.kill()
            raise AssertionError("kappa up did not start: " + self.proc.stderr.read()[-3000:])
        self.bootstrap = f"127.0.0.1:{self.kafka}"
        self.base = f"http://127.0.0.1:{self.console}"
        self.s = requests.Session()
        token = self.s.get(self.base + "/api/console/session", timeout=10).json()["csrf_token"]
        self.s.headers["X-CSRF-Token"] = token

    def call(self, method, path, status=200, **kw):
        r = self.s.request(method, self.base + path, timeout=30, **kw)
        assert r.status_code == status, f"{method} {path}: {r.status_code} {r.text}"
        return r.json()

    def stop(self):
        self.s.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stderr.close()


@pytest.fixture
def up(tmp_path):
    u = Up(tmp_path)
    yield u
    u.stop()


def kcat(up, *args, input=None):
    return subprocess.run(["kcat", "-b", up.bootstrap, *args], input=input, text=True,
                          capture_output=True, timeout=60, check=True).stdout


def test_topic_create_list_describe_delete(up):
    up.call("POST", "/api/console/topics", 201,
            json={"name": "console_orders", "partitions": 3, "configs": {"retention.ms": "3600000"}})
    up.call("POST", "/api/console/topics", 409, json={"name": "console_orders"})
    up.call("POST", "/api/console/topics", 400,
            json={"name": "bad", "configs": {"retention.ms": "soon"}})
    up.call("POST", "/api/console/topics", 400, json={"name": "no spaces", "partitions": 1})
    # kcat (librdkafka's metadata) sees what the console created.
    meta = kcat(up, "-L", "-t", "console_orders", "-J")
    assert len(json.loads(meta)["topics"][0]["partitions"]) == 3
    for i in range(7):
        kcat(up, "-P", "-t", "console_orders", "-p", str(i % 3), input=f"v{i}\n")
    page = up.call("GET", "/api/console/topics", params={"q": "console_"})
    [t] = page["items"]
    assert (t["partitions"], t["messages"], t["retention_ms"]) == (3, 7, 3600000)
    d = up.call("GET", "/api/console/topics/console_orders")
    assert [p["end_offset"] for p in d["partition_list"]] == [3, 2, 2]
    configs = {c["name"]: c for c in d["configs"]}
    assert configs["retention.ms"]["value"] == "3600000" and not configs["retention.ms"]["is_default"]
    up.call("DELETE", "/api/console/topics/console_orders")
    up.call("GET", "/api/console/topics/console_orders", 404)
    assert "console_orders" not in kcat(up, "-L")


def test_kcat_message_shows_in_the_browser_as_text(up):
    up.call("POST", "/api/console/topics", 201, json={"name": "browse", "partitions": 2})
    value = json.dumps({"user": {"name": "ann", "note": XSS}, "n": 1})
    kcat(up, "-P", "-t", "browse", "-p", "1", "-K", "|", "-H", f"trace={XSS}", "-H", "src=kcat",
         input=f"{XSS}|{value}\n")
    kcat(up, "-P", "-t", "browse", "-p", "0", input="plain\n")
    got = up.call("GET", "/api/console/topics/browse/messages", params={"from": "start"})
    assert len(got["items"]) == 2 and got["next_cursor"] is None
    [m] = [m for m in got["items"] if m["partition"] == 1]
    assert m["key"] == XSS
    assert m["value"] == value
    assert m["value_format"] == "json" and m["value_json"]["user"]["note"] == XSS
    assert {h["key"]: h["value"] for h in m["headers"]} == {"trace": XSS, "src": "kcat"}
    # The filters find it; a field of the JSON value too.
    assert len(up.call("GET", "/api/console/topics/browse/messages", params={"q": "onerror"})["items"]) == 1
    hit = up.call("GET", "/api/console/topics/browse/messages",
                  params={"field": "user.name", "value": "ann", "partition": "1"})
    assert [x["offset"] for x in hit["items"]] == [0]
    # From a time after both: nothing; from the end: the newest.
    later = int(time.time() * 1000) + 60_000
    assert up.call("GET", "/api/console/topics/browse/messages",
                   params={"from": "time", "time": later})["items"] == []
    assert len(up.call("GET", "/api/console/topics/browse/messages",
                       params={"from": "end", "limit": 1, "partition": "0"})["items"]) == 1


def test_paging_returns_every_message_once(up):
    up.call("POST", "/api/console/topics", 201, json={"name": "paged", "partitions": 3})
    lines = "".join(f"m{i}\n" for i in range(40))
    for p in range(3):
        kcat(up, "-P", "-t", "paged", "-p", str(p), input=lines)
    seen, cursor = [], None
    for _ in range(100):
        params = {"limit": 7, "from": "start"}
        if cursor:
            params["cursor"] = cursor
        page = up.call("GET", "/api/console/topics/paged/messages", params=params)
        seen += [(m["partition"], m["offset"]) for m in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == [(p, o) for p in range(3) for o in range(40)]


def test_produced_from_the_api_is_consumed_by_confluent_kafka(up):
    up.call("POST", "/api/console/topics", 201, json={"name": "from_form", "partitions": 2})
    r = up.call("POST", "/api/console/topics/from_form/messages", 201,
                json={"partition": 1, "key": "k-1", "value": '{"a": 1}',
                      "headers": [{"key": "origin", "value": "console"}]})
    assert (r["partition"], r["offset"]) == (1, 0)
    up.call("POST", "/api/console/topics/from_form/messages", 400, json={"partition": 9, "value": "x"})
    c = Consumer({"bootstrap.servers": up.bootstrap, "group.id": "verify", "enable.auto.commit": False})
    try:
        c.assign([TopicPartition("from_form", 1, 0)])
        msg = None
        deadline = time.time() + 20
        while msg is None and time.time() < deadline:
            msg = c.poll(1.0)
        assert msg is not None and msg.error() is None
        assert (msg.key(), msg.value()) == (b"k-1", b'{"a": 1}')
        assert msg.headers() == [("origin", b"console")]
    finally:
        c.close()
    # Without a partition, a key goes where Kafka's default partitioner (murmur2) puts it,
    # as librdkafka's murmur2_random partitioner does.
    p = Producer({"bootstrap.servers": up.bootstrap, "partitioner": "murmur2_random"})
    got = {}
    p.produce("from_form", key=b"some-key", value=b"x", on_delivery=lambda e, m: got.update(p=m.partition()))
    p.flush(20)
    r = up.call("POST", "/api/console/topics/from_form/messages", 201,
                json={"key": "some-key", "value": "y"})
    assert r["partition"] == got["p"]


def lag_from_cli(up, group):
    """{(topic, partition): lag} from `kappa groups describe --bootstrap`."""
    out = kappa("groups", "describe", group, "--bootstrap", up.bootstrap).stdout
    rows = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 5 and f[1].isdigit():
            rows[(f[0], int(f[1]))] = int(f[4])
    return rows


def test_group_lag_matches_kappa_groups_describe_and_reset(up):
    up.call("POST", "/api/console/topics", 201, json={"name": "work", "partitions": 2})
    for p in range(2):
        kcat(up, "-P", "-t", "work", "-p", str(p), input="".join(f"w{i}\n" for i in range(10)))
    c = Consumer({"bootstrap.servers": up.bootstrap, "group.id": "workers",
                  "enable.auto.commit": False, "auto.offset.reset": "earliest",
                  "client.id": "worker-1"})
    try:
        c.subscribe(["work"])
        got = 0
        deadline = time.time() + 30
        while got < 6 and time.time() < deadline:
            m = c.poll(1.0)
            if m is not None and m.error() is None:
                got += 1
                c.commit(message=m, asynchronous=False)
        assert got >= 6
        g = up.call("GET", "/api/console/groups/workers")
        assert g["state"] == "Stable" and len(g["members"]) == 1
        assert g["members"][0]["client_id"] == "worker-1"
        assigned = sorted(p for a in g["members"][0]["assignment"] for p in a["partitions"])
        assert assigned == [0, 1]
        api_lag = {(o["topic"], o["partition"]): o["lag"] for o in g["offsets"]}
        assert api_lag == lag_from_cli(up, "workers")
        # Only partitions with a commit have a lag (as kappa groups describe lists them).
        assert api_lag and sum(api_lag.values()) == g["lag"] > 0
        listed = up.call("GET", "/api/console/groups")["items"]
        assert {"name": "workers", "lag": g["lag"]}.items() <= next(
            x for x in listed if x["name"] == "workers").items()
        # Active: the reset is refused.
        r = up.call("POST", "/api/console/groups/workers/reset", 409, json={"to": "earliest"})
        assert "active member" in r["message"]
        t = up.call("GET", "/api/console/topics/work")
        assert [x["group"] for x in t["groups"]] == ["workers"]
    finally:
        c.close()
    # Left: the reset goes through, and kappa groups describe sees it.
    deadline = time.time() + 20
    while up.call("GET", "/api/console/groups/workers")["members"] and time.time() < deadline:
        time.sleep(0.2)
    after = up.call("POST", "/api/console/groups/workers/reset", json={"to": "earliest"})
    assert after["lag"] == 20
    assert lag_from_cli(up, "workers") == {("work", 0): 10, ("work", 1): 10}
    up.call("POST", "/api/console/groups/workers/reset", json={"to": "offset", "offset": 4})
    assert lag_from_cli(up, "workers") == {("work", 0): 6, ("work", 1): 6}
    up.call("GET", "/api/console/groups/nobody", 404)


def test_avro_value_is_decoded_through_the_registry(up):
    import avro.io
    import avro.schema
    from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

    schema_text = json.dumps({"type": "record", "name": "User", "fields": [
        {"name": "name", "type": "string"}, {"name": "age", "type": "int"}]})
    sr = SchemaRegistryClient({"url": f"http://127.0.0.1:{up.http}"})
    sid = sr.register_schema("avro_users-value", Schema(schema_text, "AVRO"))
    buf = io.BytesIO()
    avro.io.DatumWriter(avro.schema.parse(schema_text)).write(
        {"name": XSS, "age": 42}, avro.io.BinaryEncoder(buf))
    framed = b"\x00" + struct.pack(">i", sid) + buf.getvalue()
    p = Producer({"bootstrap.servers": up.bootstrap})
    p.produce("avro_users", value=framed)
    assert p.flush(20) == 0
    got = up.call("GET", "/api/console/topics/avro_users/messages", params={"from": "start"})
    [m] = got["items"]
    assert m["value_format"] == "avro" and m["schema_id"] == sid
    assert m["value_json"] == {"name": XSS, "age": 42}
    hit = up.call("GET", "/api/console/topics/avro_users/messages",
                  params={"from": "start", "field": "age", "value": "42"})
    assert len(hit["items"]) == 1


def test_avro_value_with_schema_references_is_decoded(up):
    """A value whose schema uses another subject's record (Confluent schema references, as
    Confluent's serializers register nested types): the browser resolves the references
    through the registry and decodes the nested record."""
    import avro.io
    import avro.schema
    from confluent_kafka.schema_registry import Schema, SchemaReference, SchemaRegistryClient

    address = {"type": "record", "name": "Address", "namespace": "com.acme",
               "fields": [{"name": "city", "type": "string"}, {"name": "zip", "type": "int"}]}
    user = {"type": "record", "name": "Customer", "namespace": "com.acme",
            "fields": [{"name": "name", "type": "string"},
                       {"name": "home", "type": "com.acme.Address"},
                       {"name": "work", "type": ["null", "com.acme.Address"], "default": None}]}
    sr = SchemaRegistryClient({"url": f"http://127.0.0.1:{up.http}"})
    sr.register_schema("address-value", Schema(json.dumps(address), "AVRO"))
    version = sr.get_latest_version("address-value").version
    sid = sr.register_schema("customers-value", Schema(
        json.dumps(user), "AVRO",
        references=[SchemaReference("com.acme.Address", "address-value", version)]))
    # The same datum written with the types inlined (the binary encoding is the same).
    inlined = dict(user, fields=[user["fields"][0], dict(user["fields"][1], type=address),
                                 dict(user["fields"][2], type=["null", "com.acme.Address"])])
    datum = {"name": XSS, "home": {"city": "Lyon", "zip": 69001},
             "work": {"city": "Paris", "zip": 75001}}
    buf = io.BytesIO()
    avro.io.DatumWriter(avro.schema.parse(json.dumps(inlined))).write(
        datum, avro.io.BinaryEncoder(buf))
    p = Producer({"bootstrap.servers": up.bootstrap})
    p.produce("customers", value=b"\x00" + struct.pack(">i", sid) + buf.getvalue())
    assert p.flush(20) == 0
    got = up.call("GET", "/api/console/topics/customers/messages", params={"from": "start"})
    [m] = got["items"]
    assert m.get("value_error") is None, m
    assert m["value_format"] == "avro" and m["schema_id"] == sid, m
    assert m["value_json"] == datum, m["value_json"]
    hit = up.call("GET", "/api/console/topics/customers/messages",
                  params={"from": "start", "field": "home.city", "value": "Lyon"})
    assert len(hit["items"]) == 1


def _varint(n):
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        out += bytes([b | (0x80 if n else 0)])
        if not n:
            return out


def test_protobuf_value_is_decoded_through_the_registry(up):
    """A Protobuf value framed as Confluent's serializer frames it (magic byte, schema id,
    message indexes, message): the browser picks the message type by its indexes (a nested
    one too) and shows it as JSON; a value that is not such a message says so."""
    from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

    proto = """syntax = "proto3";
package shop;
message Order {
  string id = 1;
  int32 quantity = 2;
  message Line { string sku = 1; }
  repeated Line lines = 3;
}
message Customer { string name = 1; }
"""
    sr = SchemaRegistryClient({"url": f"http://127.0.0.1:{up.http}"})
    sid = sr.register_schema("orders-value", Schema(proto, "PROTOBUF"))

    def field(num, wire, payload):
        return _varint((num << 3) | wire) + payload

    def text(num, s):
        b = s.encode()
        return field(num, 2, _varint(len(b)) + b)

    line = text(1, "sku-" + XSS)
    order = text(1, "o-1") + field(2, 0, _varint(3)) + field(3, 2, _varint(len(line)) + line)
    header = b"\x00" + struct.pack(">i", sid)
    p = Producer({"bootstrap.servers": up.bootstrap})
    p.produce("orders", value=header + b"\x00" + order)               # indexes [0]: Order
    p.produce("orders", value=header + b"\x02\x02" + text(1, "Ada"))  # indexes [1]: Customer
    p.produce("orders", value=header + b"\x04\x00\x00" + line)        # [0, 0]: Order.Line
    p.produce("orders", value=header + b"\x02\x0a" + b"")             # [5]: out of range
    p.produce("orders", value=header + b"\x80")                         # a cut varint
    p.produce("orders", value=header + b"\x00" + b"\xff\xff\xff")        # not a message
    assert p.flush(20) == 0
    got = up.call("GET", "/api/console/topics/orders/messages", params={"from": "start"})
    items = sorted(got["items"], key=lambda m: m["offset"])
    assert [m["value_format"] for m in items] == ["protobuf"] * 6
    assert items[0]["value_json"] == {"id": "o-1", "quantity": 3, "lines": [{"sku": "sku-" + XSS}]}
    assert items[1]["value_json"] == {"name": "Ada"}
    assert items[2]["value_json"] == {"sku": "sku-" + XSS}
    assert items[3].get("value_json") is None and "out of range" in items[3]["value_error"], items[3]
    assert "malformed message indexes" in items[4]["value_error"], items[4]
    assert "not a Protobuf message of type shop.Order" in items[5]["value_error"], items[5]
    hit = up.call("GET", "/api/console/topics/orders/messages",
                  params={"from": "start", "field": "name", "value": "Ada"})
    assert [m["offset"] for m in hit["items"]] == [items[1]["offset"]]


def test_large_messages_are_cut_for_display_and_paging_shows_each_once(up):
    """Values of 1 MB and a record with 20,000 headers: the browser shows the first 64 KiB of
    each value (cut at a character boundary) with its whole size, a page stays a few MB
    whatever `limit` asks, and paging still shows every message once."""
    up.call("POST", "/api/console/topics", 201, json={"name": "big", "partitions": 2})
    p = Producer({"bootstrap.servers": up.bootstrap, "message.max.bytes": 3_000_000})
    big = ("é" * 500_000).encode()  # 1,000,000 bytes of two-byte characters
    for i in range(60):
        p.produce("big", big, key=str(i).encode(), partition=i % 2)
    p.produce("big", b"small", key=b"headers", partition=0,
              headers=[(f"h{i}", b"v" * 50) for i in range(20_000)])
    assert p.flush(60) == 0
    seen, cursor, biggest = [], None, 0
    for _ in range(200):
        params = {"limit": 500, "from": "start"}
        if cursor:
            params["cursor"] = cursor
        r = up.s.get(up.base + "/api/console/topics/big/messages", params=params, timeout=60)
        assert r.status_code == 200, r.text[:500]
        biggest = max(biggest, len(r.content))
        page = r.json()
        for m in page["items"]:
            if m["key"] == "headers":
                assert len(m["headers"]) == 20_000
                continue
            assert m["truncated"] is True and m["value_size"] == 1_000_000, m["value_size"]
            assert m["value"] == "é" * 32_768, len(m["value"])
            assert m["value_format"] == "text"
        seen += [(m["partition"], m["offset"]) for m in page["items"]]
        cursor = page["next_cursor"]
        if page["exhausted"] and not page["items"]:
            break
        if cursor is None:
            break
    # 61 records of 1 MB: without the cuts one page of limit 500 would be ~120 MB of JSON.
    assert biggest < 40 << 20, biggest
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 61, len(seen)
