"""kcat (librdkafka 2.0.2) against `kappa broker`: metadata, produce/consume with every
compression codec, and a balanced consumer group."""
import subprocess

import pytest

N = 100_000


def kcat(broker, *args, input=None, timeout=120):
    p = subprocess.run(["kcat", "-b", broker.bootstrap, *args], input=input,
                       capture_output=True, text=True, timeout=timeout)
    assert p.returncode == 0, f"kcat {args} failed: {p.stderr[-2000:]}\nbroker:\n{broker.log()}"
    return p


def test_metadata_lists_broker_and_auto_created_topic(broker):
    kcat(broker, "-P", "-t", "meta", input="x\n")
    out = kcat(broker, "-L").stdout
    assert "1 brokers:" in out
    assert f"broker 0 at 127.0.0.1:{broker.port}" in out
    assert 'topic "meta" with 1 partitions' in out
    assert "leader 0, replicas: 0, isrs: 0" in out


@pytest.mark.parametrize("codec", ["none", "gzip", "snappy", "lz4", "zstd"])
def test_produce_consume_100k(broker, codec):
    topic = f"seq-{codec}"
    lines = "".join(f"{i}\n" for i in range(1, N + 1))
    kcat(broker, "-P", "-t", topic, "-z", codec, "-X", "linger.ms=5", input=lines)
    out = kcat(broker, "-C", "-t", topic, "-o", "beginning", "-e", "-q").stdout
    got = out.split("\n")[:-1]
    assert len(got) == N
    assert got == [str(i) for i in range(1, N + 1)]


def test_consume_with_offsets_and_keys(broker):
    kcat(broker, "-P", "-t", "keys", "-K", ":", input="k1:v1\nk2:v2\nk3:v3\n")
    out = kcat(broker, "-C", "-t", "keys", "-o", "1", "-e", "-q", "-f", "%k=%s@%o\n").stdout
    assert out == "k2=v2@1\nk3=v3@2\n"


def test_balanced_consumer_group(broker):
    lines = "".join(f"m{i}\n" for i in range(1000))
    kcat(broker, "-P", "-t", "grouped", input=lines)
    out = kcat(broker, "-G", "kcat-group", "-o", "beginning", "-e", "-q", "grouped",
               timeout=120).stdout
    assert sorted(out.split("\n")[:-1]) == sorted(f"m{i}" for i in range(1000))


def test_no_auto_create_topics(broker_factory):
    b = broker_factory(extra=["--no-auto-create-topics"]).start()
    p = subprocess.run(["kcat", "-b", b.bootstrap, "-L", "-t", "absent"], capture_output=True,
                       text=True, timeout=60)
    assert "Unknown topic" in p.stdout + p.stderr or "unknown" in (p.stdout + p.stderr).lower()
    out = subprocess.run(["kcat", "-b", b.bootstrap, "-L"], capture_output=True, text=True,
                         timeout=60).stdout
    assert "0 topics" in out
