"""The orchestrator's API items of issue 22 against a real `kappa up` (a small config of
`command` tasks, no pipeline): `kappa dags backfill` through kappa's backfill route, the
per-try log cap and paged log reads, and history retention (old runs pruned with their task
instances and logs, and a deleted run's logs gone too)."""
import base64
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
        self.cql = free_port()
        self.proc = subprocess.Popen(
            [KAPPA, "up", "--data-dir", data_dir, "--config", config, "--kafka-listen",
             "127.0.0.1:0", "--cql-listen", f"127.0.0.1:{self.cql}", "--http-listen",
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


LINE = "x" * 100  # 101 bytes in the log with its newline


def test_a_tries_log_is_capped_and_read_in_pages(tmp_path):
    d = str(tmp_path / "data")
    cap = 3 << 20
    # 40,000 lines of 101 bytes (about 4 MB): the log stops at 3 MiB with one marker line.
    up = Up(d, write_config(tmp_path, "  task_log_max_bytes: 3MiB",
                            f"yes {LINE} | head -n 40000"))
    try:
        requests.patch(f"{up.base}/dags/{DAG}?update_mask=is_paused", json={"is_paused": False},
                       timeout=10).raise_for_status()
        runs = up.wait_finished(1)
        assert runs[0]["state"] == "success", runs
        logs = f"{up.base}/dags/{DAG}/dagRuns/{runs[0]['dag_run_id']}/taskInstances/say/logs/1"
        # JSON: one page (at most 1 MiB) per request, the token to go on, end_of_log at last.
        pages, token, content = 0, None, ""
        while True:
            pages += 1
            assert pages < 10
            r = requests.get(logs, params={"token": token} if token else {},
                             headers={"Accept": "application/json"}, timeout=10)
            assert r.status_code == 200, r.text
            page = r.json()
            assert len(page["content"].encode()) <= 1 << 20
            content += page["content"]
            token = page["continuation_token"]
            meta = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            if meta["end_of_log"]:
                break
        assert pages == 4, pages
        full = requests.get(logs, params={"full_content": "true"},
                            headers={"Accept": "application/json"}, timeout=10).json()["content"]
        text = requests.get(logs, headers={"Accept": "text/plain"}, timeout=10).text
        assert content == full == text
        lines = content.split("\n")[:-1]
        assert lines[-1].startswith("[log truncated: this try's log reached its cap of 3145728 bytes")
        kept = lines[:-1]
        used = sum(len(l.encode()) + 1 for l in kept)
        assert cap - 101 < used <= cap, used  # the next line would have passed the cap
        assert kept[0].startswith("$ yes ") and kept[1:] == [LINE] * (len(kept) - 1)
        # The CLI reads it whole too.
        out = kappa("tasks", "logs", DAG, "say", "--run", runs[0]["dag_run_id"], "--data-dir", d).stdout
        assert out.count(LINE + "\n") == len(kept) - 1 and "[log truncated" in out
    finally:
        up.stop()


def test_history_retention_prunes_old_runs_with_their_logs(tmp_path):
    from cassandra.cluster import Cluster

    d = str(tmp_path / "data")
    up = Up(d, write_config(tmp_path, "  history_retention: {max_age: 0, max_runs_per_dag: 2}"))
    cluster = None
    try:
        kappa("dags", "backfill", DAG, "--start", "2023-09-02", "--end", "2023-09-06",
              "--data-dir", d)
        ids = [f"backfill__2023-09-0{i}T00:00:00+00:00" for i in range(2, 7)]
        deadline = time.time() + 60
        while [r["dag_run_id"] for r in up.runs()] != ids[3:] and time.time() < deadline:
            time.sleep(0.1)
        runs = up.runs()
        assert [r["dag_run_id"] for r in runs] == ids[3:], runs
        assert all(r["state"] == "success" for r in runs)
        assert requests.get(f"{up.base}/dags/{DAG}/dagRuns/{ids[0]}", timeout=10).status_code == 404
        # The store has nothing left of the pruned runs (the DataStax driver reads kappa_meta).
        cluster = Cluster(["127.0.0.1"], port=up.cql)
        session = cluster.connect()
        q = ("SELECT line FROM kappa_meta.task_logs WHERE dag_id = %s AND run_id = %s "
             "AND task_id = 'say' AND try_number = 1")
        for run_id in ids[:3]:
            assert list(session.execute(q, (DAG, run_id))) == [], run_id
            assert list(session.execute(
                "SELECT task_id FROM kappa_meta.task_instances WHERE dag_id = %s AND run_id = %s",
                (DAG, run_id))) == []
        for run_id in ids[3:]:
            lines = [r.line for r in session.execute(q, (DAG, run_id))]
            assert f"hello 2023-09-0{run_id[19]}" in lines, lines
        stored = [r.run_id for r in session.execute(
            "SELECT run_id FROM kappa_meta.dag_runs WHERE dag_id = %s", (DAG,))]
        assert stored == ids[3:]
        metrics = requests.get(f"http://127.0.0.1:{up.http}/metrics", timeout=10).text
        assert "kappa_orchestrator_runs_pruned_total 3" in metrics
        # DELETE of a run (Airflow's API) takes its logs too.
        assert requests.delete(f"{up.base}/dags/{DAG}/dagRuns/{ids[3]}", timeout=10).status_code == 204
        assert list(session.execute(q, (DAG, ids[3]))) == []
    finally:
        if cluster:
            cluster.shutdown()
        up.stop()
