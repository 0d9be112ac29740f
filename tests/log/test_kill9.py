"""kill -9 of `kappa produce` mid-stream: the topic recovers, what `consume` returns is an
in-order, gap-free prefix of each partition's input with no torn record, and producing
continues afterwards."""
import json
import os
import signal
import subprocess
import time

from conftest import KAPPA, kappa

PARTITIONS = 3
LINES = 3_000_000


def partition_prefix_ok(records, partition, total_lines):
    """Keyless produce sends line i (0-based) to partition i % PARTITIONS, so partition p
    holds lines p, p+3, p+6, ... in order. Returns how many records matched."""
    for n, rec in enumerate(records):
        expect = str(partition + n * PARTITIONS + 1)  # seq starts at 1
        assert rec["offset"] == n, f"partition {partition}: offset gap at {n}: {rec}"
        assert rec["value"] == expect, f"partition {partition} record {n}: {rec['value']!r} != {expect}"
    return len(records)


def consume_json(data_dir, partition):
    p = kappa("consume", "demo", "--from-beginning", "--json", "--partition", partition,
              "--data-dir", data_dir)
    return [json.loads(line) for line in p.stdout.splitlines()]


def test_kill9_produce_then_recover_and_continue(data_dir, tmp_path):
    kappa("topics", "create", "demo", "--partitions", PARTITIONS, "--data-dir", data_dir)
    # A slow-ish, endless input so the kill lands mid-stream: seq piped through the producer
    # with small batches so many appends happen before the kill.
    seq = subprocess.Popen(["seq", "1", str(LINES)], stdout=subprocess.PIPE)
    prod = subprocess.Popen([KAPPA, "produce", "demo", "--batch-bytes", "4096",
                             "--data-dir", data_dir],
                            stdin=seq.stdout, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seq.stdout.close()
    # Wait until some data is on disk, then kill -9.
    log_dir = os.path.join(data_dir, "log", "topics", "demo", "0")
    deadline = time.time() + 60
    seg = os.path.join(log_dir, "00000000000000000000.log")
    while time.time() < deadline:
        if os.path.exists(seg) and os.path.getsize(seg) > 200_000:
            break
        time.sleep(0.01)
    prod.send_signal(signal.SIGKILL)
    prod.wait(timeout=30)
    seq.kill()
    seq.wait()
    assert prod.returncode == -signal.SIGKILL, "produce finished before the kill; test is void"

    # The topic opens (recovery) and each partition is a clean prefix of its input.
    desc = json.loads(kappa("topics", "describe", "demo", "--json", "--data-dir", data_dir).stdout)
    counts = []
    for p in range(PARTITIONS):
        recs = consume_json(data_dir, p)
        assert desc["partitions"][p]["end_offset"] == len(recs)
        counts.append(partition_prefix_ok(recs, p, LINES))
    assert sum(counts) > 0
    assert sum(counts) < LINES, "everything was produced before the kill; test is void"

    # Producing continues after the recovered end.
    kappa("produce", "demo", "--partition", "1", "--data-dir", data_dir, input="after-1\nafter-2\n")
    recs = consume_json(data_dir, 1)
    assert len(recs) == counts[1] + 2
    assert [r["value"] for r in recs[-2:]] == ["after-1", "after-2"]
    assert [r["offset"] for r in recs[-2:]] == [counts[1], counts[1] + 1]
