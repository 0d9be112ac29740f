"""`kappa up` runs the seed's Airflow DAG (config/kappa.yaml: user_automation, @daily, no
catchup, stream_data_from_api producing into users_created), keeps its history in the store
(kappa_meta) and serves it over Airflow's REST API; a kill -9 during the task's run leaves a
zombie that the next start fails (and retries by the task's policy), the history intact, and
the exactly-once equation of the pipeline holds:
    sum(end offsets of users_created) == rows in spark_streams.created_users + dead letters
"""
import datetime
import json
import os
import random
import signal
import subprocess
import time

import requests

from conftest import KAPPA, free_port, kappa, wait_for, wait_for_port

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DEFAULT_CONFIG = os.path.join(ROOT, "config", "kappa.yaml")
DAG = "user_automation"
TASK = "stream_data_from_api"
JOB = "users_to_cassandra"
TABLE = "spark_streams.created_users"


def config_with(tmp_path, *replacements):
    text = open(DEFAULT_CONFIG).read()
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "kappa.yaml"
    path.write_text(text)
    return str(path)


def check_equation(data_dir):
    st = json.loads(kappa("jobs", "status", JOB, "--data-dir", data_dir, "--json").stdout)
    rows = int(kappa("tables", "count", TABLE, "--data-dir", data_dir).stdout.split()[-1])
    end_sum = sum(p["end"] for p in st["partitions"])
    assert st["lag"] == 0, st
    assert end_sum == rows + st["dead_letters"], (end_sum, rows, st)
    return rows


def latest_interval_start():
    """The logical date of the latest complete @daily interval (catchup: false runs it)."""
    today = datetime.datetime.now(datetime.timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    return today - datetime.timedelta(days=1)


class Up:
    """kappa up in the background with its HTTP listener on a known port."""

    def __init__(self, data_dir, *args, config=None):
        self.http = free_port()
        cmd = [KAPPA, "up", "--data-dir", data_dir, "--kafka-listen", "127.0.0.1:0",
               "--cql-listen", "127.0.0.1:0", "--http-listen", f"127.0.0.1:{self.http}", *args]
        if config:
            cmd += ["--config", config]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for_port(self.http, timeout=30)
        self.base = f"http://127.0.0.1:{self.http}/api/v1"

    def get(self, path):
        r = requests.get(self.base + path, timeout=10)
        assert r.status_code == 200, (path, r.status_code, r.text)
        return r.json()

    def wait_for(self, what, predicate, timeout=60):
        return wait_for(what, predicate, timeout)

    def runs(self):
        return self.get(f"/dags/{DAG}/dagRuns")["dag_runs"]

    def task(self, run_id):
        return self.get(f"/dags/{DAG}/dagRuns/{run_id}/taskInstances/{TASK}")

    def stop(self, timeout=60):
        self.proc.send_signal(signal.SIGTERM)
        out, err = self.proc.communicate(timeout=timeout)
        assert self.proc.returncode == 0, err[-3000:]
        return out, err

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.communicate(timeout=30)


def test_default_config_runs_the_seed_dag_and_stores_its_rows(tmp_path):
    d = str(tmp_path / "data")
    # The built-in config, with --duration shortening the task's 60 s (as every producer's).
    p = kappa("up", "--data-dir", d, "--json", "--duration", "2s", "--kafka-listen", "127.0.0.1:0",
              "--cql-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0", timeout=120)
    summary = json.loads(p.stdout.strip().splitlines()[-1])
    assert summary["produced"] > 0 and summary["lag"] == 0, summary
    assert summary["stored"] + summary["dead_letters"] == summary["produced"], summary
    rows = check_equation(d)
    assert rows == summary["stored"] > 0

    # The history survives the restart: one scheduled run of the latest interval, its task a
    # success whose result is the records produced; no second run of the same interval.
    up = Up(d)
    try:
        dag = up.get(f"/dags/{DAG}")
        assert dag["owners"] == ["airscholar"] and dag["is_paused"] is False, dag
        runs = up.runs()
        assert len(runs) == 1, runs
        run = runs[0]
        logical = latest_interval_start()
        assert run["run_type"] == "scheduled" and run["state"] == "success", run
        assert datetime.datetime.fromisoformat(run["logical_date"]) == logical, run
        assert run["dag_run_id"] == "scheduled__" + logical.isoformat(), run
        ti = up.task(run["dag_run_id"])
        assert ti["state"] == "success" and ti["try_number"] == 1, ti
        assert ti["operator"] == "produce", ti
        log = requests.get(f"{up.base}/dags/{DAG}/dagRuns/{run['dag_run_id']}/taskInstances/{TASK}/logs/1",
                           headers={"Accept": "text/plain"}, timeout=10).text
        assert f"produced {summary['produced']} records into users_created" in log, log
        time.sleep(1)
        assert len(up.runs()) == 1  # catchup: false and the interval already ran
    finally:
        up.stop()
    assert check_equation(d) == rows


def test_kill9_during_the_task_then_restart_keeps_history_and_exactly_once(tmp_path):
    d = str(tmp_path / "data")
    # Faster users, a 4 s task, and a retry policy so the zombie is retried.
    cfg = config_with(tmp_path, ("    rate: 100\n", "    rate: 2000\n"),
                      ("        duration: 60s\n", "        duration: 4s\n        retries: 1\n"
                                                    "        retry_delay: 1s\n"))
    up = Up(d, config=cfg)
    try:
        run = up.wait_for("the scheduled run", lambda: (up.runs() or [None])[0])
        run_id = run["dag_run_id"]
        up.wait_for("the task running", lambda: up.task(run_id)["state"] == "running")
        time.sleep(random.uniform(0.5, 2.0))  # mid-try
    finally:
        up.kill9()

    # Restart: the try left running is a zombie: failed, then retried (try 2) by its policy.
    up = Up(d, config=cfg)
    try:
        runs = up.runs()
        assert [r["dag_run_id"] for r in runs] == [run_id], runs
        ti = up.wait_for("the retry's end", lambda: (
            lambda t: t if t["try_number"] == 2 and t["state"] in ("success", "failed") else None)(up.task(run_id)))
        assert ti["state"] == "success" and ti["max_tries"] == 1, ti  # Airflow 2: max_tries = retries
        log1 = requests.get(f"{up.base}/dags/{DAG}/dagRuns/{run_id}/taskInstances/{TASK}/logs/1",
                            headers={"Accept": "text/plain"}, timeout=10).text
        assert "producing with users" in log1, log1  # the killed try's log is intact
        log2 = requests.get(f"{up.base}/dags/{DAG}/dagRuns/{run_id}/taskInstances/{TASK}/logs/2",
                            headers={"Accept": "text/plain"}, timeout=10).text
        assert "produced " in log2, log2
        run = up.wait_for("the run's end", lambda: (
            lambda r: r if r["state"] in ("success", "failed") else None)(up.get(f"/dags/{DAG}/dagRuns/{run_id}")))
        assert run["state"] == "success", run
        assert len(up.runs()) == 1  # no interval ran twice
    finally:
        up.stop()
    rows = check_equation(d)
    assert rows > 0
    ids = [json.loads(x)["id"] for x in kappa("tables", "scan", TABLE, "--data-dir", d, "--json",
                                              "--limit", "0").stdout.splitlines() if x.strip()]
    assert len(ids) == len(set(ids)) == rows


def test_a_bad_dag_stops_the_start_with_file_line_and_nothing_is_created(tmp_path):
    cases = [
        (('    schedule: "@daily"\n', '    schedule: "0 0 * * * *"\n'), '    schedule: "0 0 * * * *"', "6"),
        (('    catchup: false\n', '    catchup: false\n    timezone: Mars/Base\n'), "    timezone: Mars/Base", "Mars/Base"),
        (('        type: produce\n', '        type: sql\n'), "        type: sql", "unknown task type 'sql'"),
        (('        duration: 60s\n', '        duration: 60s\n        topic_x: "{{ params.colour }}"\n'),
         '        topic_x: "{{ params.colour }}"', "unknown template variable"),
        (('        duration: 60s\n', '        duration: 60s\n      - {id: b, type: noop, after: c}\n'
                                    '      - {id: c, type: noop, after: b}\n'), None, "cycle"),
    ]
    for (old, new), line_text, expect in cases:
        cfg = config_with(tmp_path, (old, new))
        d = str(tmp_path / "data")
        p = kappa("up", "--config", cfg, "--data-dir", d, "--kafka-listen", "127.0.0.1:0",
                  "--cql-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0", check=False)
        assert p.returncode == 2, (expect, p.stderr)
        assert expect in p.stderr, p.stderr
        lines = open(cfg).read().splitlines()
        if line_text is not None:
            assert f"kappa.yaml:{lines.index(line_text) + 1}:" in p.stderr, p.stderr
        else:
            assert any(f"kappa.yaml:{i + 1}:" in p.stderr for i, l in enumerate(lines) if "id: b" in l or "id: c" in l), p.stderr
        assert not os.path.exists(d)  # nothing started, nothing written
