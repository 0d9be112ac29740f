"""`kappa topics|produce|consume --bootstrap host:port`: the command line through the Kafka
protocol (librdkafka) against a `kappa broker` on a free port, checked against what the broker
stored (read back offline from its data directory after it stops) and against confluent-kafka.
"""
import json
import os
import socket
import subprocess

from confluent_kafka import Producer

KAPPA = os.environ.get("KAPPA_BIN") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "kappa")


def kappa(*args, input=None, check=True):
    p = subprocess.run([KAPPA, *map(str, args)], input=input, capture_output=True, text=True,
                       timeout=120)
    if check:
        assert p.returncode == 0, f"kappa {args} exited {p.returncode}: {p.stderr}"
    return p


def test_topics_produce_consume_delete(broker):
    bs = ("--bootstrap", broker.bootstrap)
    out = kappa("topics", "create", "clit", "--partitions", "3", "--retention-ms", "3600000", *bs)
    assert out.stdout == "created topic clit with 3 partitions\n"
    assert "clit" in kappa("topics", "list", *bs).stdout.split()
    dup = kappa("topics", "create", "clit", *bs, check=False)
    assert dup.returncode != 0 and "clit" in dup.stderr and "exist" in dup.stderr.lower()

    desc = kappa("topics", "describe", "clit", *bs).stdout
    assert desc.startswith("topic clit: 3 partitions, 0 records\n"), desc
    assert "3600000 ms" in desc  # the retention set at create, read back via DescribeConfigs

    # 1000 keyless lines: round robin by line number, as the offline path does.
    lines = "".join(f"value-{i}\n" for i in range(1000))
    p = kappa("produce", "clit", *bs, input=lines)
    assert "produced 1000 records" in p.stderr
    js = [json.loads(l) for l in kappa("topics", "describe", "clit", "--json", *bs).stdout.splitlines()]
    assert [(q["partition"], q["start_offset"], q["end_offset"]) for q in js[0]["partitions"]] == [
        (0, 0, 334), (1, 0, 333), (2, 0, 333)]

    # Consume them back from the beginning: every value exactly once, offsets per partition in order.
    out = kappa("consume", "clit", "--from-beginning", "--print-offset", *bs).stdout.splitlines()
    assert len(out) == 1000
    assert sorted(l.split("\t")[1] for l in out) == sorted(f"value-{i}" for i in range(1000))
    for part in range(3):
        offs = [int(l.split("\t")[0].split(":")[1]) for l in out if l.startswith(f"{part}:")]
        assert offs == list(range(len(offs)))
    # Without --from-beginning the start is the end: nothing, and the command returns.
    assert kappa("consume", "clit", *bs).stdout == ""

    # Keyed lines land where Kafka's murmur2 partitioner puts them (confluent-kafka agrees).
    kappa("produce", "clit", "--key-separator", ":", *bs, input="user-1:a\nuser-2:b\nuser-1:c\n")
    got = [json.loads(l) for l in
           kappa("consume", "clit", "--offset", "333", "--partition", "1", "--partition", "2",
                 "--json", *bs).stdout.splitlines()]
    got += [json.loads(l) for l in
            kappa("consume", "clit", "--offset", "334", "--partition", "0", "--json", *bs)
            .stdout.splitlines()]
    by_key = {}
    for r in got:
        by_key.setdefault(r["key"], set()).add(r["partition"])
    assert set(by_key) == {"user-1", "user-2"} and all(len(v) == 1 for v in by_key.values())
    placed = {}
    cp = Producer({"bootstrap.servers": broker.bootstrap, "partitioner": "murmur2_random"})
    for k in ("user-1", "user-2"):
        cp.produce("clit", key=k, value=b"check",
                   on_delivery=lambda err, m: placed.setdefault(m.key().decode(), set()).add(
                       m.partition()))
    assert cp.flush(30) == 0
    assert placed == by_key

    # --group: commits its position, and the next run continues from there; --count limits.
    first = kappa("consume", "clit", "--from-beginning", "--group", "g1", "--count", "10",
                  "--partition", "0", *bs).stdout.splitlines()
    assert first == [f"value-{i}" for i in range(0, 30, 3)]
    rest = kappa("consume", "clit", "--group", "g1", "--partition", "0", *bs).stdout.splitlines()
    assert rest == kappa("consume", "clit", "--offset", "10", "--partition", "0",
                         *bs).stdout.splitlines()
    assert rest[0] == "value-30" and len(rest) >= 324
    # Everything consumed: the group's next run prints nothing.
    assert kappa("consume", "clit", "--group", "g1", "--partition", "0", *bs).stdout == ""
    assert "g1" in kappa("groups", "list", *bs).stdout.split()

    # Errors are readable and do not crash.
    bad = kappa("produce", "nosuch", *bs, input="x\n", check=False)
    assert bad.returncode == 1 and "does not exist" in bad.stderr and "topics create" in bad.stderr
    bad = kappa("consume", "clit", "--offset", "99999", *bs, check=False)
    assert bad.returncode == 1 and "outside partition" in bad.stderr

    kappa("topics", "add-partitions", "clit", "--partitions", "4", *bs)
    assert "4 partitions" in kappa("topics", "describe", "clit", *bs).stdout
    assert kappa("topics", "delete", "clit", *bs).stdout == "deleted topic clit\n"
    assert "clit" not in kappa("topics", "list", *bs).stdout.split()

    # The broker stored exactly what the protocol path reported (read offline after a stop).
    kappa("topics", "create", "kept", "--partitions", "2", *bs)
    kappa("produce", "kept", *bs, input="".join(f"{i}\n" for i in range(500)))
    remote = kappa("consume", "kept", "--from-beginning", *bs).stdout.splitlines()
    broker.stop()
    local = kappa("consume", "kept", "--from-beginning", "--data-dir", broker.data_dir)
    assert sorted(local.stdout.splitlines()) == sorted(remote) == sorted(str(i) for i in range(500))
    broker.start()


def test_follow_sees_new_records(broker):
    bs = ("--bootstrap", broker.bootstrap)
    kappa("topics", "create", "fol", *bs)
    # The topic is empty, so --from-beginning starts at its end without a race with produce.
    follower = subprocess.Popen([KAPPA, "consume", "fol", "--from-beginning", "--follow",
                                 "--count", "3", *bs],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # Records produced afterwards arrive, then --count ends the command.
        kappa("produce", "fol", *bs, input="a\nb\nc\nd\n")
        out, err = follower.communicate(timeout=60)
    finally:
        if follower.poll() is None:
            follower.kill()
            follower.wait()
    assert follower.returncode == 0, err
    assert out.splitlines() == ["a", "b", "c"]


def test_unreachable_broker_is_a_readable_error():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # bound, not listening: connections are refused
        p = kappa("topics", "list", "--bootstrap", f"127.0.0.1:{port}", check=False)
    assert p.returncode == 1
    assert "is a Kafka-protocol broker listening there?" in p.stderr


def test_compressed_produce_and_headers_json(broker):
    """--compression through the protocol: each codec is stored as sent and reads back."""
    bs = ("--bootstrap", broker.bootstrap)
    kappa("topics", "create", "zip", *bs)
    lines = [f"k{i}|line {i} \u00e9" for i in range(200)]
    for codec in ("gzip", "snappy", "lz4", "zstd"):
        kappa("produce", "zip", "--compression", codec, "--key-separator", "|", *bs,
              input="".join(l + "\n" for l in lines))
    got = [json.loads(l) for l in
           kappa("consume", "zip", "--from-beginning", "--json", *bs).stdout.splitlines()]
    assert len(got) == 800
    assert [(r["key"], r["value"]) for r in got[:200]] == [tuple(l.split("|")) for l in lines]
    assert [r["offset"] for r in got] == list(range(800))
    bad = kappa("produce", "zip", "--compression", "brotli", *bs, input="x\n", check=False)
    assert bad.returncode != 0 and "compression" in bad.stderr
