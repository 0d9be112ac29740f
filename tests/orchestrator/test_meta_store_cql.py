"""The orchestrator's run history (keyspace kappa_meta, docs/formats/orchestrator-meta.md) is
ordinary CQL tables: written through OpenStoreMetaStore by a small tool, then read by the
DataStax Python driver and by `kappa cql` from a `kappa cql-server` over the same data
directory."""
import datetime
import json
import os
import sys

import pytest
from cassandra.cluster import Cluster

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "cql"))
from cql_server import CqlServer  # noqa: E402
from conftest import kappa  # noqa: E402
from meta_tool import meta_tool  # noqa: E402

T0 = datetime.datetime(2023, 9, 3, 10, 0)  # the seed DAG's start_date (UTC; the driver's naive datetimes are UTC)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def written(tmp_path):
    data = str(tmp_path / "data")
    return data, meta_tool("sample", data)


@pytest.fixture
def session(written):
    server = CqlServer(written[0])
    cluster = Cluster(["127.0.0.1"], port=server.port)
    sess = cluster.connect()
    yield sess
    cluster.shutdown()
    assert server.stop() == 0


def test_driver_sees_the_tables_and_their_keys(session):
    ks = session.cluster.metadata.keyspaces["kappa_meta"]
    assert set(ks.tables) == {"dags", "dag_runs", "task_instances", "task_logs"}
    runs = ks.tables["dag_runs"]
    assert [c.name for c in runs.partition_key] == ["dag_id"]
    assert [c.name for c in runs.clustering_key] == ["logical_date", "run_id"]
    assert runs.columns["conf"].cql_type == "text"
    assert runs.columns["logical_date"].cql_type == "timestamp"
    logs = ks.tables["task_logs"]
    assert [c.name for c in logs.partition_key] == ["dag_id", "run_id", "task_id", "try_number"]
    assert [c.name for c in logs.clustering_key] == ["seq"]
    tis = ks.tables["task_instances"]
    assert [c.name for c in tis.partition_key] == ["dag_id", "run_id"]


def test_runs_are_one_partition_in_logical_date_order(written, session):
    rows = list(session.execute(
        "SELECT run_id, logical_date, run_type, state, data_interval_end, end_date, "
        "external_trigger, conf FROM kappa_meta.dag_runs WHERE dag_id = %s",
        ["user_automation"]))
    assert [r.logical_date for r in rows] == [T0, T0 + DAY, T0 + 2 * DAY]
    assert [r.run_id for r in rows] == [
        "scheduled__2023-09-03T10:00:00+00:00", "scheduled__2023-09-04T10:00:00+00:00",
        "manual__2023-09-05T10:00:00+00:00"]
    assert [r.state for r in rows] == ["success", "failed", "running"]
    assert [r.run_type for r in rows] == ["scheduled", "scheduled", "manual"]
    assert rows[0].data_interval_end == T0 + DAY
    assert rows[2].end_date is None
    assert rows[2].external_trigger is True
    assert json.loads(rows[2].conf) == {"duration": "10s"}
    assert json.loads(rows[0].conf) == {}
    # A date range is a clustering slice.
    sliced = list(session.execute(
        "SELECT run_id FROM kappa_meta.dag_runs WHERE dag_id = %s AND logical_date >= %s "
        "AND logical_date < %s", ["user_automation", T0 + DAY, T0 + 2 * DAY]))
    assert [r.run_id for r in sliced] == ["scheduled__2023-09-04T10:00:00+00:00"]
    # What the tool wrote is what the driver reads.
    assert [r.run_id for r in rows] == [r["run_id"] for r in written[1]["runs"]]


def test_task_instances_and_logs(session):
    run = "scheduled__2023-09-04T10:00:00+00:00"
    ti = session.execute(
        "SELECT task_id, state, try_number, max_tries, operator, error, hostname "
        "FROM kappa_meta.task_instances WHERE dag_id = %s AND run_id = %s",
        ["user_automation", run]).one()
    assert ti.task_id == "stream_data_from_api"
    assert (ti.state, ti.try_number, ti.max_tries) == ("failed", 2, 2)
    assert ti.operator == "produce"
    assert ti.error == "topic users_created does not exist"
    for try_number in (1, 2):
        lines = [r.line for r in session.execute(
            "SELECT line FROM kappa_meta.task_logs WHERE dag_id = %s AND run_id = %s AND "
            "task_id = %s AND try_number = %s",
            ["user_automation", run, "stream_data_from_api", try_number])]
        assert lines == [f"try {try_number} started", "produced 60 records"]
    dags = {r.dag_id: r for r in session.execute("SELECT * FROM kappa_meta.dags")}
    assert set(dags) == {"user_automation", "paused_dag"}
    assert dags["paused_dag"].is_paused is True
    assert dags["user_automation"].last_automated_start == T0 + DAY
    assert dags["paused_dag"].last_automated_start is None


def test_kappa_cql_shell_reads_the_history(written):
    server = CqlServer(written[0])
    try:
        out = kappa("cql", "--port", server.port, "-e",
                    "SELECT run_id, state FROM kappa_meta.dag_runs WHERE dag_id = 'user_automation'",
                    timeout=60).stdout
    finally:
        assert server.stop() == 0
    assert "scheduled__2023-09-03T10:00:00+00:00" in out
    assert "failed" in out and "(3 rows)" in out
