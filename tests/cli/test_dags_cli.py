"""`kappa dags` and `kappa tasks`: as an Airflow REST API v1 client (against a stand-in that
answers with Airflow's documented JSON shapes, found by --url or through the data directory's
up.json the way `kappa up` advertises itself), and as a reader of a data directory's run
history (keyspace kappa_meta, written by orchestrator_meta_tool) with no kappa up running."""
import fcntl
import json
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "orchestrator"))
from conftest import kappa  # noqa: E402
from fake_airflow import USER, FakeAirflow  # noqa: E402
from meta_tool import meta_tool  # noqa: E402

COMMANDS = [("dags", "list"), ("dags", "show"), ("dags", "trigger"), ("dags", "pause"),
            ("dags", "unpause"), ("dags", "runs"), ("dags", "backfill"), ("tasks", "logs"),
            ("tasks", "clear")]


@pytest.fixture
def airflow():
    f = FakeAirflow(n_dags=150)  # more than one page of 100
    yield f
    f.stop()


@pytest.mark.parametrize("group,cmd", COMMANDS)
def test_every_command_has_help_and_json(group, cmd):
    out = kappa(group, cmd, "--help").stdout
    assert "--json" in out and "--url" in out and "--data-dir" in out


def test_dags_test_has_help_and_json():
    out = kappa("dags", "test", "--help").stdout
    assert "--json" in out and "--date" in out and "--config" in out


# ---- against the REST API ----

def test_list_pages_through_all_dags(airflow):
    out = kappa("dags", "list", "--url", airflow.url).stdout.splitlines()
    assert out[0].split() == ["DAG_ID", "PAUSED", "SCHEDULE", "OWNERS", "NEXT_RUN"]
    assert len(out) == 1 + 151
    row = [line for line in out if line.startswith("user_automation")][0].split()
    assert row == ["user_automation", "no", "@daily", "airscholar", "2023-09-06T00:00:00+00:00"]
    offsets = [r[2]["offset"][0] for r in airflow.requests if r[1] == "api/v1/dags"]
    assert offsets == ["0", "100"]
    doc = json.loads(kappa("dags", "list", "--url", airflow.url, "--json").stdout)
    assert doc["total_entries"] == 151 and len(doc["dags"]) == 151


def test_show_and_unknown_dag(airflow):
    out = kappa("dags", "show", "user_automation", "--url", airflow.url).stdout
    assert "owners:            airscholar" in out
    assert "schedule:          @daily" in out
    assert "runs: 2 in all, latest:" in out
    assert out.index("scheduled__2023-09-05") < out.index("scheduled__2023-09-04")
    p = kappa("dags", "show", "nope", "--url", airflow.url, check=False)
    assert p.returncode == 1
    assert "DAG not found: DAG with dag_id: 'nope' not found (HTTP 404)" in p.stderr


def test_trigger_sends_conf_run_id_and_date(airflow):
    out = kappa("dags", "trigger", "user_automation", "--conf", '{"duration": "10s"}',
                "--logical-date", "2023-09-10 12:30", "--url", airflow.url).stdout
    method, path, _, body, headers = airflow.last("POST")
    assert path == "api/v1/dags/user_automation/dagRuns"
    assert body == {"conf": {"duration": "10s"}, "logical_date": "2023-09-10T12:30:00+00:00"}
    assert headers["Content-Type"] == "application/json"
    assert out.strip() == ("triggered user_automation run manual__2023-09-10T12:30:00+00:00 "
                           "(logical date 2023-09-10T12:30:00+00:00, state queued)")
    run = json.loads(kappa("dags", "trigger", "user_automation", "--run-id", "mine",
                           "--url", airflow.url, "--json").stdout)
    assert run["dag_run_id"] == "mine" and run["state"] == "queued"
    assert airflow.last("POST")[3] == {"conf": {}, "dag_run_id": "mine"}
    # The server's conflict, readable.
    p = kappa("dags", "trigger", "user_automation", "--run-id", "mine", "--url", airflow.url,
              check=False)
    assert p.returncode == 1 and "already exists (HTTP 409)" in p.stderr
    # Bad input never reaches the server.
    n = len(airflow.requests)
    p = kappa("dags", "trigger", "user_automation", "--conf", "[1]", "--url", airflow.url,
              check=False)
    assert p.returncode == 2 and "--conf: not a JSON object" in p.stderr
    p = kappa("dags", "trigger", "user_automation", "--logical-date", "2023-13-45",
              "--url", airflow.url, check=False)
    assert p.returncode == 2 and "--logical-date" in p.stderr
    assert len(airflow.requests) == n


def test_pause_and_unpause_patch_is_paused(airflow):
    assert kappa("dags", "pause", "dag_001", "--url", airflow.url).stdout == "DAG dag_001 is paused\n"
    method, path, query, body, _ = airflow.last("PATCH")
    assert (path, query["update_mask"], body) == ("api/v1/dags/dag_001", ["is_paused"],
                                                  {"is_paused": True})
    doc = json.loads(kappa("dags", "unpause", "dag_001", "--url", airflow.url, "--json").stdout)
    assert doc["is_paused"] is False and airflow.last("PATCH")[3] == {"is_paused": False}


def test_runs_filters_and_order(airflow):
    out = kappa("dags", "runs", "user_automation", "--state", "failed", "--url", airflow.url).stdout
    lines = out.splitlines()
    assert lines[0].split() == ["RUN_ID", "STATE", "TYPE", "LOGICAL_DATE", "START", "END"]
    assert len(lines) == 2 and lines[1].split()[:2] == ["scheduled__2023-09-04T00:00:00+00:00", "failed"]
    _, _, query, _, _ = airflow.last("GET")
    assert query["state"] == ["failed"] and query["order_by"] == ["-execution_date"]
    doc = json.loads(kappa("dags", "runs", "user_automation", "--oldest-first", "--limit", "1",
                           "--url", airflow.url, "--json").stdout)
    assert doc["total_entries"] == 2
    assert [r["dag_run_id"] for r in doc["dag_runs"]] == ["scheduled__2023-09-04T00:00:00+00:00"]
    assert airflow.last("GET")[2]["order_by"] == ["execution_date"]
    p = kappa("dags", "runs", "user_automation", "--state", "bogus", "--url", airflow.url, check=False)
    assert p.returncode != 0


def test_task_logs_latest_run_and_try(airflow):
    out = kappa("tasks", "logs", "user_automation", "stream_data_from_api", "--url", airflow.url).stdout
    # The latest run (newest first, limit 1), its instance's try 2, run ids escaped in the path.
    assert out == "[scheduled__2023-09-05T00:00:00+00:00] stream_data_from_api try 2\nline two\n"
    _, path, _, _, headers = airflow.last("GET")
    assert path.endswith("taskInstances/stream_data_from_api/logs/2")
    assert headers["Accept"] == "text/plain"
    raw = [r for r in airflow.requests if "logs" in r[1]][-1]
    assert "scheduled__2023-09-05T00:00:00+00:00" in raw[1]
    doc = json.loads(kappa("tasks", "logs", "user_automation", "stream_data_from_api",
                           "--run", "scheduled__2023-09-04T00:00:00+00:00", "--try", "1",
                           "--url", airflow.url, "--json").stdout)
    assert doc["try_number"] == 1 and doc["content"].endswith("try 1\nline two\n")
    p = kappa("tasks", "logs", "user_automation", "t", "--run", "nope", "--url", airflow.url,
              check=False)
    assert p.returncode == 1 and "DAGRun not found" in p.stderr


def test_clear_sends_airflows_body(airflow):
    out = kappa("tasks", "clear", "user_automation", "--task", "stream_data_from_api",
                "--start", "2023-09-04", "--end", "2023-09-05", "--downstream", "--only-failed",
                "--dry-run", "--url", airflow.url).stdout
    _, path, _, body, _ = airflow.last("POST")
    assert path == "api/v1/dags/user_automation/clearTaskInstances"
    assert body == {"dry_run": True, "only_failed": True, "include_downstream": True,
                    "include_upstream": False, "reset_dag_runs": True,
                    "task_ids": ["stream_data_from_api"],
                    "start_date": "2023-09-04T00:00:00+00:00",
                    "end_date": "2023-09-05T00:00:00+00:00"}
    assert out.startswith("would clear 1 task instance:\n")
    assert "stream_data_from_api" in out
    doc = json.loads(kappa("tasks", "clear", "user_automation", "--run", "r1", "--url",
                           airflow.url, "--json").stdout)
    assert doc["task_instances"][0]["dag_run_id"] == "r1"
    assert airflow.last("POST")[3]["dag_run_id"] == "r1"


def test_basic_auth():
    f = FakeAirflow(require_auth=True)
    try:
        p = kappa("dags", "list", "--url", f.url, check=False)
        assert p.returncode == 1 and "HTTP 401" in p.stderr and "--user" in p.stderr
        out = kappa("dags", "list", "--url", f.url, "--user", USER).stdout
        assert "user_automation" in out
    finally:
        f.stop()


def test_unreachable_url():
    p = kappa("dags", "list", "--url", "http://127.0.0.1:1", check=False)
    assert p.returncode == 1 and "cannot reach http://127.0.0.1:1/api/v1/dags" in p.stderr


def test_finds_the_running_kappa_up_of_the_data_dir(airflow, tmp_path):
    """A kappa up advertises its listeners in DATA_DIR/up.json and holds DATA_DIR/LOCK;
    this test plays that part (its own pid holds the lock) with the stand-in's address."""
    data = tmp_path / "data"
    data.mkdir()
    with open(data / "LOCK", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        lock.write(f"pid {os.getpid()} (kappa up, since now)\n")
        lock.flush()
        (data / "up.json").write_text(json.dumps(
            {"pid": os.getpid(), "kafka": "", "cql": "", "http": airflow.url[len("http://"):]}))
        out = kappa("dags", "pause", "user_automation", "--data-dir", data).stdout
        assert out == "DAG user_automation is paused\n"
        assert airflow.last("PATCH")[1] == "api/v1/dags/user_automation"


# ---- over a data directory, no kappa up ----

@pytest.fixture
def history(tmp_path):
    data = str(tmp_path / "data")
    meta_tool("sample", data)
    return data


def test_data_dir_list_show_runs(history):
    out = kappa("dags", "list", "--data-dir", history).stdout.splitlines()
    assert [line.split()[:2] for line in out[1:]] == [["paused_dag", "yes"], ["user_automation", "no"]]
    doc = json.loads(kappa("dags", "list", "--data-dir", history, "--json").stdout)
    assert doc["total_entries"] == 2
    assert doc["dags"][1] == {**doc["dags"][1], "dag_id": "user_automation", "is_paused": False}
    out = kappa("dags", "show", "user_automation", "--data-dir", history).stdout
    assert "runs: 3 in all, latest:" in out and "manual__2023-09-05T10:00:00+00:00" in out
    runs = json.loads(kappa("dags", "runs", "user_automation", "--data-dir", history,
                            "--json").stdout)
    assert [r["dag_run_id"] for r in runs["dag_runs"]] == [
        "manual__2023-09-05T10:00:00+00:00", "scheduled__2023-09-04T10:00:00+00:00",
        "scheduled__2023-09-03T10:00:00+00:00"]
    first = runs["dag_runs"][2]
    assert first["state"] == "success" and first["run_type"] == "scheduled"
    assert first["data_interval_end"] == "2023-09-04T10:00:00+00:00"
    assert runs["dag_runs"][0]["conf"] == {"duration": "10s"}
    out = kappa("dags", "runs", "user_automation", "--state", "failed", "--data-dir", history).stdout
    assert len(out.splitlines()) == 2 and "scheduled__2023-09-04T10:00:00+00:00  failed" in out
    p = kappa("dags", "show", "nope", "--data-dir", history, check=False)
    assert p.returncode == 1 and "DAG not found" in p.stderr


def test_data_dir_task_logs(history):
    out = kappa("tasks", "logs", "user_automation", "stream_data_from_api",
                "--run", "scheduled__2023-09-04T10:00:00+00:00", "--data-dir", history).stdout
    assert out == "try 2 started\nproduced 60 records\n"
    out = kappa("tasks", "logs", "user_automation", "stream_data_from_api", "--try", "1",
                "--run", "scheduled__2023-09-04T10:00:00+00:00", "--data-dir", history).stdout
    assert out == "try 1 started\nproduced 60 records\n"
    # Default: the latest run (the manual one, still running, try 1).
    doc = json.loads(kappa("tasks", "logs", "user_automation", "stream_data_from_api",
                           "--data-dir", history, "--json").stdout)
    assert doc["dag_run_id"] == "manual__2023-09-05T10:00:00+00:00" and doc["try_number"] == 1
    p = kappa("tasks", "logs", "user_automation", "other", "--data-dir", history, check=False)
    assert p.returncode == 1 and "has no task 'other'" in p.stderr


def test_data_dir_writes_without_kappa_up_are_recorded_for_the_next_start(history):
    """No kappa up: the write commands apply the built-in config's DAGs (user_automation) to
    the directory's history through the engine, running nothing."""
    assert kappa("dags", "pause", "user_automation", "--data-dir", history).stdout == \
        "DAG user_automation is paused\n"
    assert meta_tool("dump", history)["dags"][1] == {"dag_id": "user_automation", "is_paused": True}
    kappa("dags", "unpause", "user_automation", "--data-dir", history)
    assert meta_tool("dump", history)["dags"][1]["is_paused"] is False
    run = json.loads(kappa("dags", "trigger", "user_automation", "--logical-date", "2023-09-20",
                           "--conf", '{"duration": "5s"}', "--data-dir", history, "--json").stdout)
    assert run["dag_run_id"] == "manual__2023-09-20T00:00:00+00:00" and run["state"] == "queued"
    runs = {r["run_id"]: r for r in meta_tool("dump", history)["runs"]}
    assert runs["manual__2023-09-20T00:00:00+00:00"]["conf"] == {"duration": "5s"}
    out = kappa("dags", "backfill", "user_automation", "--start", "2023-09-10", "--end",
                "2023-09-12", "--data-dir", history).stdout
    assert out.startswith("queued 3 backfill runs of user_automation")
    runs = {r["run_id"]: r for r in meta_tool("dump", history)["runs"]}
    backfills = sorted(r for r in runs if r.startswith("backfill__"))
    assert len(backfills) == 3 and all(runs[r]["state"] == "queued" for r in backfills)
    # Clear the failed run's task: it runs again at the next start.
    out = kappa("tasks", "clear", "user_automation", "--run", "scheduled__2023-09-04T10:00:00+00:00",
                "--data-dir", history).stdout
    assert out.startswith("cleared 1 task instance:")
    runs = {r["run_id"]: r for r in meta_tool("dump", history)["runs"]}
    assert runs["scheduled__2023-09-04T10:00:00+00:00"]["state"] == "queued"
    # A DAG the config does not have.
    p = kappa("dags", "trigger", "paused_dag", "--data-dir", history, check=False)
    assert p.returncode == 1 and "paused_dag" in p.stderr


def test_backfill_is_not_in_airflows_v1_api(airflow):
    # The CLI asks for kappa's extension route; a real Airflow 2 answers it 404 "Not Found"
    # and the CLI says so (nothing else is written: no trigger, no clear).
    p = kappa("dags", "backfill", "user_automation", "--start", "2023-09-01", "--end",
              "2023-09-02", "--url", airflow.url, check=False)
    assert p.returncode == 1 and "has no backfill" in p.stderr
    posts = [r for r in airflow.requests if r[0] == "POST"]
    assert [r[1] for r in posts] == ["api/v1/dags/user_automation/backfill"]
    assert posts[0][3] == {"from_date": "2023-09-01T00:00:00+00:00",
                           "to_date": "2023-09-02T00:00:00+00:00", "dag_run_conf": {}}


def test_writes_to_a_directory_owned_by_a_process_without_http(history):
    with open(os.path.join(history, "LOCK"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        lock.write(f"pid {os.getpid()} (kappa up, since now)\n")
        lock.flush()
        p = kappa("dags", "pause", "user_automation", "--data-dir", history, check=False)
        assert p.returncode == 1 and "is in use by pid" in p.stderr and "--url" in p.stderr


def test_data_dir_without_history(tmp_path):
    empty = tmp_path / "data"
    kappa("tables", "create", "ks.t", "--columns", "id int", "--partition-key", "id",
          "--data-dir", empty)
    p = kappa("dags", "list", "--data-dir", empty, check=False)
    assert p.returncode == 1 and "no orchestrator history" in p.stderr
    p = kappa("dags", "list", "--data-dir", tmp_path / "missing", check=False)
    assert p.returncode == 1 and "no running kappa up and no data directory" in p.stderr


# ---- kappa dags test: one run in-process ----

TEST_CONFIG = """
data_dir: {data}
orchestrator:
  allow_commands: true
dags:
  - id: hello
    owner: airscholar
    start_date: 2023-09-03 10:00
    schedule: "@daily"
    params:
      who: world
    tasks:
      - id: greet
        type: command
        command: "echo hello {{{{ params.who }}}} on {{{{ ds }}}}"
      - id: after
        type: noop
        after: [greet]
  - id: broken
    start_date: 2023-09-03
    schedule: "@daily"
    tasks:
      - id: fail
        type: command
        command: "echo about to fail; exit 3"
      - id: never
        type: noop
        after: [fail]
"""


@pytest.fixture
def test_config(tmp_path):
    path = tmp_path / "kappa.yaml"
    path.write_text(TEST_CONFIG.format(data=tmp_path / "data"))
    return str(path)


def test_dags_test_runs_one_run_and_prints_logs(test_config):
    p = kappa("dags", "test", "hello", "--date", "2023-09-05", "--config", test_config)
    out = p.stdout
    assert "--- greet: success (try 1)" in out
    assert "hello world on 2023-09-05" in out
    assert "--- after: success (try 1)" in out
    assert out.index("--- greet") < out.index("--- after")
    assert out.rstrip().endswith("run manual__2023-09-05T00:00:00+00:00 of hello: success")
    doc = json.loads(kappa("dags", "test", "hello", "--conf", '{"who": "kappa"}',
                           "--date", "2023-09-06T10:00:00+02:00", "--config", test_config,
                           "--json").stdout)
    assert doc["dag_run"]["state"] == "success"
    assert doc["dag_run"]["logical_date"] == "2023-09-06T08:00:00+00:00"
    greet = [t for t in doc["task_instances"] if t["task_id"] == "greet"][0]
    assert any("hello kappa on 2023-09-06" in line for line in greet["logs"][0])


def test_dags_test_failed_run_exits_1(test_config):
    p = kappa("dags", "test", "broken", "--config", test_config, check=False)
    assert p.returncode == 1, p.stderr
    assert "--- fail: failed (try 1)" in p.stdout and "about to fail" in p.stdout
    assert "--- never: upstream_failed" in p.stdout
    assert p.stdout.rstrip().endswith(": failed")


def test_dags_test_unknown_dag_and_bad_date(test_config):
    p = kappa("dags", "test", "nope", "--config", test_config, check=False)
    assert p.returncode == 2 and "has no DAG 'nope' (its DAGs: hello, broken)" in p.stderr
    p = kappa("dags", "test", "hello", "--date", "yesterday", "--config", test_config, check=False)
    assert p.returncode == 2 and "--date" in p.stderr


# ---- against kappa's own Airflow API server (src/orchestrator rest*.cc) ----

REST_TOOL = os.path.join(os.path.dirname(os.path.abspath(os.environ.get("KAPPA_BIN") or
                                                         os.path.join(os.path.dirname(__file__), "..", "..", "build", "kappa"))),
                         "src", "orchestrator", "orchestrator_rest_tool")


@pytest.fixture
def kappa_api():
    """orchestrator_rest_tool --scheduler: AddAirflowRoutes over the real Scheduler (virtual
    time) after five days of two DAGs (user_automation @daily; etl_pipeline in Europe/Paris
    whose `transform` fails its first try of each run)."""
    import subprocess
    proc = subprocess.Popen([REST_TOOL, "--scheduler"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if line.startswith("listening on "):
            break
    else:
        proc.kill()
        raise AssertionError("orchestrator_rest_tool did not start: " + proc.stderr.read())
    yield "http://" + line.split()[-1]
    proc.stdin.close()
    proc.wait(timeout=10)


def test_against_kappas_api_reads(kappa_api):
    out = kappa("dags", "list", "--url", kappa_api).stdout
    rows = {line.split()[0]: line.split() for line in out.splitlines()[1:]}
    assert rows["user_automation"][1:4] == ["no", "@daily", "airscholar"]
    assert rows["etl_pipeline"][0] == "etl_pipeline"
    runs = json.loads(kappa("dags", "runs", "etl_pipeline", "--oldest-first", "--url", kappa_api,
                            "--json").stdout)
    assert runs["total_entries"] >= 4
    first = runs["dag_runs"][0]
    assert first["run_type"] == "scheduled" and first["state"] == "success"
    # transform failed its first try and passed the second: both logs are there.
    run_id = first["dag_run_id"]
    ti_out = kappa("tasks", "logs", "etl_pipeline", "transform", "--run", run_id, "--url",
                   kappa_api, "--json").stdout
    assert json.loads(ti_out)["try_number"] == 2
    one = kappa("tasks", "logs", "etl_pipeline", "transform", "--run", run_id, "--try", "1",
                "--url", kappa_api).stdout
    two = kappa("tasks", "logs", "etl_pipeline", "transform", "--run", run_id, "--try", "2",
                "--url", kappa_api).stdout
    assert one.strip() and two.strip() and one != two
    show = kappa("dags", "show", "user_automation", "--url", kappa_api).stdout
    assert "schedule:          @daily" in show and "runs: " in show
    p = kappa("dags", "show", "nope", "--url", kappa_api, check=False)
    assert p.returncode == 1 and "(HTTP 404)" in p.stderr


def test_against_kappas_api_writes(kappa_api):
    assert kappa("dags", "pause", "user_automation", "--url", kappa_api).stdout == \
        "DAG user_automation is paused\n"
    listed = json.loads(kappa("dags", "list", "--url", kappa_api, "--json").stdout)
    assert [d["is_paused"] for d in listed["dags"] if d["dag_id"] == "user_automation"] == [True]
    kappa("dags", "unpause", "user_automation", "--url", kappa_api)
    run = json.loads(kappa("dags", "trigger", "user_automation", "--conf", '{"n": 1}',
                           "--logical-date", "2023-10-01", "--url", kappa_api, "--json").stdout)
    assert run["dag_run_id"] == "manual__2023-10-01T00:00:00+00:00"
    assert run["conf"] == {"n": 1} and run["run_type"] == "manual"
    p = kappa("dags", "trigger", "user_automation", "--logical-date", "2023-10-01",
              "--url", kappa_api, check=False)
    assert p.returncode == 1 and "HTTP 409" in p.stderr
    out = kappa("tasks", "clear", "etl_pipeline", "--task", "transform", "--dry-run",
                "--url", kappa_api).stdout
    assert out.startswith("would clear ") and "transform" in out
    doc = json.loads(kappa("tasks", "clear", "etl_pipeline", "--task", "transform",
                           "--start", "2023-09-04", "--end", "2023-09-04T23:59:59",
                           "--url", kappa_api, "--json").stdout)
    assert doc["task_instances"] and all(t["task_id"] == "transform" for t in doc["task_instances"])


def test_backfill_against_kappas_api(kappa_api):
    # kappa's POST /api/v1/dags/{dag_id}/backfill: runs queued for the intervals without one.
    doc = json.loads(kappa("dags", "backfill", "user_automation", "--start", "2023-08-01",
                           "--end", "2023-08-03", "--conf", '{"n": 2}', "--url", kappa_api,
                           "--json").stdout)
    ids = [r["dag_run_id"] for r in doc["dag_runs"]]
    assert ids == [f"backfill__2023-08-0{d}T00:00:00+00:00" for d in (1, 2, 3)]
    assert all(r["run_type"] == "backfill" and r["conf"] == {"n": 2} for r in doc["dag_runs"])
    runs = json.loads(kappa("dags", "runs", "user_automation", "--url", kappa_api, "--json",
                            "--limit", "100").stdout)
    assert set(ids) <= {r["dag_run_id"] for r in runs["dag_runs"]}
    out = kappa("dags", "backfill", "user_automation", "--start", "2023-08-01", "--end",
                "2023-08-03", "--url", kappa_api).stdout
    assert out.startswith("queued 0 backfill runs of user_automation")
    p = kappa("dags", "backfill", "nope", "--start", "2023-08-01", "--end", "2023-08-03",
              "--url", kappa_api, check=False)
    assert p.returncode == 1 and "HTTP 404" in p.stderr and "DAG not found" in p.stderr
    p = kappa("dags", "backfill", "user_automation", "--start", "2023-08-05", "--end",
              "2023-08-03", "--url", kappa_api, check=False)
    assert p.returncode == 1 and "HTTP 400" in p.stderr and "after its end" in p.stderr
