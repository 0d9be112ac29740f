"""The seed pipeline carrying Avro: `kappa up --config config/avro.yaml`.

Checked with clients kappa did not write:
- Debian's python3-avro decodes the payloads kappa's producer wrote (read with confluent_kafka
  from kappa's Kafka listener, the schema fetched by id from kappa's registry over REST);
- payloads python3-avro wrote (framed with a schema registered over REST) become rows;
- bad frames (unknown id, bad magic byte, truncated payload) go to the dead-letter topic with
  the reason while the job goes on;
- `kappa consume` decodes the wire format through the registry's REST API.
"""
import io
import json
import os
import signal
import struct
import subprocess
import time
import urllib.request
import uuid

import avro.io
import avro.schema
import pytest
from confluent_kafka import Consumer, Producer, TopicPartition

from conftest import KAPPA, free_port, kappa, wait_for_port

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
AVRO_CONFIG = os.path.join(ROOT, "config", "avro.yaml")
TABLE = "spark_streams.created_users"
JOB = "users_to_cassandra"
CT = "application/vnd.schemaregistry.v1+json"


def http(port, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", CT)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read().decode())


def fast_avro_config(tmp_path, rate):
    text = open(AVRO_CONFIG).read()
    assert "    rate: 100\n" in text
    path = tmp_path / "avro.yaml"
    path.write_text(text.replace("    rate: 100\n", f"    rate: {rate}\n"))
    return str(path)


class Up:
    """`kappa up` on free ports, stopped with SIGTERM (it drains)."""

    def __init__(self, data_dir, config):
        self.kafka_port, self.http_port = free_port(), free_port()
        self.proc = subprocess.Popen(
            [KAPPA, "up", "--config", config, "--data-dir", data_dir, "--json",
             "--kafka-listen", f"127.0.0.1:{self.kafka_port}", "--cql-listen", "127.0.0.1:0",
             "--http-listen", f"127.0.0.1:{self.http_port}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for_port(self.kafka_port, timeout=30)
        wait_for_port(self.http_port, timeout=30)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        out, err = self.proc.communicate(timeout=60)
        assert self.proc.returncode == 0, err[-3000:]
        return json.loads(out.strip().splitlines()[-1])


def read_topic(port, topic, partitions, n):
    """The first n records of the topic (all partitions), through confluent_kafka."""
    c = Consumer({"bootstrap.servers": f"127.0.0.1:{port}", "group.id": "avro-test",
                  "enable.auto.commit": False})
    c.assign([TopicPartition(topic, p, 0) for p in range(partitions)])
    out, deadline = [], time.time() + 30
    while len(out) < n and time.time() < deadline:
        m = c.poll(0.5)
        if m is not None and not m.error():
            out.append(m)
    c.close()
    assert len(out) >= n, f"only {len(out)} records from {topic}"
    return out


def frame(schema_id, payload):
    return b"\x00" + struct.pack(">I", schema_id) + payload


def avro_encode(schema, datum):
    buf = io.BytesIO()
    avro.io.DatumWriter(schema).write(datum, avro.io.BinaryEncoder(buf))
    return buf.getvalue()


def avro_decode(schema, payload):
    return avro.io.DatumReader(schema).read(avro.io.BinaryDecoder(io.BytesIO(payload)))


def test_avro_pipeline_with_python_avro_both_ways(tmp_path):
    d = str(tmp_path / "data")
    up = Up(d, fast_avro_config(tmp_path, rate=500))
    try:
        # The producer registered its schema under the TopicNameStrategy subject.
        deadline = time.time() + 30
        while "users_created-value" not in http(up.http_port, "GET", "/subjects"):
            assert time.time() < deadline
            time.sleep(0.2)
        latest = http(up.http_port, "GET", "/subjects/users_created-value/versions/latest")
        fields = [f["name"] for f in json.loads(latest["schema"])["fields"]]
        assert fields[:3] == ["id", "first_name", "last_name"], fields

        # python3-avro decodes what kappa's producer wrote.
        records = read_topic(up.kafka_port, "users_created", 3, 30)
        schemas = {}
        for m in records:
            v = m.value()
            assert v[0] == 0, v[:8]
            (schema_id,) = struct.unpack(">I", v[1:5])
            assert schema_id == latest["id"]
            if schema_id not in schemas:
                got = http(up.http_port, "GET", f"/schemas/ids/{schema_id}")
                schemas[schema_id] = avro.schema.parse(got["schema"])
            user = avro_decode(schemas[schema_id], v[5:])
            assert str(user["id"]) == m.key().decode()
            assert user["first_name"] and "@" in user["email"], user

        # kappa's job decodes what python3-avro wrote, under a schema registered over REST
        # (another subject, another field order, an extra field the table does not have).
        py_schema_text = json.dumps({
            "type": "record", "name": "PyUser", "namespace": "test",
            "fields": [{"name": "email", "type": "string"},
                       {"name": "id", "type": {"type": "string", "logicalType": "uuid"}},
                       {"name": "first_name", "type": ["null", "string"], "default": None},
                       {"name": "age", "type": "int"}]})
        py_id = http(up.http_port, "POST", "/subjects/py-users-value/versions",
                     {"schema": py_schema_text})["id"]
        py_schema = avro.schema.parse(py_schema_text)
        ids = [str(uuid.uuid4()) for _ in range(5)]
        p = Producer({"bootstrap.servers": f"127.0.0.1:{up.kafka_port}"})
        bad = [
            (frame(987654, b"\x02x"), "schema id 987654 is not in the schema registry"),
            (b"\x01" + b"\x00\x00\x00\x01{}", "unknown magic byte 0x01"),
            (frame(py_id, avro_encode(py_schema, {"email": "e@x", "id": ids[0],
                                                  "first_name": None, "age": 3})[:-3]),
             "Avro payload, byte"),
        ]
        for i, uid in enumerate(ids):
            datum = {"email": f"py{i}@example.com", "id": uid,
                     "first_name": f"Py{i}" if i % 2 == 0 else None, "age": 30 + i}
            p.produce("users_created", key=uid.encode(),
                      value=frame(py_id, avro_encode(py_schema, datum)))
            if i < len(bad):  # a bad frame after each good one: the job goes on
                p.produce("users_created", key=b"bad", value=bad[i][0])
        assert p.flush(15) == 0

        # The dead letters arrive while the job goes on.
        deadline = time.time() + 30
        while True:
            dl = kappa("consume", "users_created.dlq", "--from-beginning", "--data-dir", d,
                       "--json", "--format", "json")
            letters = [json.loads(line) for line in dl.stdout.splitlines() if line.strip()]
            if len(letters) >= len(bad) or time.time() > deadline:
                break
            time.sleep(0.3)
        assert len(letters) == len(bad), dl.stdout
        for letter, (_, why) in zip(letters, bad):
            errors = [h[1] for h in letter["headers"] if h[0] == "error"]
            assert errors and why in errors[0], (errors, why)

        # kappa consume decodes the wire format through the registry (auto is the default).
        url = f"http://127.0.0.1:{up.http_port}"
        c = kappa("consume", "users_created", "--from-beginning", "-n", "5", "--data-dir", d,
                  "--registry", url)
        for line in c.stdout.splitlines():
            assert json.loads(line)["id"], line
        c = kappa("consume", "users_created", "--from-beginning", "-n", "2", "--data-dir", d,
                  "--registry", url, "--format", "avro", "--json")
        for line in c.stdout.splitlines():
            rec = json.loads(line)
            assert rec["schema_id"] == latest["id"] and rec["value"]["id"] == rec["key"], rec
        # Without --registry: the registry of the `kappa up` that owns the data directory.
        c = kappa("consume", "users_created", "--from-beginning", "-n", "2", "--data-dir", d,
                  "--format", "avro", "--json")
        for line in c.stdout.splitlines():
            assert json.loads(line)["schema_id"] == latest["id"], line
        c = kappa("consume", "users_created", "--from-beginning", "-n", "1", "--data-dir", d,
                  "--format", "json")
        assert c.stdout.startswith("\\x00"), c.stdout[:40]  # raw bytes, escaped
    finally:
        summary = up.stop()
    assert summary["lag"] == 0 and summary["stored"] > 0, summary
    assert summary["dead_letters"] == len(bad), summary

    scan = kappa("tables", "scan", TABLE, "--data-dir", d, "--json", "--limit", "0")
    rows = {r["id"]: r for r in map(json.loads, scan.stdout.splitlines())}
    for i, uid in enumerate(ids):
        assert uid in rows, uid
        assert rows[uid]["email"] == f"py{i}@example.com"
        assert rows[uid]["first_name"] == (f"Py{i}" if i % 2 == 0 else None)
    # Every record was stored or dead-lettered, exactly once.
    st = json.loads(kappa("jobs", "status", JOB, "--data-dir", d, "--json").stdout)
    assert sum(p["end"] for p in st["partitions"]) == len(rows) + st["dead_letters"]


def test_avro_producer_config_errors(tmp_path):
    text = open(AVRO_CONFIG).read()
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("format: avro ", "format: protobuf "))
    p = kappa("up", "--check", "--config", str(bad), check=False)
    assert p.returncode != 0 and "'protobuf' is not a format; use json or avro" in p.stderr, p.stderr
    bad.write_text(text.replace("    subject: users_created-value", "    schema_file: nope.avsc"))
    p = kappa("up", "--check", "--config", str(bad), check=False)
    assert p.returncode != 0 and "schema_file: cannot read" in p.stderr and "nope.avsc" in p.stderr, p.stderr
    # A schema_file the mapping's records do not fit: each is a mapping error, none produced.
    (tmp_path / "users.avsc").write_text(json.dumps({
        "type": "record", "name": "u", "fields": [{"name": "id", "type": "long"}]}))
    bad.write_text(text.replace("    subject: users_created-value", "    schema_file: users.avsc"))
    d = str(tmp_path / "data")
    p = kappa("up", "--config", str(bad), "--data-dir", d, "--duration", "1s", "--json",
              "--kafka-listen", "127.0.0.1:0", "--cql-listen", "127.0.0.1:0",
              "--http-listen", "127.0.0.1:0")
    summary = json.loads(p.stdout.strip().splitlines()[-1])
    assert summary["stored"] == 0, summary
    assert "Avro encoding: field 'id'" in p.stderr, p.stderr[-2000:]
