"""The console's Schemas and DAGs API (/api/console/schemas/..., /api/console/dags/...;
docs/formats/console-api.md) against a real `kappa up` running the seed's config: schemas
registered with Confluent's own SchemaRegistryClient read back the same through the
console; the DAG list, grid, logs, trigger and pause agree with Airflow's REST API v1 of the
same process; state changes need the CSRF token."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest
import requests
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from conftest import KAPPA, free_port, wait_for, wait_for_port  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DAG = "user_automation"
TASK = "stream_data_from_api"
XSS = "<img src=x onerror=alert(1)>"

V1 = json.dumps({"type": "record", "name": "User", "namespace": "com.acme", "fields": [
    {"name": "name", "type": "string"}]})
V2 = json.dumps({"type": "record", "name": "User", "namespace": "com.acme", "fields": [
    {"name": "name", "type": "string"}, {"name": "age", "type": "int", "default": 0}]})


class Up:
    """kappa up with the seed's config (a 2 s task), its HTTP and console listeners on free
    ports."""

    def __init__(self, tmp_path):
        self.http, self.console = free_port(), free_port()
        text = open(os.path.join(ROOT, "config", "kappa.yaml")).read()
        assert "        duration: 60s\n" in text
        cfg = tmp_path / "kappa.yaml"
        cfg.write_text(text.replace("        duration: 60s\n", "        duration: 2s\n"))
        self.log = open(tmp_path / "kappa-up.log", "w+")
        self.proc = subprocess.Popen(
            [KAPPA, "up", "--config", str(cfg), "--data-dir", str(tmp_path / "data"),
             "--kafka-listen", "127.0.0.1:0", "--cql-listen", "127.0.0.1:0",
             "--http-listen", f"127.0.0.1:{self.http}", "--console-listen", f"127.0.0.1:{self.console}"],
            stdout=subprocess.DEVNULL, stderr=self.log, text=True)
        wait_for_port(self.http, timeout=30)
        wait_for_port(self.console, timeout=30)
        self.airflow = f"http://127.0.0.1:{self.http}/api/v1"
        self.registry_url = f"http://127.0.0.1:{self.http}"
        self.base = f"http://127.0.0.1:{self.console}/api/console"
        self.s = requests.Session()
        self.token = self.s.get(self.base + "/session", timeout=10).json()["csrf_token"]

    def get(self, path, status=200, **params):
        r = self.s.get(self.base + path, params=params, timeout=10)
        assert r.status_code == status, (path, r.status_code, r.text)
        return r.json()

    def send(self, method, path, body, status, token=True):
        headers = {"X-CSRF-Token": self.token} if token else {}
        r = self.s.request(method, self.base + path, json=body, headers=headers, timeout=10)
        assert r.status_code == status, (path, r.status_code, r.text)
        return r.json()

    def af(self, path):
        r = requests.get(self.airflow + path, timeout=10)
        assert r.status_code == 200, (path, r.status_code, r.text)
        return r.json()

    def wait_for(self, what, predicate, timeout=60):
        return wait_for(what, predicate, timeout)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)
        self.log.seek(0)
        assert self.proc.returncode == 0, self.log.read()[-3000:]


@pytest.fixture(scope="module")
def up(tmp_path_factory):
    u = Up(tmp_path_factory.mktemp("console-meta"))
    yield u
    u.stop()


def test_schemas_match_confluents_client(up):
    client = SchemaRegistryClient({"url": up.registry_url})
    id1 = client.register_schema("users-value", Schema(V1, "AVRO"))
    id2 = client.register_schema("users-value", Schema(V2, "AVRO"))
    client.register_schema(XSS + "-value", Schema(V1, "AVRO"))

    subjects = []
    cursor = None
    while True:  # one subject a page: every page boundary
        page = up.get("/schemas/subjects", limit=1, **({"cursor": cursor} if cursor else {}))
        subjects += [s["subject"] for s in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert subjects == sorted(client.get_subjects()), subjects
    assert XSS + "-value" in subjects

    s = up.get("/schemas/subjects/users-value")
    assert s["versions"] == len(client.get_versions("users-value")) == 2
    assert s["latest"]["id"] == id2 and s["compatibility"]["level"] == client.get_compatibility()
    versions = up.get("/schemas/subjects/users-value/versions")["items"]
    assert [(v["version"], v["id"]) for v in versions] == [(2, id2), (1, id1)]
    for v in (1, 2):
        mine = up.get(f"/schemas/subjects/users-value/versions/{v}")
        theirs = client.get_version("users-value", v)
        assert mine["schema"] == theirs.schema.schema_str and mine["id"] == theirs.schema_id
        assert json.loads(mine["pretty"]) == json.loads(theirs.schema.schema_str)
    # A subject name with '/' and markup goes through the path percent-encoded.
    assert up.get("/schemas/subjects/" + requests.utils.quote(XSS + "-value", safe=""))["subject"] \
        == XSS + "-value"

    d = up.get("/schemas/subjects/users-value/diff", **{"from": 1, "to": 2})
    added = [l["text"] for l in d["lines"] if l["op"] == "+"]
    assert any('"age"' in t for t in added) and d["removed"] == 0, d
    # The verdict is the registry's own: what Confluent's client is told for V2 against v1.
    assert d["compatibility"]["compatible"] == client.test_compatibility("users-value", Schema(V2, "AVRO"), 1)
    e = up.get("/schemas/subjects/nope", status=404)
    assert e["error_code"] == 40401


def test_dags_agree_with_airflows_rest_api(up):
    page = up.get("/dags")
    ids = [d["dag_id"] for d in page["items"]]
    assert ids == sorted(d["dag_id"] for d in up.af("/dags")["dags"]) and DAG in ids
    row = next(d for d in page["items"] if d["dag_id"] == DAG)
    af = up.af(f"/dags/{DAG}")
    assert row["is_paused"] == af["is_paused"] and row["owner"] == af["owners"][0]
    assert row["schedule"] == "@daily"

    # The start runs the latest interval (catchup: false); wait for its task to finish.
    run = up.wait_for("the scheduled run's task", lambda: (lambda g: g["items"][0] if g["items"] and
                      (g["items"][0]["task_instances"].get(TASK) or {}).get("state") in ("success", "failed")
                      else None)(up.get(f"/dags/{DAG}/grid")))
    af_runs = {r["dag_run_id"]: r for r in up.af(f"/dags/{DAG}/dagRuns")["dag_runs"]}
    assert run["run_id"] in af_runs
    ti = up.af(f"/dags/{DAG}/dagRuns/{run['run_id']}/taskInstances/{TASK}")
    assert run["task_instances"][TASK]["state"] == ti["state"]
    logs = up.get(f"/dags/{DAG}/runs/{requests.utils.quote(run['run_id'], safe='')}/tasks/{TASK}/logs")
    text = requests.get(f"{up.airflow}/dags/{DAG}/dagRuns/{run['run_id']}/taskInstances/{TASK}/logs/"
                        f"{logs['try_number']}", headers={"Accept": "text/plain"}, timeout=10).text
    assert logs["items"] and all(line in text for line in logs["items"]), (logs, text)


def test_trigger_and_pause_change_what_airflows_api_says(up):
    # Without the CSRF token: refused, nothing created.
    before = up.af(f"/dags/{DAG}/dagRuns")["total_entries"]
    up.send("POST", f"/dags/{DAG}/runs", {"conf": {}}, 403, token=False)
    assert up.af(f"/dags/{DAG}/dagRuns")["total_entries"] == before

    run = up.send("POST", f"/dags/{DAG}/runs", {"conf": {"who": XSS}}, 201)
    af = up.af(f"/dags/{DAG}/dagRuns/{run['run_id']}")
    assert af["conf"] == {"who": XSS} and af["run_type"] == "manual"
    up.send("POST", f"/dags/{DAG}/runs", {"conf": [1]}, 400)

    assert up.send("PUT", f"/dags/{DAG}/paused", {"paused": True}, 200)["is_paused"] is True
    assert up.af(f"/dags/{DAG}")["is_paused"] is True
    assert up.send("PUT", f"/dags/{DAG}/paused", {"paused": False}, 200)["is_paused"] is False
    assert up.af(f"/dags/{DAG}")["is_paused"] is False
    up.send("PUT", "/dags/nope/paused", {"paused": True}, 404)
