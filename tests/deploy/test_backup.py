"""`kappa backup` while `kappa up` runs: the producer writes users, the job stores them, a
Kafka client (confluent-kafka) produces acknowledged records of its own; the backup is taken
mid-stream; `kappa up` started from the copy has every record acknowledged and every row
stored before the backup began (checked with confluent-kafka and the DataStax Python
driver), its job continues without a gap (rows == records - dead letters, exactly once), and
the copy never shares files with the original."""
import json
import os
import signal
import subprocess

from cassandra.cluster import Cluster
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from conftest import KAPPA, free_port, kappa, wait_for, wait_for_port

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TABLE = "spark_streams.created_users"


def config(tmp_path):
    text = open(os.path.join(ROOT, "config", "kappa.yaml")).read()
    for old, new in (("    rate: 100\n", "    rate: 1000\n"),
                     ("    autostart: false\n", "    autostart: true\n")):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "kappa.yaml"
    path.write_text(text)
    return str(path)


class Up:
    def __init__(self, data_dir, cfg, log_path):
        self.kafka, self.cql, self.http = free_port(), free_port(), free_port()
        self.log_path = log_path
        self.p = subprocess.Popen(
            [KAPPA, "up", "--data-dir", data_dir, "--config", cfg,
             "--kafka-listen", f"127.0.0.1:{self.kafka}", "--cql-listen", f"127.0.0.1:{self.cql}",
             "--http-listen", f"127.0.0.1:{self.http}", "--console-listen", "off"],
            stdout=subprocess.DEVNULL, stderr=open(log_path, "w"))
        try:
            wait_for_port(self.http, timeout=60)
        except TimeoutError:
            raise AssertionError("kappa up did not start: " + open(log_path).read()[-2000:])

    def ids(self):
        cluster = Cluster(["127.0.0.1"], port=self.cql)
        try:
            return {str(r.id) for r in cluster.connect().execute(f"SELECT id FROM {TABLE}")}
        finally:
            cluster.shutdown()

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=90)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        return self.p.returncode


def read_all(bootstrap, topic):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "backup-check",
                  "enable.auto.commit": False})
    try:
        md = c.list_topics(topic, timeout=10)
        parts = list(md.topics[topic].partitions)
        end = sum(c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in parts)
        c.assign([TopicPartition(topic, p, 0) for p in parts])
        values = []
        while len(values) < end:
            m = c.poll(10)
            assert m is not None, (len(values), end)
            if not m.error():
                values.append(m.value().decode())
        return values
    finally:
        c.close()


def test_backup_while_up_runs_then_start_from_the_copy(tmp_path):
    cfg = config(tmp_path)
    data, copy = str(tmp_path / "data"), str(tmp_path / "backup")
    up = Up(data, cfg, tmp_path / "up1.log")
    try:
        bootstrap = f"127.0.0.1:{up.kafka}"
        admin = AdminClient({"bootstrap.servers": bootstrap})
        for f in admin.create_topics([NewTopic("acked", 2, 1)]).values():
            f.result(10)
        p = Producer({"bootstrap.servers": bootstrap, "acks": "all"})
        sent = [f"record-{i}" for i in range(500)]
        for v in sent:
            p.produce("acked", value=v)
        assert p.flush(30) == 0  # every one acknowledged
        rows_before = wait_for("rows stored", lambda: (lambda s: s if len(s) >= 1000 else None)(
            up.ids()), timeout=60)

        b = kappa("backup", "--data-dir", data, "--to", copy, "--json")
        summary = json.loads(b.stdout)
        assert summary["store_bytes"] > 0 and summary["log_bytes"] > 0, summary
        assert up.p.poll() is None  # kappa up kept running
        again = kappa("backup", "--data-dir", data, "--to", copy, check=False)
        assert again.returncode == 2 and "exists" in again.stderr, again.stderr
    finally:
        assert up.stop() == 0
    assert not os.path.exists(copy + ".partial")
    assert not os.path.exists(os.path.join(copy, "LOCK"))
    assert os.stat(copy).st_mode & 0o077 == 0  # owner-only, as the data directory

    restored = Up(copy, cfg, tmp_path / "up2.log")
    try:
        assert rows_before <= restored.ids()  # every row stored before the backup
        values = read_all(f"127.0.0.1:{restored.kafka}", "acked")
        assert sorted(values) == sorted(sent)  # every acknowledged record, once
    finally:
        assert restored.stop() == 0, open(tmp_path / "up2.log").read()[-2000:]
    # The copy's job continued exactly once from its copied offsets: every record of
    # users_created is a row or a dead letter, none twice.
    st = json.loads(kappa("jobs", "status", "users_to_cassandra", "--data-dir", copy,
                          "--json").stdout)
    assert st["lag"] == 0, st
    count = kappa("tables", "count", TABLE, "--data-dir", copy).stdout.split()[-1]
    assert int(count) == sum(p["end"] for p in st["partitions"]) - st["dead_letters"], (count, st)
