"""The console core's JSON API against a real `kappa up` (docs/formats/console-api.md):
session and CSRF, the Host check, assets, the overview's figures, series and live stream
after confluent_kafka produced records, `kappa console hash-password`, and the refusals
off loopback. Python's urllib is the client."""
import hashlib
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from conftest import KAPPA, kappa


def up_json(data_dir):
    with open(os.path.join(data_dir, "up.json")) as f:
        return json.load(f)


@pytest.fixture(scope="module")
def up(tmp_path_factory):
    d = str(tmp_path_factory.mktemp("console") / "data")
    p = subprocess.Popen([KAPPA, "up", "--data-dir", d, "--kafka-listen", "127.0.0.1:0",
                          "--cql-listen", "127.0.0.1:0", "--http-listen", "127.0.0.1:0",
                          "--console-listen", "127.0.0.1:0"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            e = up_json(d)
            if e.get("console"):
                break
        except (OSError, ValueError):
            pass
        assert p.poll() is None, p.stderr.read()
        time.sleep(0.1)
    else:
        p.kill()
        raise AssertionError("kappa up did not report its console")
    yield {"base": "http://" + e["console"], "kafka": e["kafka"], "data_dir": d}
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()


def call(base, path, method="GET", body=None, headers=None):
    """(status, headers, parsed JSON or text)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, data=data, method=method, headers=headers or {})
    if data is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            raw, status, h = r.read(), r.status, r.headers
    except urllib.error.HTTPError as e:
        raw, status, h = e.read(), e.code, e.headers
    try:
        return status, h, json.loads(raw)
    except ValueError:
        return status, h, raw.decode("utf-8", "replace")


def test_session_csrf_and_host(up):
    base = up["base"]
    status, h, s = call(base, "/api/console/session")
    assert status == 200
    assert s["auth_required"] is False and s["user"] is None
    assert len(s["csrf_token"]) == 64
    assert h["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in h["Content-Security-Policy"]

    status, _, err = call(base, "/api/console/logout", "POST")
    assert status == 403 and err["error_code"] == 40301
    status, _, _ = call(base, "/api/console/logout", "POST",
                        headers={"X-CSRF-Token": s["csrf_token"]})
    assert status == 200

    # DNS rebinding: another name resolving to 127.0.0.1 is refused in open mode.
    status, _, err = call(base, "/api/console/overview", headers={"Host": "attacker.example"})
    assert status == 403 and "loopback" in err["message"]
    status, _, _ = call(base, "/api/console/overview",
                        headers={"Host": "localhost:" + base.rsplit(":", 1)[1]})
    assert status == 200


def test_pages_and_assets(up):
    base = up["base"]
    status, h, html = call(base, "/")
    assert status == 200 and h["Content-Type"].startswith("text/html")
    assert '<script type="module" src="/assets/app.js">' in html
    for path in ["/assets/app.js", "/assets/lib/dom.js", "/assets/lib/api.js",
                 "/assets/lib/table.js", "/assets/lib/chart.js", "/assets/lib/sse.js",
                 "/assets/lib/ui.js", "/assets/pages/index.js", "/assets/pages/overview.js"]:
        req = urllib.request.Request(base + path)
        with urllib.request.urlopen(req, timeout=10) as r:
            assert r.status == 200, path
            assert r.headers["Content-Type"] == "text/javascript; charset=utf-8", path
            etag = r.headers["ETag"]
        req = urllib.request.Request(base + path, headers={"If-None-Match": etag})
        try:
            urllib.request.urlopen(req, timeout=10)
            raise AssertionError("expected 304 for " + path)
        except urllib.error.HTTPError as e:
            assert e.code == 304, path
    status, _, _ = call(base, "/assets/nothing.js")
    assert status == 404


def test_overview_counts_what_a_client_produced(up):
    from confluent_kafka import Producer
    base = up["base"]
    _, _, before = call(base, "/api/console/overview")
    assert before["history"] is True
    assert {"kafka", "cql", "http", "console"} <= {l["name"] for l in before["listeners"]}
    assert [l["address"] for l in before["listeners"] if l["name"] == "kafka"] == [up["kafka"]]
    assert [l["address"] for l in before["listeners"]
            if l["name"] == "console"] == [up["base"][len("http://"):]]
    assert before["rss_bytes"] > 10 << 20
    assert [j["job"] for j in before["jobs"]] == ["users_to_cassandra"]

    p = Producer({"bootstrap.servers": up["kafka"]})
    for i in range(300):
        row = {"id": f"00000000-0000-4000-8000-{i:012d}", "first_name": "A", "last_name": "B",
               "gender": "x", "address": "x", "post_code": "1", "email": "e",
               "username": f"u{i}", "dob": "d", "registered_date": "r", "phone": "p",
               "picture": "p"}
        p.produce("users_created", json.dumps(row).encode())
    p.produce("users_created", b"not json: a dead letter")
    assert p.flush(30) == 0

    # Within a few ticks of the History (1 s), the series show the 300 records.
    deadline = time.time() + 20
    while time.time() < deadline:
        _, _, series = call(base, "/api/console/overview/series?seconds=60")
        produced = sum(v for _, v in series["produced"] if v is not None)
        stored = sum(v for _, v in series["stored"] if v is not None)
        dead = sum(v for _, v in series["dead_lettered"] if v is not None)
        if produced >= 301 and stored >= 300 and dead >= 1:
            break
        time.sleep(0.5)
    # At least ours: the seed's DAG (user_automation, catchup off) may run its producer too.
    assert produced >= 301 and stored >= 300 and dead >= 1, series
    assert len(series["produced"]) == 60
    times = [t for t, _ in series["produced"]]
    assert times == list(range(times[0], times[0] + 60))
    assert any(v is not None and v > 0 for _, v in series["latency"])

    _, _, o = call(base, "/api/console/overview")
    assert o["disk"]["log_bytes"] > 0 and o["disk"]["store_bytes"] > 0
    assert o["uptime_seconds"] >= 0 and o["version"]

    # Prometheus users see the latency series the overview charts.
    _, _, up_eps = None, None, up_json(up["data_dir"])
    with urllib.request.urlopen("http://" + up_eps["http"] + "/metrics", timeout=10) as r:
        metrics = r.read().decode()
    assert 'kappa_job_end_to_end_latency_seconds_count{job="users_to_cassandra"}' in metrics

    status, _, err = call(base, "/api/console/overview/series?seconds=0")
    assert status == 400 and "seconds" in err["message"]


def test_overview_stream_sends_events(up):
    req = urllib.request.Request(up["base"] + "/api/console/overview/stream")
    with urllib.request.urlopen(req, timeout=10) as r:
        assert r.headers["Content-Type"].startswith("text/event-stream")
        events = []
        event = None
        while len(events) < 2:
            line = r.readline().decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                events.append((event, json.loads(line[6:])))
    for name, data in events:
        assert name == "overview"
        assert set(data["series"]) == {"produced", "stored", "dead_lettered", "lag", "latency"}
        assert len(data["series"]["produced"]) == 5
        assert data["figures"]["version"]
    # One a second: the second event is a later tick.
    assert events[1][1]["series"]["produced"][-1][0] > events[0][1]["series"]["produced"][-1][0]


def test_hash_password_command():
    p = kappa("console", "hash-password", "--iterations", "1000", input="my own phrase\n")
    h = p.stdout.strip()
    assert h.startswith("pbkdf2-sha512$1000$") and len(h.split("$")) == 4
    p = kappa("console", "hash-password", "--user", "ops", input="ops\n", check=False)
    assert p.returncode == 2 and "well known" in p.stderr
    p = kappa("console", "hash-password", input="admin\n", check=False)
    assert p.returncode == 2


def test_refusals_off_loopback(tmp_path):
    # No users: --check already refuses.
    p = kappa("up", "--check", "--data-dir", tmp_path / "d", "--console-listen", "0.0.0.0:0",
              check=False)
    assert p.returncode == 2 and "console.users" in p.stderr
    # A password given in clear is refused at load.
    cfg = tmp_path / "k.yaml"
    base = kappa("up", "--print-default-config").stdout
    cfg.write_text(base + "\nconsole:\n  users:\n    - {name: ops, password: hunter2}\n")
    p = kappa("up", "--check", "--config", cfg, "--data-dir", tmp_path / "d", check=False)
    assert p.returncode == 2 and "password_hash" in p.stderr
    # A hash made by Python's hashlib (an independent PBKDF2) of a well-known password,
    # off loopback: the console refuses to start, naming the rule.
    cfg.write_text(base + "\nconsole:\n  users:\n    - {name: ops, password_hash: \"%s\"}\n"
                   % python_hash("changeme"))
    p = kappa("up", "--config", cfg, "--data-dir", tmp_path / "d2", "--kafka-listen", "off",
              "--cql-listen", "off", "--http-listen", "off", "--console-listen", "0.0.0.0:0",
              "--duration", "1s", check=False, timeout=120)
    assert p.returncode != 0 and "well-known" in p.stderr, p.stderr[-2000:]


def python_hash(password, iterations=1000):
    salt = os.urandom(16)
    key = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations, 64)
    return f"pbkdf2-sha512${iterations}${salt.hex()}${key.hex()}"


def test_login_with_a_hash_made_elsewhere(tmp_path):
    """console.users with a hash from Python's hashlib: kappa's PBKDF2 agrees, the login
    works, and the session cookie carries the flags."""
    cfg = tmp_path / "k.yaml"
    cfg.write_text(kappa("up", "--print-default-config").stdout +
                   "\nconsole:\n  users:\n    - {name: ops, password_hash: \"%s\"}\n"
                   % python_hash("blue whale on a bicycle"))
    d = str(tmp_path / "d")
    p = subprocess.Popen([KAPPA, "up", "--config", cfg, "--data-dir", d, "--kafka-listen", "off",
                          "--cql-listen", "off", "--http-listen", "off",
                          "--console-listen", "127.0.0.1:0"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                base = "http://" + up_json(d)["console"]
                break
            except (OSError, ValueError, KeyError):
                assert p.poll() is None, p.stderr.read()
                time.sleep(0.1)
        status, _, _ = call(base, "/api/console/overview")
        assert status == 401
        status, _, err = call(base, "/api/console/login", "POST",
                              {"user": "ops", "password": "blue whale"})
        assert status == 401 and err["error_code"] == 40101
        status, h, ok = call(base, "/api/console/login", "POST",
                             {"user": "ops", "password": "blue whale on a bicycle"})
        assert status == 200 and ok["user"] == "ops"
        cookie = h["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        pair = cookie.split(";")[0]
        status, _, o = call(base, "/api/console/overview", headers={"Cookie": pair})
        assert status == 200 and o["version"]
        # Any Host works once users are configured (the login protects).
        status, _, _ = call(base, "/api/console/overview",
                            headers={"Cookie": pair, "Host": "console.example"})
        assert status == 200
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=30)
