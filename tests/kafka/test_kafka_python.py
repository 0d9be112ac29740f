"""kafka-python 2.0.2 (pure Python, its own protocol and group code) against `kappa broker`."""
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import KafkaAdminClient, NewTopic


def test_producer_and_group_consumer(broker):
    admin = KafkaAdminClient(bootstrap_servers=broker.bootstrap)
    admin.create_topics([NewTopic("kp", num_partitions=3, replication_factor=1)])
    admin.close()
    prod = KafkaProducer(bootstrap_servers=broker.bootstrap, acks="all",
                         compression_type="gzip")
    futures = [prod.send("kp", key=str(i % 5).encode(), value=f"v{i}".encode())
               for i in range(3000)]
    prod.flush()
    assert all(f.get(timeout=10).offset >= 0 for f in futures)
    prod.close()

    cons = KafkaConsumer("kp", bootstrap_servers=broker.bootstrap, group_id="kpg",
                         auto_offset_reset="earliest", enable_auto_commit=False,
                         consumer_timeout_ms=10000)
    seen = []
    for m in cons:
        seen.append(m.value.decode())
        if len(seen) == 3000:
            break
    cons.commit()
    committed = sum(cons.committed(TopicPartition("kp", p)) or 0 for p in range(3))
    cons.close()
    assert sorted(seen) == sorted(f"v{i}" for i in range(3000))
    assert committed == 3000


def test_old_api_versions_still_work(broker):
    # Pinning an old broker version makes kafka-python use Produce v2 / Fetch v2 with
    # magic 1 message sets (converted by kappa) and the v0 group APIs.
    prod = KafkaProducer(bootstrap_servers=broker.bootstrap, api_version=(0, 10, 1))
    for i in range(100):
        prod.send("old", value=f"o{i}".encode())
    prod.flush()
    prod.close()
    cons = KafkaConsumer("old", bootstrap_servers=broker.bootstrap, api_version=(0, 10, 1),
                         group_id="oldg", auto_offset_reset="earliest",
                         consumer_timeout_ms=10000)
    seen = [m.value.decode() for _, m in zip(range(100), cons)]
    cons.close()
    assert seen == [f"o{i}" for i in range(100)]
