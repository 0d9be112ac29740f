"""The admin APIs as real clients call them: confluent-kafka (librdkafka) AdminClient,
kafka-python's KafkaAdminClient, KafkaJS's admin (tests/clients/kafkajs_admin_test.js) and
kcat. Topic configs Kafka defines are accepted, kept across a restart and described; the
ones kappa implements change at runtime."""
import os
import subprocess
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, ConfigResource, NewTopic

from test_kafkajs import CLIENTS, ensure_node_modules


def topic_configs(admin, topic):
    res = ConfigResource(ConfigResource.Type.TOPIC, topic)
    return {k: v for k, v in admin.describe_configs([res])[res].result(timeout=30).items()}


def test_confluent_topic_configs_create_alter_describe_survive_restart(broker):
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    # Valid Kafka configs kappa does not implement are accepted and kept (before: INVALID_CONFIG).
    fs = admin.create_topics([NewTopic("cfgs", 1, 1, config={
        "delete.retention.ms": "1000", "min.cleanable.dirty.ratio": "0.3",
        "message.timestamp.difference.max.ms": "5000", "segment.bytes": "1048576"})])
    fs["cfgs"].result(timeout=30)
    # Unknown names and bad values are refused with a message.
    for bad in ({"no.such.config": "1"}, {"delete.retention.ms": "-5"},
                {"cleanup.policy": "compact"}, {"preallocate": "maybe"}):
        f = admin.create_topics([NewTopic("bad", 1, 1, config=bad)])["bad"]
        try:
            f.result(timeout=30)
            raise AssertionError(f"{bad} was accepted")
        except KafkaException as e:
            assert e.args[0].code() == 40 and e.args[0].str(), bad
    c = topic_configs(admin, "cfgs")
    assert c["delete.retention.ms"].value == "1000" and not c["delete.retention.ms"].is_default
    assert c["segment.bytes"].value == "1048576"
    assert c["retention.ms"].value == str(7 * 24 * 3600 * 1000) and c["retention.ms"].is_default
    assert not c["retention.ms"].is_read_only

    # AlterConfigs: retention.ms changes at runtime; the set replaces the previous one.
    res = ConfigResource(ConfigResource.Type.TOPIC, "cfgs",
                         set_config={"retention.ms": "60000", "min.insync.replicas": "1"})
    admin.alter_configs([res])[res].result(timeout=30)
    c = topic_configs(admin, "cfgs")
    assert c["retention.ms"].value == "60000" and not c["retention.ms"].is_default
    assert c["delete.retention.ms"].is_default and c["delete.retention.ms"].value == "86400000"
    bad = ConfigResource(ConfigResource.Type.TOPIC, "cfgs", set_config={"retention.ms": "x"})
    try:
        admin.alter_configs([bad])[bad].result(timeout=30)
        raise AssertionError("a bad value was accepted")
    except KafkaException as e:
        assert e.args[0].code() == 40

    broker.stop()
    broker.start()
    admin = AdminClient({"bootstrap.servers": broker.bootstrap})
    c = topic_configs(admin, "cfgs")
    assert c["retention.ms"].value == "60000"
    assert c["min.insync.replicas"].value == "1" and not c["min.insync.replicas"].is_default


def test_kafka_python_admin(broker):
    from kafka import KafkaAdminClient, KafkaConsumer
    from kafka.admin import ConfigResource as KConfigResource, ConfigResourceType, NewTopic as KNewTopic
    admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap)
    admin.create_topics([KNewTopic("kp", 2, 1, topic_configs={"flush.messages": "100"})])
    cluster = admin.describe_cluster()
    assert len(cluster["brokers"]) == 1
    admin.alter_configs([KConfigResource(ConfigResourceType.TOPIC, "kp",
                                         configs={"retention.bytes": "1048576"})])
    (resp,) = admin.describe_configs([KConfigResource(ConfigResourceType.TOPIC, "kp")])
    configs = {c[0]: c[1] for c in resp.resources[0][4]}
    assert configs["retention.bytes"] == "1048576"
    p = Producer({"bootstrap.servers": broker.bootstrap})
    for i in range(5):
        p.produce("kp", value=b"x", partition=0)
    p.flush(10)
    consumer = KafkaConsumer("kp", bootstrap_servers=broker.bootstrap, group_id="kpg",
                             auto_offset_reset="earliest", consumer_timeout_ms=5000)
    assert len(list(consumer)) == 5
    consumer.commit()
    consumer.close()
    groups = dict(admin.list_consumer_groups())
    assert groups.get("kpg") == "consumer"
    offsets = admin.list_consumer_group_offsets("kpg")
    assert offsets[TopicPartitionK("kp", 0)].offset == 5
    admin.delete_consumer_groups(["kpg"])
    assert "kpg" not in dict(admin.list_consumer_groups())
    admin.close()


def TopicPartitionK(topic, partition):
    from kafka import TopicPartition as KTP
    return KTP(topic, partition)


def test_kafkajs_admin(broker):
    ensure_node_modules()
    p = subprocess.run(["node", os.path.join(CLIENTS, "kafkajs_admin_test.js"), broker.bootstrap],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, f"{p.stdout}\n{p.stderr}\nbroker:\n{broker.log()}"
    assert "admin ok" in p.stdout


def test_kcat_consumer_group_commits(broker):
    p = Producer({"bootstrap.servers": broker.bootstrap})
    for i in range(3):
        p.produce("kc", value=f"m{i}".encode())
    p.flush(10)
    out = subprocess.run(["kcat", "-b", broker.bootstrap, "-G", "kcg", "kc", "-c", "3", "-e",
                          "-q", "-X", "auto.offset.reset=earliest"],
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["m0", "m1", "m2"], out.stderr
