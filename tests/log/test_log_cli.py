"""The log commands exactly as issue 2 writes them, plus their options and errors."""
import fcntl
import json
import os

from conftest import kappa


def describe(data_dir, topic="demo"):
    return json.loads(kappa("topics", "describe", topic, "--json", "--data-dir", data_dir).stdout)


def test_issue_walkthrough(data_dir):
    kappa("topics", "create", "demo", "--partitions", "3", "--data-dir", data_dir)
    seq = "".join(f"{i}\n" for i in range(1, 1_000_001))
    kappa("produce", "demo", "--data-dir", data_dir, input=seq)
    d = describe(data_dir)
    assert d["topic"] == "demo"
    assert [p["partition"] for p in d["partitions"]] == [0, 1, 2]
    assert [p["end_offset"] for p in d["partitions"]] == [333334, 333333, 333333]
    assert all(p["start_offset"] == 0 and p["bytes"] > 0 for p in d["partitions"])
    human = kappa("topics", "describe", "demo", "--data-dir", data_dir).stdout
    assert "333334" in human and "partition" in human
    listed = kappa("topics", "list", "--data-dir", data_dir).stdout.split()
    assert listed == ["demo"]
    lj = [json.loads(l) for l in kappa("topics", "list", "--json", "--data-dir", data_dir).stdout.splitlines()]
    assert lj == [d]
    out = kappa("consume", "demo", "--from-beginning", "--data-dir", data_dir).stdout.splitlines()
    assert len(out) == 1_000_000
    assert sorted(map(int, out)) == list(range(1, 1_000_001))
    # Partition by partition, each in input order.
    assert out[:3] == ["1", "4", "7"]


def test_consume_options(data_dir):
    kappa("topics", "create", "t", "--partitions", "2", "--data-dir", data_dir)
    kappa("produce", "t", "--data-dir", data_dir, input="".join(f"v{i}\n" for i in range(10)))
    # default start is the end: nothing new
    assert kappa("consume", "t", "--data-dir", data_dir).stdout == ""
    p1 = kappa("consume", "t", "--partition", "1", "--from-beginning", "--data-dir", data_dir).stdout
    assert p1.splitlines() == ["v1", "v3", "v5", "v7", "v9"]
    off = kappa("consume", "t", "--partition", "0", "--offset", "3", "--data-dir", data_dir).stdout
    assert off.splitlines() == ["v6", "v8"]
    mx = kappa("consume", "t", "--from-beginning", "--max-messages", "3", "--data-dir", data_dir).stdout
    assert mx.splitlines() == ["v0", "v2", "v4"]
    js = [json.loads(l) for l in kappa("consume", "t", "--partition", "0", "--from-beginning",
                                         "--json", "-n", "2", "--data-dir", data_dir).stdout.splitlines()]
    assert [(r["partition"], r["offset"], r["key"], r["value"]) for r in js] == \
        [(0, 0, None, "v0"), (0, 1, None, "v2")]
    bad = kappa("consume", "t", "--partition", "0", "--offset", "99", "--data-dir", data_dir, check=False)
    assert bad.returncode != 0 and "outside" in bad.stderr


def test_consume_group_commits_position(data_dir):
    kappa("topics", "create", "g", "--data-dir", data_dir)
    kappa("produce", "g", "--data-dir", data_dir, input="a\nb\nc\nd\ne\n")
    first = kappa("consume", "g", "--group", "grp", "--from-beginning", "-n", "2", "--data-dir", data_dir)
    assert first.stdout.splitlines() == ["a", "b"]
    second = kappa("consume", "g", "--group", "grp", "--data-dir", data_dir)
    assert second.stdout.splitlines() == ["c", "d", "e"]
    assert kappa("consume", "g", "--group", "grp", "--data-dir", data_dir).stdout == ""
    kappa("produce", "g", "--data-dir", data_dir, input="f\n")
    assert kappa("consume", "g", "--group", "grp", "--data-dir", data_dir).stdout == "f\n"


def test_keys_escaping_and_compression(data_dir):
    kappa("topics", "create", "k", "--partitions", "4", "--data-dir", data_dir)
    lines = "user1=tab\there\nuser2=back\\slash\nuser1=cr\rhere\nnokey\n"
    kappa("produce", "k", "--key-separator", "=", "--compression", "zstd", "--data-dir", data_dir,
          input=lines)
    recs = [json.loads(l) for l in kappa("consume", "k", "--from-beginning", "--json",
                                           "--data-dir", data_dir).stdout.splitlines()]
    by_val = {r["value"]: r for r in recs}
    assert by_val["tab\there"]["key"] == "user1"
    assert by_val["cr\rhere"]["key"] == "user1"
    # Same key -> same partition (Kafka's murmur2 partitioner).
    assert by_val["tab\there"]["partition"] == by_val["cr\rhere"]["partition"]
    assert by_val["nokey"]["key"] is None
    plain = kappa("consume", "k", "--from-beginning", "--print-key", "--data-dir", data_dir).stdout
    rows = plain.splitlines()
    assert len(rows) == 4  # one record per line, whatever the bytes
    assert "user1\ttab\\there" in rows
    assert "user2\tback\\\\slash" in rows
    assert "user1\tcr\\rhere" in rows
    assert "null\tnokey" in rows


def test_errors_are_clear(data_dir):
    p = kappa("produce", "missing", "--data-dir", data_dir, input="x\n", check=False)
    assert p.returncode != 0 and "does not exist" in p.stderr and "topics create" in p.stderr
    kappa("topics", "create", "dup", "--data-dir", data_dir)
    p = kappa("topics", "create", "dup", "--data-dir", data_dir, check=False)
    assert p.returncode != 0 and "already exists" in p.stderr
    p = kappa("topics", "create", "bad/name", "--data-dir", data_dir, check=False)
    assert p.returncode != 0 and "illegal character" in p.stderr
    p = kappa("consume", "nope", "--data-dir", data_dir, check=False)
    assert p.returncode != 0 and "does not exist" in p.stderr
    kappa("topics", "delete", "dup", "--data-dir", data_dir)
    assert kappa("topics", "list", "--data-dir", data_dir).stdout == ""


def test_locked_data_dir_reads_read_only_and_refuses_writes(data_dir):
    kappa("topics", "create", "demo", "--partitions", "2", "--data-dir", data_dir)
    kappa("produce", "demo", "--data-dir", data_dir, input="1\n2\n3\n")
    with open(os.path.join(data_dir, "LOCK"), "r+") as f:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        f.truncate(0)
        f.write("pid 4242 (kappa up, since 2026-11-22 10:00:01)\n")
        f.flush()
        assert describe(data_dir)["partitions"][0]["end_offset"] == 2
        assert kappa("consume", "demo", "--from-beginning", "--data-dir", data_dir).stdout.split() == ["1", "3", "2"]
        p = kappa("produce", "demo", "--data-dir", data_dir, input="4\n", check=False)
        assert p.returncode != 0 and "pid 4242" in p.stderr and "kappa up" in p.stderr
        p = kappa("topics", "create", "other", "--data-dir", data_dir, check=False)
        assert p.returncode != 0 and "in use" in p.stderr
        p = kappa("consume", "demo", "--group", "g", "--data-dir", data_dir, check=False)
        assert p.returncode != 0 and "in use" in p.stderr


def test_help_texts():
    for cmd in (["topics", "create"], ["topics", "list"], ["topics", "describe"], ["topics", "delete"],
                ["produce"], ["consume"], ["bench", "log"]):
        out = kappa(*cmd, "--help").stdout
        assert "--data-dir" in out or cmd == ["bench", "log"]
        assert "Usage" in out or "usage" in out.lower()


def test_bench_log_json(tmp_path):
    p = kappa("bench", "log", "--json", "--dir", tmp_path / "b", "--records-100", "20000",
              "--records-1k", "5000", "--fsync-records-100", "5000", "--fsync-records-1k", "2000")
    cases = [json.loads(l) for l in p.stdout.splitlines()]
    names = [c["case"] for c in cases]
    assert names == ["append-100B-default", "read-100B", "append-1KB-default", "read-1KB",
                     "append-100B-fsync-per-batch", "append-1KB-fsync-per-batch"]
    for c in cases:
        assert c["records_per_s"] > 0 and c["mb_per_s"] > 0


def test_consume_follow_sees_new_records(data_dir, kappa_bin):
    import subprocess
    kappa("topics", "create", "f", "--data-dir", data_dir)
    kappa("produce", "f", "--data-dir", data_dir, input="old\n")
    follower = subprocess.Popen([kappa_bin, "consume", "f", "--follow", "--offset", "1", "-n", "3",
                                 "--data-dir", data_dir],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # The follower holds no lock, so producing works while it waits.
        kappa("produce", "f", "--data-dir", data_dir, input="new1\nnew2\n")
        kappa("produce", "f", "--data-dir", data_dir, input="new3\n")
        out, err = follower.communicate(timeout=120)
    finally:
        if follower.poll() is None:
            follower.kill()
            follower.wait()
    assert follower.returncode == 0, err
    # --offset 1 (not the default "end") so the result does not depend on start-up timing.
    assert out.splitlines() == ["new1", "new2", "new3"]
