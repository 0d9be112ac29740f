"""The orchestrator's API items of issue 22 against a real `kappa up` (a small config of
`command` tasks, no pipeline): `kappa dags backfill` through kappa's backfill route, the
per-try log cap and paged log reads, and history retention (old runs pruned with their task
instances and logs, and a deleted run's logs gone too)."""
import json
import signal
import subprocess
import time

import requests

from conftest import KAPPA, free_port, kappa, wait_for_port

DAG = "lines"


def write_config(tmp_path, orchestrator="", command="echo hello {{ ds }}"):
    text = f"""orchestrator:
  allow_commands: true
{orchestrator}
dags:
  - id: {DAG}
    start_date: 2023-09-01
    schedule: "@daily"
    catchup: false
    paused: true
    tasks:
      - id: say
        type: command
        command: {json.dumps(command)}
"""
    path = tmp_path / "kappa.yaml"
    path.write_text(text)
    return str(path)


class Up:
    def __init__(self, data_dir, config):
        self.data_dir = data_dir
        self.http = free_port()
        self.proc = subprocess.Popen(
            [KAPPA, "up", "--data-dir", data_dir, "--config", config, "--kafka-listen",
             "127.0.0.1:0", "--cql-listen", "127.0.0.1:0", "--http-listen",
             f"127.0.0.1:{self.http}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for_port(self.http, timeout=30)
        self.base = f"http://127.0.0.1:{self.http}/api/v1"

    def get(self, path, **kw):
        r = requests.get(self.base + path, timeout=10, **kw)
        assert r.status_code == 200, (path, r.status_code, r.text)
        return r.json()

    def runs(self):
        return self.get(f"/dags/{DAG}/dagRuns?order_by=execution_date")["dag_runs"]

    def wait_finished(self, n, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            runs = self.runs()
            if len(runs) >= n and all(r["state"] in ("success", "failed") for r in runs):
                return runs
            time.sleep(0.1)
        raise AssertionError(f"runs did not finish: {self.runs()}")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        _, err = self.proc.communicate(timeout=60)
        assert self.proc.returncode == 0, err[-3000:]


def test_backfill_through_a_running_kappa_up(tmp_path):
    d = str(tmp_path / "data")
    up = Up(d, write_config(tmp_path))
    try:
        # The CLI finds the kappa up that owns --data-dir and uses its backfill route.
        out = kappa("dags", "backfill", DAG, "--start", "2023-09-02", "--end", "2023-09-04",
                    "--data-dir", d).stdout
        assert out.startswith("queued 3 backfill runs of lines"), out
        runs = up.wait_finished(3)
        assert [r["dag_run_id"] for r in runs] == \
            [f"backfill__2023-09-0{i}T00:00:00+00:00" for i in (2, 3, 4)]
        assert all(r["state"] == "success" and r["run_type"] == "backfill" for r in runs), runs
        log = kappa("tasks", "logs", DAG, "say", "--run", runs[0]["dag_run_id"],
                    "--data-dir", d).stdout
        assert "hello 2023-09-02" in log
        # Again: every interval has its run.
        out = kappa("dags", "backfill", DAG, "--start", "2023-09-02", "--end", "2023-09-04",
                    "--data-dir", d).stdout
        assert out.startswith("queued 0 backfill runs"), out
    finally:
        up.stop()
    # Acknowledged, so durable: the history read offline has the three runs.
    listed = json.loads(kappa("dags", "runs", DAG, "--data-dir", d, "--json").stdout)
    assert listed["total_entries"] == 3
