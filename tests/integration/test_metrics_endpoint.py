"""`kappa up` serves /health, /ready and /metrics on listeners.http: Debian's promtool accepts
the exposition, and a real Prometheus (Debian's, started here on a free port) scrapes a running
pipeline and answers a PromQL query for the stored-rows rate."""
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from conftest import KAPPA, free_port, wait_for_port  # noqa: E402


def get(port, path, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers or {})
    r = conn.getresponse()
    body = r.read()
    conn.close()
    return r.status, dict(r.getheaders()), body


@pytest.fixture
def up(tmp_path):
    d = str(tmp_path / "data")
    hport = free_port()
    proc = subprocess.Popen(
        [KAPPA, "up", "--data-dir", d, "--kafka-listen", f"127.0.0.1:{free_port()}",
         "--cql-listen", f"127.0.0.1:{free_port()}", "--http-listen", f"127.0.0.1:{hport}"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(hport)
        yield proc, hport, d
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err[-3000:]


def wait_ready(port, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        status, _, body = get(port, "/ready")
        if status == 200:
            return json.loads(body)
        time.sleep(0.1)
    raise AssertionError(f"/ready never 200: {status} {body!r}")


def test_health_ready_and_metrics(up):
    _, port, _ = up
    status, headers, body = get(port, "/health")
    assert status == 200 and json.loads(body)["status"] == "UP"
    wait_ready(port)
    # An unknown path is counted under "unmatched", never under its raw path.
    status, _, _ = get(port, "/no/such/path")
    assert status == 404
    time.sleep(1.5)
    status, headers, body = get(port, "/metrics")
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = body.decode()
    for name in ("kappa_job_rows_stored_total", "kappa_producer_records_total",
                 "kappa_log_appended_records_total", "kappa_job_lag_records",
                 "kappa_http_requests_total", "process_resident_memory_bytes",
                 "process_open_fds", "process_cpu_seconds_total",
                 "kappa_job_commit_duration_seconds_bucket", "kappa_group_lag_records{",
                 "kappa_kafka_connections_open", "kappa_store_live_sst_bytes"):
        assert name in text, name
    assert 'route="unmatched"' in text and "/no/such/path" not in text
    assert 'kappa_http_requests_total{listener="http",route="/health",code="200"} 1' in text, text
    check = subprocess.run(["promtool", "check", "metrics"], input=body, capture_output=True,
                           timeout=30)
    assert check.returncode == 0, check.stdout.decode() + check.stderr.decode()
    # gzip when asked, as Prometheus asks.
    status, headers, zbody = get(port, "/metrics", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("Content-Encoding") == "gzip"


def test_a_real_prometheus_scrapes_the_stored_rows_rate(up, tmp_path):
    _, port, _ = up
    prom = shutil.which("prometheus")
    assert prom, "Debian's prometheus is installed by scripts/install-deps.sh --test"
    wait_ready(port)
    pport = free_port()
    cfg = tmp_path / "prometheus.yml"
    cfg.write_text(f"""global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: kappa
    static_configs:
      - targets: ['127.0.0.1:{port}']
""")
    p = subprocess.Popen([prom, f"--config.file={cfg}", f"--storage.tsdb.path={tmp_path}/tsdb",
                          f"--web.listen-address=127.0.0.1:{pport}"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(pport, timeout=30)
        q = urllib.parse.quote('sum(rate(kappa_job_rows_stored_total[5s]))')
        deadline = time.time() + 45
        value = doc = None
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(
                        f"http://127.0.0.1:{pport}/api/v1/query?query={q}", timeout=10) as r:
                    doc = json.load(r)
            except urllib.error.HTTPError as e:  # 503 while Prometheus starts its TSDB
                if e.code != 503:
                    raise
                time.sleep(0.5)
                continue
            assert doc["status"] == "success", doc
            result = doc["data"]["result"]
            if result and float(result[0]["value"][1]) > 0:
                value = float(result[0]["value"][1])
                break
            time.sleep(0.5)
        assert value is not None and value > 0, doc
        # The scrape target is healthy.
        with urllib.request.urlopen(f"http://127.0.0.1:{pport}/api/v1/targets", timeout=10) as r:
            targets = json.load(r)["data"]["activeTargets"]
        assert targets and targets[0]["health"] == "up", targets
    finally:
        p.terminate()
        p.communicate(timeout=30)


def jobs_status(d, job):
    out = subprocess.run([KAPPA, "jobs", "status", job, "--data-dir", d, "--json"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_jobs_status_adds_the_live_figures_of_the_running_up(up):
    proc, port, d = up
    wait_ready(port)
    # up.json names the running process and its listeners.
    with open(os.path.join(d, "up.json")) as f:
        endpoints = json.load(f)
    assert endpoints["pid"] == proc.pid
    assert endpoints["http"] == f"127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        st = jobs_status(d, "users_to_cassandra")
        live = st.get("live")
        if live and live.get("rows_stored_total", 0) > 0:
            break
        assert time.time() < deadline, st
        time.sleep(0.3)
    assert live["pid"] == proc.pid
    assert live["metrics"] == f"http://127.0.0.1:{port}/metrics"
    for name in ("records_consumed_total", "rows_stored_total", "lag_records",
                 "dead_letters_total", "commits_total"):
        assert name in live, live
    text = subprocess.run([KAPPA, "jobs", "status", "users_to_cassandra", "--data-dir", d],
                          capture_output=True, text=True, timeout=60)
    assert text.returncode == 0, text.stderr
    assert f"live in kappa up (pid {proc.pid}" in text.stdout


def test_a_killed_ups_endpoints_file_is_ignored(tmp_path):
    d = str(tmp_path / "data")
    hport = free_port()
    proc = subprocess.Popen(
        [KAPPA, "up", "--data-dir", d, "--kafka-listen", "off", "--cql-listen", "off",
         "--http-listen", f"127.0.0.1:{hport}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(hport)
        wait_ready(hport)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert os.path.exists(os.path.join(d, "up.json"))  # left behind by kill -9
    st = jobs_status(d, "users_to_cassandra")
    assert "live" not in st
