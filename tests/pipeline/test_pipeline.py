"""`kappa up`, the seed pipeline end to end, and `kappa jobs`.

The invariant every test checks: each record of users_created was either stored as a row or
sent to the dead letters, exactly once:
    sum(end offsets of users_created) == rows in spark_streams.created_users + dead letters
"""
import json
import os
import random
import signal
import subprocess
import time

import pytest

from conftest import KAPPA, kappa

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DEFAULT_CONFIG = os.path.join(ROOT, "config", "kappa.yaml")
JOB = "users_to_cassandra"
TABLE = "spark_streams.created_users"


def config_with(tmp_path, **replacements):
    """The default config with some lines replaced (old text -> new text)."""
    text = open(DEFAULT_CONFIG).read()
    for old, new in replacements.values():
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "kappa.yaml"
    path.write_text(text)
    return str(path)


def fast_config(tmp_path, rate=3000):
    # The shipped producer runs only from the user_automation DAG (autostart: false); these
    # tests were written for a producer running from the start of every kappa up.
    return config_with(tmp_path, rate=("    rate: 100\n", f"    rate: {rate}\n"),
                       autostart=("    autostart: false\n", "    autostart: true\n"))


def job_status(data_dir):
    p = kappa("jobs", "status", JOB, "--data-dir", data_dir, "--json")
    return json.loads(p.stdout)


def table_count(data_dir):
    p = kappa("tables", "count", TABLE, "--data-dir", data_dir)
    return int(p.stdout.split()[-1])


def table_ids(data_dir):
    p = kappa("tables", "scan", TABLE, "--data-dir", data_dir, "--json", "--limit", "0")
    return [json.loads(line)["id"] for line in p.stdout.splitlines() if line.strip()]


def check_equation(data_dir):
    st = job_status(data_dir)
    end_sum = sum(p["end"] for p in st["partitions"])
    rows = table_count(data_dir)
    assert st["lag"] == 0, st
    assert end_sum == rows + st["dead_letters"], (end_sum, rows, st)
    return st, rows


# kappa up serves Kafka and CQL; free ports keep tests from colliding with each other or with
# a kappa already running on 9092/9042.
EPHEMERAL = ["--kafka-listen", "127.0.0.1:0", "--cql-listen", "127.0.0.1:0",
             "--http-listen", "127.0.0.1:0"]


def up(data_dir, *args, config=None, timeout=120):
    cmd = ["up", "--data-dir", data_dir, "--json", *EPHEMERAL, *args]
    if config:
        cmd += ["--config", config]
    p = kappa(*cmd, timeout=timeout)
    return json.loads(p.stdout.strip().splitlines()[-1]), p


def test_built_in_config_is_the_shipped_file():
    p = kappa("up", "--print-default-config")
    assert p.stdout == open(DEFAULT_CONFIG).read()
    p = kappa("up", "--check")
    assert "<built-in>/kappa.yaml: OK" in p.stdout
    p = kappa("up", "--check", "--config", DEFAULT_CONFIG)
    assert "OK" in p.stdout


def test_bad_config_names_file_line_and_problem(tmp_path):
    bad = config_with(tmp_path, typo=("    partitions: 3\n", "    patitions: 3\n"))
    p = kappa("up", "--config", bad, "--check", check=False)
    assert p.returncode == 2
    line = open(bad).read().splitlines().index("    patitions: 3") + 1
    assert f"kappa.yaml:{line}:5: unknown key 'patitions' in topics[0] (did you mean 'partitions'?)" \
        in p.stderr, p.stderr
    p = kappa("up", "--config", str(tmp_path / "missing.yaml"), check=False)
    assert p.returncode == 2 and "missing.yaml" in p.stderr


def test_up_duration_stores_everything_and_a_second_run_continues(tmp_path):
    d = str(tmp_path / "data")
    cfg = fast_config(tmp_path)
    s1, p1 = up(d, "--duration", "2s", config=cfg)
    assert s1["produced"] > 0 and s1["lag"] == 0
    assert s1["stored"] + s1["dead_letters"] == s1["produced"], s1
    for key in ("produced", "stored", "dead_letters", "users_per_s"):
        assert key in s1
    st, rows = check_equation(d)
    assert rows == s1["stored"]

    s2, _ = up(d, "--duration", "1s", config=cfg)
    st2, rows2 = check_equation(d)
    assert rows2 == rows + s2["stored"]
    ids = table_ids(d)
    assert len(ids) == len(set(ids)) == rows2


def test_human_summary(tmp_path):
    d = str(tmp_path / "data")
    p = kappa("up", "--data-dir", d, "--duration", "1s", *EPHEMERAL)
    for key in ("produced:", "stored:", "dead letters:", "users/s:"):
        assert key in p.stdout, p.stdout


def test_kill9_at_a_random_moment_then_restart_loses_and_duplicates_nothing(tmp_path):
    d = str(tmp_path / "data")
    cfg = fast_config(tmp_path, rate=20000)
    proc = subprocess.Popen([KAPPA, "up", "--config", cfg, "--data-dir", d, *EPHEMERAL],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(random.uniform(1.0, 2.5))
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    # Restart with no producing (count: a handful), drain, check.
    up(d, "--duration", "1s", config=fast_config(tmp_path, rate=50))
    st, rows = check_equation(d)
    ids = table_ids(d)
    assert len(ids) == len(set(ids)) == rows
    assert rows > 0


def test_malformed_record_goes_to_the_dead_letters_and_the_job_continues(tmp_path):
    d = str(tmp_path / "data")
    cfg = fast_config(tmp_path, rate=500)
    s1, _ = up(d, "--duration", "1s", config=cfg)
    kappa("produce", "users_created", "--data-dir", d, input="this is not json\n")
    s2, _ = up(d, "--duration", "1s", config=cfg)
    assert s2["dead_letters"] == 1, s2
    assert s2["stored"] > 0  # the job went on after the bad record
    st, rows = check_equation(d)
    assert st["dead_letters"] == 1
    p = kappa("consume", "users_created.dlq", "--from-beginning", "--data-dir", d, "--json")
    records = [json.loads(line) for line in p.stdout.splitlines() if line.strip()]
    assert len(records) == 1, p.stdout
    text = json.dumps(records[0])
    assert "this is not json" in text
    for header in ("error", "source.topic", "source.partition", "source.offset", "job"):
        assert header in text, text
    assert "not JSON" in text


def test_jobs_commands_work_while_up_runs_and_sigterm_drains(tmp_path):
    d = str(tmp_path / "data")
    cfg = fast_config(tmp_path, rate=1000)
    proc = subprocess.Popen([KAPPA, "up", "--config", cfg, "--data-dir", d, "--json", *EPHEMERAL],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 30
        while True:
            p = kappa("jobs", "list", "--data-dir", d, "--json", check=False)
            if p.returncode == 0 and p.stdout.strip():
                break
            assert time.time() < deadline, p.stderr
            time.sleep(0.2)
        job = json.loads(p.stdout.splitlines()[0])
        assert job["name"] == JOB and job["table"] == TABLE
        kappa("jobs", "status", JOB, "--data-dir", d)
        # The other read commands also work on the owned directory (read-only opens).
        assert table_count(d) >= 0
        c = kappa("consume", "users_created", "--from-beginning", "-n", "1", "--data-dir", d)
        assert "\"id\"" in c.stdout, c.stdout
        kappa("topics", "list", "--data-dir", d)
        r = kappa("jobs", "reset", JOB, "--to-earliest", "--data-dir", d, check=False)
        assert r.returncode != 0 and "kappa up" in r.stderr, r.stderr
        time.sleep(0.5)
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["lag"] == 0 and summary["stored"] > 0, summary
    check_equation(d)


def test_jobs_reset_replays_into_the_same_rows(tmp_path):
    d = str(tmp_path / "data")
    cfg = fast_config(tmp_path, rate=1000)
    s1, _ = up(d, "--duration", "1s", config=cfg)
    rows = table_count(d)
    p = kappa("jobs", "reset", JOB, "--to-earliest", "--data-dir", d, "--json")
    st = json.loads(p.stdout)
    assert st["lag"] == sum(p["end"] - p["start"] for p in st["partitions"]) > 0
    # A run with (almost) no new users replays the whole topic.
    s2, _ = up(d, "--duration", "1s", config=fast_config(tmp_path, rate=1))
    assert s2["stored"] >= rows
    assert table_count(d) == rows + s2["produced"]
    p = kappa("jobs", "reset", JOB, "--to-offset", "0", "--data-dir", d)
    p = kappa("jobs", "reset", JOB, "--to-time", "2020-01-01T00:00:00Z", "--data-dir", d)
    p = kappa("jobs", "reset", JOB, "--data-dir", d, check=False)
    assert p.returncode != 0
    p = kappa("jobs", "status", "nope", "--data-dir", d, check=False)
    assert p.returncode != 0 and "no job named 'nope'" in p.stderr
