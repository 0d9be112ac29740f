"""The console's Jobs and Tables API (docs/formats/console-api.md, "Jobs", "Tables") against a
real `kappa up`: records produced with confluent_kafka, a bad one dead-lettered with its
error; rows paged by the console equal what the DataStax driver reads; the query box;
replay through the API (CSRF enforced)."""
import json
import signal
import subprocess
import time
import urllib.error
import urllib.request

from cassandra.cluster import Cluster
from confluent_kafka import Producer

from conftest import KAPPA, free_port, wait_for_port

CONFIG = """
topics:
  - {name: users, partitions: 3}
  - {name: users.dlq, partitions: 1}
keyspaces:
  - name: ks
    replication: {class: SimpleStrategy, replication_factor: 1}
    tables:
      - name: users
        primary_key: [id]
        columns: {id: int, name: text}
jobs:
  - name: users_to_table
    topic: users
    table: ks.users
"""

N = 130  # more rows than a page of every size the test asks for
XSS = '<script>alert("dlq")</script>'


class Console:
    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.token = None

    def call(self, method, path, body=None, token=True):
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if method != "GET" and token:
            if self.token is None:
                self.token = self.call("GET", "/api/console/session")[1]["csrf_token"]
            headers["X-CSRF-Token"] = self.token
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def get(self, path):
        status, doc = self.call("GET", path)
        assert status == 200, (path, status, doc)
        return doc


def start(tmp_path):
    ports = {"kafka": free_port(), "cql": free_port(), "http": free_port(), "console": free_port()}
    cfg = tmp_path / "kappa.yaml"
    cfg.write_text(CONFIG)
    proc = subprocess.Popen([KAPPA, "up", "--config", str(cfg), "--data-dir",
                             str(tmp_path / "data"), "--json"] +
                            [f"--{name}-listen=127.0.0.1:{port}" for name, port in ports.items()],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for p in ports.values():
        wait_for_port(p, timeout=30)
    return proc, ports


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_job(console, pred, timeout=30):
    deadline = time.time() + timeout
    while True:
        job = console.get("/api/console/jobs/users_to_table")
        if pred(job):
            return job
        assert time.time() < deadline, job
        time.sleep(0.1)


def test_jobs_and_tables_api_against_real_clients(tmp_path):
    proc, ports = start(tmp_path)
    try:
        console = Console(ports["console"])
        p = Producer({"bootstrap.servers": f"127.0.0.1:{ports['kafka']}"})
        for i in range(N):
            p.produce("users", key=str(i), value=json.dumps({"id": i, "name": f"user {i}"}))
        p.produce("users", key="bad", value=XSS, partition=0)
        assert p.flush(30) == 0
        job = wait_job(console, lambda j: j["stored"] >= N and j["lag"] == 0)
        assert job["state"] == "running"
        assert job["dead_letters"] == 1
        assert len(job["partitions"]) == 3
        assert sum(pt["end_offset"] for pt in job["partitions"]) == N + 1
        listed = console.get("/api/console/jobs")
        assert [j["name"] for j in listed["items"]] == ["users_to_table"]
        assert listed["next_cursor"] is None

        # The dead letter: the record as produced, with its error header.
        dl = console.get("/api/console/jobs/users_to_table/dead-letters")
        assert len(dl["items"]) == 1, dl
        d = dl["items"][0]
        assert d["value"] == XSS and d["key"] == "bad"
        assert d["error"], d
        headers = {h["key"]: h["value"] for h in d["headers"]}
        assert headers["error"] == d["error"]
        assert headers["source.topic"] == "users"
        assert headers["job"] == "users_to_table"

        # Rows: every page size's pages together equal the driver's rows.
        cluster = Cluster(["127.0.0.1"], port=ports["cql"])
        session = cluster.connect()
        expected = sorted((r.id, r.name) for r in session.execute("SELECT id, name FROM ks.users"))
        assert len(expected) == N
        for limit in (1, 7, 50, N, N + 1):
            got, cursor, pages = [], None, 0
            while True:
                q = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
                page = console.get("/api/console/tables/ks/users/rows" + q)
                assert [c["name"] for c in page["columns"]] == ["id", "name"]
                assert len(page["items"]) <= limit
                got += [(int(r[0]), r[1]) for r in page["items"]]
                cursor = page["next_cursor"]
                pages += 1
                if cursor is None:
                    break
            assert sorted(got) == expected, limit
            assert len(got) == N, limit  # no row twice
        schema = console.get("/api/console/tables/ks/users")
        assert schema["ddl"].startswith("CREATE TABLE ks.users"), schema["ddl"]
        keyspaces = console.get("/api/console/tables")
        assert "users" in next(k for k in keyspaces["items"] if k["name"] == "ks")["tables"]

        # The query box, paged, against the driver's answer to the same statement.
        got, cursor = [], ""
        while True:
            status, r = console.call("POST", "/api/console/tables/query",
                                     {"statement": "SELECT id, name FROM users", "keyspace": "ks",
                                      "limit": 40, "cursor": cursor})
            assert status == 200, r
            assert r["kind"] == "rows"
            got += [(int(x[0]), x[1]) for x in r["items"]]
            if r["next_cursor"] is None:
                break
            cursor = r["next_cursor"]
        assert sorted(got) == expected
        status, r = console.call("POST", "/api/console/tables/query",
                                 {"statement": "SELECT name FROM ks.users WHERE id = 42"})
        assert status == 200 and r["items"] == [[row.name] for row in
                                                  session.execute("SELECT name FROM ks.users WHERE id = 42")]
        status, r = console.call("POST", "/api/console/tables/query",
                                 {"statement": "SELECT * FROM ks.nope"})
        assert status == 400 and "nope" in r["message"], r
        cluster.shutdown()

        # Replay: refused without the CSRF token, then from the start with it.
        status, _ = console.call("POST", "/api/console/jobs/users_to_table/replay",
                                 {"to": "earliest"}, token=False)
        assert status == 403
        before = job["stored"]
        status, r = console.call("POST", "/api/console/jobs/users_to_table/replay", {"to": "earliest"})
        assert status == 200, r
        job = wait_job(console, lambda j: j["stored"] >= before + N and j["lag"] == 0)
        assert job["state"] == "running"
        status, r = console.call("POST", "/api/console/jobs/nope/replay", {"to": "earliest"})
        assert status == 404
        status, r = console.call("POST", "/api/console/jobs/users_to_table/replay", {"to": "soon"})
        assert status == 400
    finally:
        stop(proc)
