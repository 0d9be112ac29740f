"""A stand-in for an Airflow 2 webserver's stable REST API v1, for the `kappa dags` /
`kappa tasks` client tests: it answers with the JSON shapes of Airflow's OpenAPI spec
(api_connexion/openapi/v1.yaml: DAGCollection, DAG, DAGRunCollection, DAGRun, TaskInstance,
TaskInstanceReferenceCollection, problem+json errors), checks HTTP basic auth like Airflow's
basic_auth backend, and records every request so a test can assert what the CLI sent."""
import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

USER = "admin:secret"


def dag(dag_id, paused=False):
    return {
        "dag_id": dag_id, "root_dag_id": None, "is_paused": paused, "is_active": True,
        "is_subdag": False, "last_parsed_time": "2023-09-03T10:00:00+00:00",
        "last_pickled": None, "last_expired": None, "scheduler_lock": None, "pickle_id": None,
        "default_view": "grid", "fileloc": "/opt/airflow/dags/kafka_stream.py",
        "file_token": "x", "owners": ["airscholar"], "description": "users into Kafka",
        "schedule_interval": {"__type": "CronExpression", "value": "@daily"},
        "timetable_description": "At 00:00", "tags": [{"name": "seed"}],
        "max_active_tasks": 16, "max_active_runs": 16, "has_task_concurrency_limits": False,
        "has_import_errors": False, "next_dagrun": "2023-09-06T00:00:00+00:00",
        "next_dagrun_data_interval_start": "2023-09-06T00:00:00+00:00",
        "next_dagrun_data_interval_end": "2023-09-07T00:00:00+00:00",
        "next_dagrun_create_after": "2023-09-07T00:00:00+00:00",
    }


def dag_run(dag_id, run_id, logical, state="success", run_type="scheduled", conf=None):
    return {
        "dag_run_id": run_id, "dag_id": dag_id, "logical_date": logical,
        "execution_date": logical, "start_date": logical, "end_date": None,
        "data_interval_start": logical, "data_interval_end": logical,
        "last_scheduling_decision": None, "run_type": run_type, "state": state,
        "external_trigger": run_type == "manual", "conf": conf or {}, "note": None,
    }


def task_instance(dag_id, run_id, task_id, try_number=2):
    return {
        "task_id": task_id, "dag_id": dag_id, "dag_run_id": run_id,
        "execution_date": "2023-09-04T00:00:00+00:00", "start_date": None, "end_date": None,
        "duration": None, "state": "failed", "try_number": try_number, "map_index": -1,
        "max_tries": 2, "hostname": "h", "unixname": "airflow", "pool": "default_pool",
        "pool_slots": 1, "queue": "default", "priority_weight": 1, "operator": "PythonOperator",
        "queued_when": None, "pid": 1, "executor_config": "{}", "sla_miss": None,
        "rendered_fields": {}, "trigger": None, "triggerer_job": None, "note": None,
    }


class FakeAirflow:
    def __init__(self, n_dags=3, require_auth=False):
        self.requests = []  # (method, path, query dict, json body or None, headers)
        self.dags = {f"dag_{i:03d}": dag(f"dag_{i:03d}") for i in range(n_dags)}
        self.dags["user_automation"] = dag("user_automation")
        self.runs = {"user_automation": [
            dag_run("user_automation", "scheduled__2023-09-04T00:00:00+00:00",
                    "2023-09-04T00:00:00+00:00", "failed"),
            dag_run("user_automation", "scheduled__2023-09-05T00:00:00+00:00",
                    "2023-09-05T00:00:00+00:00", "success"),
        ]}
        self.require_auth = require_auth
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                fake._handle(self, "GET")

            def do_POST(self):
                fake._handle(self, "POST")

            def do_PATCH(self):
                fake._handle(self, "PATCH")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def last(self, method):
        return [r for r in self.requests if r[0] == method][-1]

    @staticmethod
    def _send(h, status, body, ctype="application/json"):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        h.send_response(status)
        h.send_header("Content-Type", ctype)
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def _problem(self, h, status, title, detail):
        self._send(h, status, {"type": "about:blank", "title": title, "status": status,
                               "detail": detail}, "application/problem+json")

    def _handle(self, h, method):
        parts = urlsplit(h.path)
        query = parse_qs(parts.query)
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        # Path segments decoded one by one, as a WSGI server does.
        seg = [unquote(s) for s in parts.path.split("/")][1:]
        self.requests.append((method, "/".join(seg), query, body, dict(h.headers)))
        if self.require_auth:
            want = "Basic " + base64.b64encode(USER.encode()).decode()
            if h.headers.get("Authorization") != want:
                return self._problem(h, 401, "Unauthorized", "No credentials or bad ones")
        if seg[:2] != ["api", "v1"] or len(seg) < 3 or seg[2] != "dags":
            return self._problem(h, 404, "Not Found", "no such endpoint")
        rest = seg[3:]
        if not rest:
            limit, offset = int(query["limit"][0]), int(query["offset"][0])
            ids = sorted(self.dags)
            page = [self.dags[i] for i in ids[offset:offset + min(limit, 100)]]
            return self._send(h, 200, {"dags": page, "total_entries": len(ids)})
        dag_id = rest[0]
        if dag_id not in self.dags:
            return self._problem(h, 404, "DAG not found", f"DAG with dag_id: '{dag_id}' not found")
        if len(rest) == 1 and method == "GET":
            return self._send(h, 200, self.dags[dag_id])
        if len(rest) == 1 and method == "PATCH":
            assert query.get("update_mask") == ["is_paused"]
            self.dags[dag_id]["is_paused"] = body["is_paused"]
            return self._send(h, 200, self.dags[dag_id])
        if rest[1:] == ["dagRuns"] and method == "GET":
            runs = list(self.runs.get(dag_id, []))
            if query.get("state"):
                runs = [r for r in runs if r["state"] in query["state"]]
            if query.get("order_by") == ["-execution_date"]:
                runs.reverse()
            limit = int(query.get("limit", ["100"])[0])
            return self._send(h, 200, {"dag_runs": runs[:limit], "total_entries": len(runs)})
        if rest[1:] == ["dagRuns"] and method == "POST":
            logical = body.get("logical_date", "2023-09-06T12:00:00+00:00")
            run_id = body.get("dag_run_id", "manual__" + logical)
            if any(r["dag_run_id"] == run_id for r in self.runs.get(dag_id, [])):
                return self._problem(h, 409, "Conflict",
                                     f"DAGRun with DAG ID: '{dag_id}' and DAGRun ID: '{run_id}' already exists")
            run = dag_run(dag_id, run_id, logical, "queued", "manual", body.get("conf"))
            self.runs.setdefault(dag_id, []).append(run)
            return self._send(h, 200, run)
        if rest[1:] == ["clearTaskInstances"] and method == "POST":
            refs = [{"task_id": t, "dag_id": dag_id, "execution_date": "2023-09-04T00:00:00+00:00",
                     "dag_run_id": body.get("dag_run_id") or "scheduled__2023-09-04T00:00:00+00:00"}
                    for t in (body.get("task_ids") or ["stream_data_from_api"])]
            return self._send(h, 200, {"task_instances": refs})
        if len(rest) >= 5 and rest[1] == "dagRuns" and rest[3] == "taskInstances":
            run_id, task_id = rest[2], rest[4]
            if not any(r["dag_run_id"] == run_id for r in self.runs.get(dag_id, [])):
                return self._problem(h, 404, "DAGRun not found", f"no run {run_id}")
            if len(rest) == 5:
                return self._send(h, 200, task_instance(dag_id, run_id, task_id))
            if len(rest) == 7 and rest[5] == "logs":
                if h.headers.get("Accept") == "text/plain":
                    return self._send(h, 200, f"[{run_id}] {task_id} try {rest[6]}\nline two\n",
                                      "text/plain")
                return self._send(h, 200, {"content": "...", "continuation_token": None})
        return self._problem(h, 404, "Not Found", "no such endpoint")
