"""The seed pipeline scaled out: `log: kafka` and `sink: cassandra` together.

A kappa broker plays the Kafka cluster and a kappa CQL server plays the Cassandra node; a
third kappa process runs the producer and the job between them, as the seed's Airflow DAG
and Spark job did between Kafka and Cassandra. Checked with confluent-kafka (end offsets on
the broker) and the DataStax Python driver (rows on the node):
    sum(end offsets of users_created) == rows on the node + dead letters
after a run and after a second run that continues (upserts by id, no duplicates).
"""
import json
import os

from confluent_kafka import Consumer, TopicPartition

from conftest import kappa
from cassandra_sink_setup import TTL_LINE
from test_cassandra_sink import Node

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DEFAULT_CONFIG = os.path.join(ROOT, "config", "kappa.yaml")
EPHEMERAL = ["--kafka-listen", "127.0.0.1:0", "--cql-listen", "127.0.0.1:0",
             "--http-listen", "127.0.0.1:0"]


def end_offsets_sum(bootstrap, topic):
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "test-offsets"})
    try:
        md = c.list_topics(topic, timeout=10)
        return sum(c.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1]
                   for p in md.topics[topic].partitions)
    finally:
        c.close()


def config(tmp_path, bootstrap, cql_port):
    text = open(DEFAULT_CONFIG).read()
    assert "    rate: 100\n" in text and TTL_LINE in text
    text = text.replace("    rate: 100\n", "    rate: 2000\n")
    # The shipped producer runs only from the user_automation DAG (autostart: false); these
    # tests were written for a producer running from the start of every kappa up.
    text = text.replace("    autostart: false\n", "    autostart: true\n")
    text = text.replace(TTL_LINE, TTL_LINE + (
        "    sink:\n"
        "      type: cassandra\n"
        f"      contact_points: [127.0.0.1:{cql_port}]\n"))
    text += f"\nlog:\n  type: kafka\n  bootstrap: {bootstrap}\n"
    path = tmp_path / "kappa.yaml"
    path.write_text(text)
    return str(path)


def up(data_dir, cfg):
    p = kappa("up", "--data-dir", data_dir, "--config", cfg, "--json", "--duration", "3s",
              *EPHEMERAL, timeout=180)
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_kafka_log_and_cassandra_sink_together(tmp_path, broker):  # noqa: F811
    node = Node(str(tmp_path / "node"))
    try:
        cfg = config(tmp_path, broker, node.port)
        data_dir = str(tmp_path / "data")
        first = up(data_dir, cfg)
        assert first["produced"] > 0 and first["lag"] == 0, first
        produced = end_offsets_sum(broker, "users_created")
        dead = end_offsets_sum(broker, "users_created.dlq")
        assert produced == first["produced"]
        assert node.count() == produced - dead
        # Nothing went into the embedded copy of the table: the rows are on the node.
        local = kappa("tables", "count", "spark_streams.created_users", "--data-dir", data_dir)
        assert local.stdout.strip().split()[-1] == "0", local.stdout

        second = up(data_dir, cfg)
        assert second["produced"] > 0 and second["lag"] == 0, second
        produced = end_offsets_sum(broker, "users_created")
        dead = end_offsets_sum(broker, "users_created.dlq")
        assert produced == first["produced"] + second["produced"]
        assert node.count() == produced - dead
    finally:
        node.stop()
