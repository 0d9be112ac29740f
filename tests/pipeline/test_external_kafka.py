"""The pipeline on an external Kafka cluster (`log: {type: kafka}`), through librdkafka.

A second kappa process (`kappa broker`) is the cluster. The invariant, as for the embedded
log: every record of users_created on the broker is stored as a row in exactly one data
directory, or is a dead letter in users_created.dlq on the broker:
    sum(end offsets of users_created) == rows (all data dirs) + dead letters
"""
import json
import os
import signal
import subprocess
import time

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition

from conftest import KAPPA, free_port, kappa, wait_for_port

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DEFAULT_CONFIG = os.path.join(ROOT, "config", "kappa.yaml")
TABLE = "spark_streams.created_users"
TOPIC = "users_created"
DLQ = "users_created.dlq"
EPHEMERAL = ["--kafka-listen", "127.0.0.1:0", "--cql-listen", "127.0.0.1:0",
             "--http-listen", "127.0.0.1:0"]


def kafka_config(tmp_path, bootstrap, name="kappa.yaml", partitions=3, producers=True,
                 rate=3000, extra=""):
    text = open(DEFAULT_CONFIG).read()
    text = text.replace("    partitions: 3\n", f"    partitions: {partitions}\n", 1)
    text = text.replace("    rate: 100\n", f"    rate: {rate}\n")
    # The shipped producer runs only from the user_automation DAG (autostart: false); these
    # tests were written for a producer running from the start of every kappa up.
    text = text.replace("    autostart: false\n", "    autostart: true\n")
    if not producers:
        start = text.index("\nproducers:\n")
        end = text.index("\njobs:\n")
        text = text[:start] + "\nproducers: []\n" + text[end:]
        # The shipped DAG runs the producer: without producers, no DAG either.
        start = text.index("\ndags:\n")
        end = text.index("\n# Network listeners")
        text = text[:start] + "\ndags: []\n" + text[end:]
    text += f"\nlog:\n  type: kafka\n  bootstrap: {bootstrap}\n{extra}"
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def end_offsets(bootstrap, topic):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "test-offsets"})
    try:
        md = c.list_topics(topic, timeout=10)
        parts = md.topics[topic].partitions
        return {p: c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
                for p in parts}
    finally:
        c.close()


def read_all(bootstrap, topic):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "test-read",
                  "auto.offset.reset": "earliest", "enable.auto.commit": False})
    want = sum(end_offsets(bootstrap, topic).values())
    out = []
    try:
        c.subscribe([topic])
        deadline = time.time() + 30
        while len(out) < want and time.time() < deadline:
            m = c.poll(0.5)
            if m is not None and not m.error():
                out.append(m)
    finally:
        c.close()
    return out


def table_ids(data_dir):
    p = kappa("tables", "scan", TABLE, "--data-dir", data_dir, "--json", "--limit", "0")
    return [json.loads(line)["id"] for line in p.stdout.splitlines() if line.strip()]


def up(data_dir, config, *args, timeout=180):
    p = kappa("up", "--data-dir", data_dir, "--config", config, "--json", *EPHEMERAL, *args,
              timeout=timeout)
    return json.loads(p.stdout.strip().splitlines()[-1]), p


def test_config_errors_name_the_line(tmp_path):
    bad = tmp_path / "bad.yaml"
    text = open(DEFAULT_CONFIG).read() + "\nlog:\n  type: kafka\n"
    bad.write_text(text)
    p = kappa("up", "--config", str(bad), "--check", check=False)
    line = len(text.splitlines())
    assert p.returncode == 2
    assert f"bad.yaml:{line}:3: log: type kafka needs bootstrap" in p.stderr, p.stderr
    bad.write_text(open(DEFAULT_CONFIG).read() + "\nlog:\n  type: kafka\n  bootstrap: nohost\n")
    p = kappa("up", "--config", str(bad), "--check", check=False)
    assert p.returncode == 2 and "'nohost': expected HOST:PORT" in p.stderr, p.stderr


def test_pipeline_on_external_kafka_exactly_once_and_dead_letters(tmp_path, broker):
    cfg = kafka_config(tmp_path, broker)
    d = str(tmp_path / "data")
    s1, p1 = up(d, cfg, "--duration", "3s")
    assert s1["produced"] > 0 and s1["lag"] == 0, (s1, p1.stderr[-3000:])
    ends = end_offsets(broker, TOPIC)
    assert len(ends) == 3
    rows = len(table_ids(d))
    assert sum(ends.values()) == s1["produced"] == rows + s1["dead_letters"], (ends, s1)

    # A malformed record on the broker's topic ends in the broker's dead-letter topic.
    pr = Producer({"bootstrap.servers": broker})
    pr.produce(TOPIC, key=b"bad-key", value=b"this is not json")
    assert pr.flush(10) == 0

    s2, p2 = up(d, cfg, "--duration", "2s")
    assert s2["dead_letters"] >= 1 and s2["lag"] == 0, (s2, p2.stderr[-3000:])
    ends = end_offsets(broker, TOPIC)
    ids = table_ids(d)
    assert len(ids) == len(set(ids)), "duplicate rows"
    dead = read_all(broker, DLQ)
    assert sum(ends.values()) == len(ids) + len(dead), (ends, len(ids), len(dead))
    bad = [m for m in dead if m.value() == b"this is not json"]
    assert len(bad) == 1
    headers = dict(bad[0].headers())
    assert bad[0].key() == b"bad-key"
    assert headers["job"] == b"users_to_cassandra" and headers["source.topic"] == TOPIC.encode()
    assert headers["error"], headers

    # `kappa jobs status` reads the end offsets from the cluster the job consumed.
    st = json.loads(kappa("jobs", "status", "users_to_cassandra", "--data-dir", d,
                          "--json").stdout)
    assert st["lag"] == 0 and len(st["partitions"]) == 3, st
    assert sum(p["end"] for p in st["partitions"]) == sum(ends.values()), st
    assert st["stored"] == len(ids), st

    # A replay moves the store's and the group's offsets: everything is read again, the
    # table does not grow (upserts of the same ids).
    kappa("jobs", "reset", "users_to_cassandra", "--to-earliest", "--data-dir", d)
    s3, p3 = up(d, cfg, "--duration", "1s")
    assert s3["stored"] >= len(ids), (s3, len(ids), p3.stderr[-3000:])
    ids3 = table_ids(d)
    assert len(ids3) == len(set(ids3)) == len(ids) + s3["produced"]


def test_two_processes_share_the_partitions_as_one_group(tmp_path, broker):
    # B only consumes (no producers; runs until SIGTERM); A produces for 3 s and consumes.
    cfg_a = kafka_config(tmp_path, broker, "a.yaml", partitions=4)
    cfg_b = kafka_config(tmp_path, broker, "b.yaml", partitions=4, producers=False)
    da, db = str(tmp_path / "a"), str(tmp_path / "b")
    b = subprocess.Popen([KAPPA, "up", "--data-dir", db, "--config", cfg_b, "--json",
                          *EPHEMERAL], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # Wait until B owns partitions of the group, so that A joins a group with a member.
        deadline = time.time() + 30
        assigned = False
        while time.time() < deadline and not assigned:
            out = kappa("groups", "describe", "users_to_cassandra", "--bootstrap", broker,
                        check=False)
            assigned = out.returncode == 0 and "users_created:" in out.stdout
            time.sleep(0.3)
        assert assigned, "B never got partitions"
        sa, pa = up(da, cfg_a, "--duration", "3s")
        assert sa["produced"] > 0, pa.stderr[-3000:]
    finally:
        b.send_signal(signal.SIGTERM)
        out, err = b.communicate(timeout=60)
    assert b.returncode == 0, err[-3000:]
    sb = json.loads(out.strip().splitlines()[-1])
    ids_a, ids_b = table_ids(da), table_ids(db)
    assert ids_a and ids_b, (len(ids_a), len(ids_b), err[-3000:])
    assert not set(ids_a) & set(ids_b), "a record stored by both processes"
    produced = sum(end_offsets(broker, TOPIC).values())
    assert produced == sa["produced"]
    assert len(ids_a) + len(ids_b) + sa["dead_letters"] + sb["dead_letters"] == produced


def test_kill_9_then_restart_stores_every_record_once(tmp_path, broker):
    # A short session timeout: the killed member leaves the group quickly.
    cfg = kafka_config(tmp_path, broker,
                       extra="  properties: {session.timeout.ms: '6000'}\n")
    d = str(tmp_path / "data")
    p = subprocess.Popen([KAPPA, "up", "--data-dir", d, "--config", cfg, *EPHEMERAL],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 30
    while time.time() < deadline and sum(end_offsets(broker, TOPIC).values()) < 3000:
        time.sleep(0.3)
    p.send_signal(signal.SIGKILL)
    p.communicate(timeout=30)
    s2, p2 = up(d, cfg, "--duration", "1s", "--drain-timeout", "60s")
    assert s2["lag"] == 0, (s2, p2.stderr[-3000:])
    produced = sum(end_offsets(broker, TOPIC).values())
    ids = table_ids(d)
    assert len(ids) == len(set(ids)) == produced, (len(ids), len(set(ids)), produced)
