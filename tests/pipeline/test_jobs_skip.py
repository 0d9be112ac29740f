"""A corrupt batch stops its job; `kappa jobs skip` moves one partition past it (the skipped
offsets go to the dead-letter topic with an error header) and `kappa jobs reset --partition`
moves one partition only. Run with a real corrupt segment, as a disk would leave it."""
import json
import os
import signal
import subprocess
import time

from conftest import KAPPA, kappa

CONFIG = """
topics:
  - {name: t, partitions: 2}
  - {name: t.dlq, partitions: 1}
keyspaces:
  - name: ks
    replication: {class: SimpleStrategy, replication_factor: 1}
    tables:
      - name: rows
        primary_key: [id]
        columns: {id: int, v: text}
jobs:
  - name: j
    topic: t
    table: ks.rows
    dead_letter_topic: t.dlq
listeners: {kafka: "off", cql: "off", http: "off"}
"""


def produce(d, partition, ids):
    lines = "".join(json.dumps({"id": i, "v": f"value {i}"}) + "\n" for i in ids)
    kappa("produce", "t", "--partition", partition, "--data-dir", d, "-q", input=lines)


def segment(d, partition):
    pdir = os.path.join(d, "log", "topics", "t", str(partition))
    logs = sorted(f for f in os.listdir(pdir) if f.endswith(".log"))
    return os.path.join(pdir, logs[0])


def batch_spans(data):
    """(start, size) of each RecordBatch v2: baseOffset int64, batchLength int32, ..."""
    spans, pos = [], 0
    while pos + 12 <= len(data):
        size = 12 + int.from_bytes(data[pos + 8:pos + 12], "big")
        spans.append((pos, size))
        pos += size
    return spans


def status(d):
    return json.loads(kappa("jobs", "status", "j", "--data-dir", d, "--json").stdout)


def run_until_drained(d, cfg):
    """kappa up (no producers) until the job has no lag, then SIGTERM."""
    proc = subprocess.Popen([KAPPA, "up", "--config", cfg, "--data-dir", d, "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 30
        while time.time() < deadline and proc.poll() is None:
            p = kappa("jobs", "status", "j", "--data-dir", d, "--json", check=False)
            if p.returncode == 0 and json.loads(p.stdout)["lag"] == 0:
                break
            time.sleep(0.2)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


def test_corrupt_batch_stops_the_job_and_skip_moves_past_it(tmp_path):
    d = str(tmp_path / "data")
    cfg = tmp_path / "kappa.yaml"
    cfg.write_text(CONFIG)
    kappa("topics", "create", "t", "--partitions", "2", "--data-dir", d)
    kappa("topics", "create", "t.dlq", "--partitions", "1", "--data-dir", d)
    # Three batches in partition 0 (one per produce), one in partition 1.
    produce(d, 0, range(0, 5))
    produce(d, 0, range(5, 12))
    produce(d, 0, range(12, 15))
    produce(d, 1, range(100, 104))
    # Damage a value byte of the middle batch: its CRC no longer matches.
    seg = segment(d, 0)
    data = bytearray(open(seg, "rb").read())
    spans = batch_spans(data)
    assert len(spans) == 3, spans
    start, size = spans[1]
    data[start + size - 3] ^= 0x20
    open(seg, "wb").write(bytes(data))

    # The job stores the first batch, then stops at the corrupt one with what to do.
    p = kappa("up", "--config", cfg, "--data-dir", d, check=False, timeout=60)
    assert p.returncode != 0
    assert "Corruption" in p.stderr and "offset 5" in p.stderr, p.stderr
    assert "kappa jobs skip j --partition 0" in p.stderr, p.stderr
    st = status(d)
    part0 = st["partitions"][0]
    assert part0["committed"] == 5 and part0["end"] == 15, st
    # Running again changes nothing: the job never passes the batch by itself.
    p = kappa("up", "--config", cfg, "--data-dir", d, check=False, timeout=60)
    assert p.returncode != 0 and "kappa jobs skip" in p.stderr
    assert status(d)["partitions"][0]["committed"] == 5

    # skip needs --partition; without --count/--to-offset it skips exactly the unreadable batch.
    p = kappa("jobs", "skip", "j", "--data-dir", d, check=False)
    assert p.returncode != 0 and "--partition" in p.stderr
    p = kappa("jobs", "skip", "j", "--partition", "0", "--data-dir", d, "--json")
    r = json.loads(p.stdout)
    assert (r["from"], r["to"], r["unreadable"], r["readable"]) == (5, 12, 7, 0), r
    assert r["status"]["partitions"][0]["committed"] == 12
    assert r["status"]["dead_letters"] == 7
    # Nothing unreadable at 12: a plain skip refuses rather than skip good records.
    p = kappa("jobs", "skip", "j", "--partition", "0", "--data-dir", d, check=False)
    assert p.returncode != 0 and "readable" in p.stderr and "--count" in p.stderr, p.stderr

    # The job continues after the skipped range.
    code, out, err = run_until_drained(d, cfg)
    assert code == 0, err
    ids = [json.loads(line)["id"] for line in
           kappa("tables", "scan", "ks.rows", "--data-dir", d, "--json", "--limit", "0")
           .stdout.splitlines() if line.strip()]
    assert sorted(ids) == list(range(0, 5)) + list(range(12, 15)) + list(range(100, 104))

    # One dead letter per skipped offset, saying why and where from.
    p = kappa("consume", "t.dlq", "--from-beginning", "--data-dir", d, "--json")
    dead = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    assert len(dead) == 7, p.stdout
    offsets = []
    for rec in dead:
        text = json.dumps(rec)
        assert "unreadable" in text and "CRC" in text and "kappa jobs skip" in text, text
        assert '"j"' in text and "source.offset" in text, text
        hmap = {k: v for k, v in rec["headers"]}
        assert rec["key"] is None and rec["value"] is None, rec
        assert hmap["source.topic"] == "t" and hmap["source.partition"] == "0"
        offsets.append(int(hmap["source.offset"]))
    assert offsets == list(range(5, 12))


def test_reset_and_skip_one_partition(tmp_path):
    d = str(tmp_path / "data")
    cfg = tmp_path / "kappa.yaml"
    cfg.write_text(CONFIG)
    kappa("topics", "create", "t", "--partitions", "2", "--data-dir", d)
    kappa("topics", "create", "t.dlq", "--partitions", "1", "--data-dir", d)
    produce(d, 0, range(0, 6))
    produce(d, 1, range(10, 14))
    code, _, err = run_until_drained(d, cfg)
    assert code == 0, err
    st = status(d)
    assert [p["committed"] for p in st["partitions"]] == [6, 4], st

    p = kappa("jobs", "reset", "j", "--partition", "1", "--to-offset", "1", "--data-dir", d,
              "--json")
    st = json.loads(p.stdout)
    assert [p["committed"] for p in st["partitions"]] == [6, 1], st
    p = kappa("jobs", "reset", "j", "--partition", "0", "--to-earliest", "--data-dir", d, "--json")
    assert [p["committed"] for p in json.loads(p.stdout)["partitions"]] == [0, 1]
    p = kappa("jobs", "reset", "j", "--partition", "7", "--to-latest", "--data-dir", d, check=False)
    assert p.returncode != 0 and "no partition 7" in p.stderr, p.stderr

    # Skipping readable records on purpose: they go to the dead letters unchanged.
    p = kappa("jobs", "skip", "j", "--partition", "1", "--count", "2", "--data-dir", d, "--json")
    r = json.loads(p.stdout)
    assert (r["from"], r["to"], r["unreadable"], r["readable"]) == (1, 3, 0, 2), r
    p = kappa("jobs", "skip", "j", "--partition", "1", "--to-offset", "2", "--data-dir", d,
              check=False)
    assert p.returncode != 0 and "after the committed offset 3" in p.stderr, p.stderr
    p = kappa("consume", "t.dlq", "--from-beginning", "--data-dir", d, "--json")
    dead = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    assert [json.loads(x["value"])["id"] for x in dead] == [11, 12], dead
    assert all("skipped by kappa jobs skip" in json.dumps(x) for x in dead)
    st = status(d)
    assert [p["committed"] for p in st["partitions"]] == [0, 3], st
    assert st["dead_letters"] == 2
