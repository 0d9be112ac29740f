"""kappa's Airflow REST API v1 driven with python-requests, every answer validated against
JSON Schemas of Airflow's OpenAPI components (airflow_openapi.json, python3-jsonschema).

The server is build/src/orchestrator/orchestrator_rest_tool: AddAirflowRoutes on kappa's
HTTP server over the FakeOrchestrator and its example history (src/orchestrator/
fake_seed.cc: user_automation with three daily runs, etl_pipeline with four tasks,
manual_only, every_15m). Each test gets its own server, so mutations do not leak."""
import json
import os
import subprocess
from pathlib import Path

import pytest
import requests
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parents[2]
TOOL = Path(os.environ.get("KAPPA_ORCH_REST_TOOL") or
            Path(os.environ.get("KAPPA_BIN", ROOT / "build" / "kappa")).parent /
            "src" / "orchestrator" / "orchestrator_rest_tool")
SPEC = json.loads((Path(__file__).parent / "airflow_openapi.json").read_text())
Draft202012Validator.check_schema(SPEC)

UA = "/api/v1/dags/user_automation"
ETL = "/api/v1/dags/etl_pipeline"
FAILED_ETL_RUN = "scheduled__2023-09-10T00:30:00+00:00"
RUNNING_UA_RUN = "scheduled__2023-09-11T00:00:00+00:00"


def validator(name):
    return Draft202012Validator({"$ref": f"#/$defs/{name}", "$defs": SPEC["$defs"]})


class Api:
    def __init__(self, *args):
        assert TOOL.exists(), f"{TOOL} is missing: cmake --build build --target orchestrator_rest_tool"
        self.proc = subprocess.Popen([str(TOOL), *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        # kappa's log lines come first on stdout; the tool's own line says where it listens.
        seen = []
        for line in self.proc.stdout:
            if line.startswith("listening on "):
                break
            seen.append(line)
        else:
            self.proc.kill()
            raise AssertionError("orchestrator_rest_tool did not start: " + "".join(seen))
        self.base = "http://" + line.split()[-1]
        self.session = requests.Session()

    def close(self):
        self.session.close()
        self.proc.stdin.close()
        self.proc.wait(timeout=10)
        self.proc.stdout.close()
        self.proc.stderr.close()

    def call(self, method, path, schema=None, status=200, **kw):
        r = self.session.request(method, self.base + path, timeout=10, **kw)
        assert r.status_code == status, f"{method} {path}: {r.status_code} {r.text}"
        if status >= 400:
            assert r.headers["Content-Type"] == "application/problem+json"
            body = r.json()
            errors = sorted(validator("Error").iter_errors(body), key=str)
            assert not errors, f"{path}: {errors[0].message} in {body}"
            assert body["status"] == status
            return body
        if schema is None:
            return r
        assert r.headers["Content-Type"] == "application/json"
        body = r.json()
        errors = sorted(validator(schema).iter_errors(body), key=str)
        assert not errors, f"{path} as {schema}: {errors[0].message} at {list(errors[0].path)}"
        return body

    def get(self, path, schema, status=200, **kw):
        return self.call("GET", path, schema, status, **kw)


@pytest.fixture
def api():
    a = Api()
    yield a
    a.close()


@pytest.fixture
def real():
    """The real Scheduler (virtual time) after five days of two DAGs."""
    a = Api("--scheduler")
    yield a
    a.close()


def test_dags_list_get_details_tasks(api):
    dags = api.get("/api/v1/dags", "DAGCollection")
    assert dags["total_entries"] == 3
    assert [d["dag_id"] for d in dags["dags"]] == ["etl_pipeline", "manual_only", "user_automation"]
    ua = dags["dags"][2]
    assert ua["owners"] == ["airscholar"]
    assert ua["schedule_interval"] == {"__type": "CronExpression", "value": "@daily"}
    assert ua["next_dagrun"] == "2023-09-12T00:00:00+00:00"
    every = api.get("/api/v1/dags?only_active=false&dag_id_pattern=15", "DAGCollection")
    assert every["dags"][0]["schedule_interval"] == {
        "__type": "TimeDelta", "days": 0, "seconds": 900, "microseconds": 0}
    assert api.get("/api/v1/dags?tags=etl&tags=seed&order_by=-dag_id", "DAGCollection")["dags"][0][
        "dag_id"] == "user_automation"
    assert len(api.get("/api/v1/dags?limit=2&offset=0", "DAGCollection")["dags"]) == 2
    assert api.get(UA, "DAG")["dag_id"] == "user_automation"
    detail = api.get(ETL + "/details", "DAGDetail")
    assert detail["timezone"] == "Timezone('Europe/Paris')" and detail["catchup"] is True
    tasks = api.get(ETL + "/tasks", "TaskCollection")
    assert [t["task_id"] for t in tasks["tasks"]] == ["extract", "load", "notify", "transform"]
    assert api.get(ETL + "/tasks/transform", "Task")["retries"] == 2
    for path in ["/api/v1/dags/manual_only", "/api/v1/dags/manual_only/details"]:
        api.get(path, "DAG" if path.endswith("only") else "DAGDetail")


def test_pause_and_unpause(api):
    body = api.call("PATCH", UA, "DAG", json={"is_paused": True})
    assert body["is_paused"] is True
    assert [d["dag_id"] for d in api.get("/api/v1/dags?paused=true", "DAGCollection")["dags"]] == [
        "manual_only", "user_automation"]
    body = api.call("PATCH", UA + "?update_mask=is_paused", "DAG", json={"is_paused": False})
    assert body["is_paused"] is False
    many = api.call("PATCH", "/api/v1/dags?dag_id_pattern=~", "DAGCollection", json={"is_paused": True})
    assert all(d["is_paused"] for d in many["dags"])


def test_dag_runs(api):
    runs = api.get(UA + "/dagRuns", "DAGRunCollection")
    assert [r["state"] for r in runs["dag_runs"]] == ["success", "failed", "running"]
    # requests encodes '+' in params; Airflow's clients often do not: both work.
    assert len(api.get(UA + "/dagRuns", "DAGRunCollection",
                       params={"execution_date_gte": "2023-09-10T00:00:00+00:00"})["dag_runs"]) == 2
    assert len(api.get(UA + "/dagRuns?execution_date_gte=2023-09-10T00:00:00+00:00",
                       "DAGRunCollection")["dag_runs"]) == 2
    assert api.get(UA + "/dagRuns?state=failed&order_by=-execution_date&end_date_gte=2023-09-01",
                   "DAGRunCollection")["total_entries"] == 1
    every = api.get("/api/v1/dags/~/dagRuns?limit=4", "DAGRunCollection")
    assert every["total_entries"] == 5 and len(every["dag_runs"]) == 4
    one = api.get(UA + "/dagRuns/" + RUNNING_UA_RUN, "DAGRun")
    assert one["state"] == "running" and one["end_date"] is None

    made = api.call("POST", ETL + "/dagRuns", "DAGRun",
                    json={"dag_run_id": "by_hand", "logical_date": "2023-09-20T00:00:00Z",
                          "conf": {"table": "orders"}, "note": "from the test"})
    assert made["run_type"] == "manual" and made["state"] == "queued"
    assert made["conf"] == {"table": "orders"} and made["note"] == "from the test"
    auto = api.call("POST", "/api/v1/dags/manual_only/dagRuns", "DAGRun", json={})
    assert auto["dag_run_id"].startswith("manual__")
    assert api.call("PATCH", ETL + "/dagRuns/by_hand", "DAGRun", json={"state": "failed"})[
        "state"] == "failed"
    assert api.call("PATCH", ETL + "/dagRuns/by_hand/setNote", "DAGRun", json={"note": "ok"})[
        "note"] == "ok"
    r = api.call("DELETE", ETL + "/dagRuns/by_hand", status=204)
    assert r.text == ""
    api.get(ETL + "/dagRuns/by_hand", None, status=404)
    cleared = api.call("POST", UA + "/dagRuns/" + RUNNING_UA_RUN + "/clear",
                       "TaskInstanceReferenceCollection", json={"dry_run": True})
    assert [t["task_id"] for t in cleared["task_instances"]] == ["stream_data_from_api"]


def test_task_instances_and_logs(api):
    tis = api.get(f"{ETL}/dagRuns/{FAILED_ETL_RUN}/taskInstances", "TaskInstanceCollection")
    assert [(t["task_id"], t["state"]) for t in tis["task_instances"]] == [
        ("extract", "success"), ("transform", "failed"), ("load", "upstream_failed"),
        ("notify", "success")]
    assert api.get("/api/v1/dags/~/dagRuns/~/taskInstances?state=failed",
                   "TaskInstanceCollection")["total_entries"] == 2
    assert api.get(f"{ETL}/dagRuns/~/taskInstances?duration_gte=1&limit=1",
                   "TaskInstanceCollection")["total_entries"] == 7
    ti = api.get(f"{ETL}/dagRuns/{FAILED_ETL_RUN}/taskInstances/transform", "TaskInstance")
    assert ti["try_number"] == 3 and ti["max_tries"] == 2

    logs = f"{ETL}/dagRuns/{FAILED_ETL_RUN}/taskInstances/transform/logs"
    j = api.get(logs + "/2", "LogResponse", headers={"Accept": "application/json"})
    assert j["content"] == "try 2: exit status 1\n"
    more = api.get(logs + "/2", "LogResponse", headers={"Accept": "application/json"},
                   params={"token": j["continuation_token"]})
    assert more["content"] == ""
    text = api.call("GET", logs + "/3", headers={"Accept": "text/plain"})
    assert text.headers["Content-Type"].startswith("text/plain") and text.text == "try 3: exit status 1\n"
    # requests sends Accept: */*, which Airflow answers with text too.
    assert api.call("GET", logs + "/1").text == "try 1: exit status 1\n"


def test_clear_task_instances(api):
    clear = ETL + "/clearTaskInstances"
    dry = api.call("POST", clear, "TaskInstanceReferenceCollection",
                   json={"dag_run_id": FAILED_ETL_RUN})
    assert sorted(t["task_id"] for t in dry["task_instances"]) == ["load", "transform"]
    done = api.call("POST", clear, "TaskInstanceReferenceCollection",
                    json={"dry_run": False, "only_failed": False, "task_ids": ["transform"],
                          "include_downstream": True, "reset_dag_runs": True,
                          "dag_run_id": FAILED_ETL_RUN})
    assert sorted(t["task_id"] for t in done["task_instances"]) == ["load", "notify", "transform"]
    assert api.get(f"{ETL}/dagRuns/{FAILED_ETL_RUN}", "DAGRun")["state"] == "queued"
    ti = api.get(f"{ETL}/dagRuns/{FAILED_ETL_RUN}/taskInstances/transform", "TaskInstance")
    assert ti["state"] is None


def test_the_schemas_have_teeth(api):
    """A missing, extra, mistyped or misspelled field fails validation."""
    dag = api.get(UA, "DAG")
    run = api.get(UA + "/dagRuns/" + RUNNING_UA_RUN, "DAGRun")
    ti = api.get(f"{ETL}/dagRuns/{FAILED_ETL_RUN}/taskInstances/load", "TaskInstance")
    broken = [
        ("DAG", {k: v for k, v in dag.items() if k != "is_paused"}),
        ("DAG", {**dag, "is_pasued": False}),
        ("DAG", {**dag, "tags": ["seed"]}),
        ("DAG", {**dag, "schedule_interval": "@daily"}),
        ("DAGRun", {**run, "state": "exploded"}),
        ("DAGRun", {**run, "logical_date": "2023-09-11 00:00:00"}),
        ("TaskInstance", {**ti, "state": "none-ish"}),
        ("TaskInstance", {**ti, "try_number": "1"}),
    ]
    for name, doc in broken:
        assert list(validator(name).iter_errors(doc)), (name, doc)


def test_health_and_version(api):
    h = api.get("/api/v1/health", "HealthInfo")
    assert h["metadatabase"]["status"] == "healthy" and h["scheduler"]["status"] == "healthy"
    assert api.get("/api/v1/version", "VersionInfo")["version"].startswith("2.")


@pytest.mark.parametrize("method,path,kw,status", [
    ("GET", "/api/v1/dags/nope", {}, 404),
    ("GET", "/api/v1/dags/nope/dagRuns", {}, 404),
    ("POST", "/api/v1/dags/nope/dagRuns", {"json": {}}, 404),
    ("GET", UA + "/dagRuns/nope", {}, 404),
    ("GET", f"{UA}/dagRuns/{RUNNING_UA_RUN}/taskInstances/nope", {}, 404),
    ("GET", f"{UA}/dagRuns/{RUNNING_UA_RUN}/taskInstances/stream_data_from_api/logs/9", {}, 404),
    ("POST", UA + "/dagRuns", {"data": "{not json", "headers": {"Content-Type": "application/json"}}, 400),
    ("POST", UA + "/dagRuns", {"json": {"logical_date": "2023-09-20T00:00:00"}}, 400),
    ("POST", UA + "/dagRuns", {"json": {"logical_date": "2023-02-30T00:00:00Z"}}, 400),
    ("POST", UA + "/dagRuns", {"json": {"state": "running"}}, 400),
    ("POST", UA + "/dagRuns", {"json": {"dag_run_id": RUNNING_UA_RUN}}, 409),
    ("GET", UA + "/dagRuns?execution_date_gte=last+week", {}, 400),
    ("GET", "/api/v1/dags?limit=-1", {}, 400),
    ("GET", "/api/v1/dags?offset=-1", {}, 400),
    ("GET", "/api/v1/dags?limit=many", {}, 400),
    ("GET", "/api/v1/dags?order_by=fileloc", {}, 400),
    ("PATCH", UA, {"json": {"is_paused": True, "fileloc": "/etc/passwd"}}, 400),
    ("PATCH", UA + "?update_mask=owners", {"json": {"is_paused": True}}, 400),
    ("PATCH", UA, {"json": {"is_paused": "yes"}}, 400),
    ("PATCH", f"{UA}/dagRuns/{RUNNING_UA_RUN}", {"json": {"state": "running"}}, 400),
    ("POST", ETL + "/clearTaskInstances", {"json": {"task_ids": ["nope"]}}, 400),
    ("POST", ETL + "/clearTaskInstances", {"json": {"only_running": True}}, 400),
    ("POST", ETL + "/clearTaskInstances", {"json": {"dag_run_id": "nope"}}, 404),
])
def test_bad_input(api, method, path, kw, status):
    body = api.call(method, path, status=status, **kw)
    assert body["detail"]
    # The server keeps serving, and nothing changed.
    assert api.get(UA, "DAG")["is_paused"] is False
    assert api.get(UA + "/dagRuns", "DAGRunCollection")["total_entries"] == 3


def test_real_scheduler_history(real):
    """The same API over the engine: every DAG, run, task instance and log validates."""
    dags = real.get("/api/v1/dags", "DAGCollection")
    assert [d["dag_id"] for d in dags["dags"]] == ["etl_pipeline", "user_automation"]
    for d in dags["dags"]:
        real.get(f"/api/v1/dags/{d['dag_id']}/details", "DAGDetail")
        real.get(f"/api/v1/dags/{d['dag_id']}/tasks", "TaskCollection")
    runs = real.get("/api/v1/dags/~/dagRuns", "DAGRunCollection")
    assert runs["total_entries"] >= 8
    assert {r["state"] for r in runs["dag_runs"]} == {"success"}
    tis = real.get("/api/v1/dags/~/dagRuns/~/taskInstances?limit=100", "TaskInstanceCollection")
    assert tis["total_entries"] == len(tis["task_instances"]) >= 20
    transform = [t for t in tis["task_instances"] if t["task_id"] == "transform"]
    assert transform and all(t["try_number"] == 2 and t["state"] == "success" for t in transform)
    t = transform[0]
    logs = (f"/api/v1/dags/etl_pipeline/dagRuns/{t['dag_run_id']}/taskInstances/transform/logs")
    first = real.get(logs + "/1", "LogResponse", headers={"Accept": "application/json"})
    assert "first try fails" in first["content"]
    assert "ok" in real.call("GET", logs + "/2", headers={"Accept": "text/plain"}).text
    ua = real.get("/api/v1/dags/user_automation/dagRuns?order_by=-execution_date&limit=1",
                  "DAGRunCollection")["dag_runs"][0]
    ti = real.get(f"/api/v1/dags/user_automation/dagRuns/{ua['dag_run_id']}/taskInstances/"
                  "stream_data_from_api", "TaskInstance")
    assert ti["state"] == "success" and ti["operator"] == "command"

    # Mutations through the engine.
    assert real.call("PATCH", "/api/v1/dags/etl_pipeline", "DAG",
                     json={"is_paused": True})["is_paused"] is True
    made = real.call("POST", "/api/v1/dags/user_automation/dagRuns", "DAGRun",
                     json={"dag_run_id": "by_hand", "conf": {"n": 1}})
    assert made["run_type"] == "manual" and made["external_trigger"] is True
    real.call("POST", "/api/v1/dags/user_automation/dagRuns", status=409,
              json={"dag_run_id": "by_hand"})
    cleared = real.call("POST", "/api/v1/dags/etl_pipeline/clearTaskInstances",
                        "TaskInstanceReferenceCollection",
                        json={"dry_run": True, "only_failed": False, "task_ids": ["load"],
                              "include_downstream": True})
    assert {c["task_id"] for c in cleared["task_instances"]} == {"load", "notify"}
    real.get("/api/v1/health", "HealthInfo")
