"""`sink: {type: cassandra}`: a job writing to an external Cassandra node, played by a second
kappa process (`kappa cql-server`), checked with the DataStax Python driver.

The invariant, on the remote node instead of the embedded table:
    sum(end offsets of users_created) == rows on the node + dead letters
It holds after a run, after a rerun (continues, no duplicates), after replaying everything
(idempotent upserts), and after the node was killed mid-run (offsets never pass rows the node
did not acknowledge).
"""
import json
import re
import signal
import subprocess
import time

from cassandra import InvalidRequest
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster

from cassandra_sink_setup import EPHEMERAL, sink_config, up
from conftest import KAPPA, free_port, kappa, wait_for_port

JOB = "users_to_cassandra"
TABLE = "spark_streams.created_users"


class Node:
    """A kappa CQL server standing in for a Cassandra node."""

    def __init__(self, data_dir, port=None, users=()):
        self.data_dir = data_dir
        self.port = port or free_port()
        self.auth = None
        extra = []
        for u in users:
            extra += ["--auth", "required", "--user", u]
            name, password = u.split(":")
            self.auth = PlainTextAuthProvider(username=name, password=password)
        self.proc = subprocess.Popen(
            [KAPPA, "cql-server", "--data-dir", data_dir, "--port", str(self.port),
             "--threads", "2", *extra], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True)
        try:
            wait_for_port(self.port)
        except TimeoutError:
            self.stop()
            raise AssertionError("cql-server did not start: " + self.proc.stderr.read())

    def kill(self):
        self.proc.kill()
        self.proc.wait()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def count(self, missing_ok=False):
        """Rows in the table; with missing_ok, 0 while the job has not created it yet."""
        cluster = Cluster(["127.0.0.1"], port=self.port, auth_provider=self.auth)
        try:
            session = cluster.connect()
            return session.execute(f"SELECT count(*) FROM {TABLE}").one()[0]
        except InvalidRequest:
            if missing_ok:
                return 0
            raise
        finally:
            cluster.shutdown()


def job_status(data_dir):
    return json.loads(kappa("jobs", "status", JOB, "--data-dir", data_dir, "--json").stdout)


def ends_and_dead(data_dir):
    st = job_status(data_dir)
    return sum(p["end"] for p in st["partitions"]), st["dead_letters"], st


def test_job_writes_to_the_node_and_reruns_without_duplicates(tmp_path):
    node = Node(str(tmp_path / "node"))
    data_dir = str(tmp_path / "data")
    config = sink_config(tmp_path, node.port)
    try:
        first, _ = up(data_dir, config, "--duration", "3s")
        assert first["produced"] > 0 and first["lag"] == 0, first
        end, dead, st = ends_and_dead(data_dir)
        assert st["lag"] == 0, st
        remote = node.count()
        assert remote == end - dead == first["produced"] - first["dead_letters"], (remote, st)
        assert first["stored"] == remote
        # The rows went to the node, not to the embedded table.
        local = kappa("tables", "count", TABLE, "--data-dir", data_dir).stdout
        assert int(local.split()[-1]) == 0

        # A second run continues from the committed offsets.
        second, _ = up(data_dir, config, "--duration", "2s")
        end2, dead2, _ = ends_and_dead(data_dir)
        remote2 = node.count()
        assert remote2 == end2 - dead2 == remote + second["produced"] - second["dead_letters"]

        # Replaying everything rewrites the same primary keys: no duplicates.
        kappa("jobs", "reset", JOB, "--to-earliest", "--data-dir", data_dir)
        replay, _ = up(data_dir, config, "--duration", "1s")
        end3, dead3, _ = ends_and_dead(data_dir)
        assert replay["stored"] >= remote2  # the old records were written again
        assert node.count() == end3 - dead3
    finally:
        node.stop()


def test_rows_of_one_partition_go_as_unlogged_batches(tmp_path):
    """A table partitioned by gender with clustering column id: each batch's rows of one
    partition go together as UNLOGGED BATCHes (at most batch_rows each)."""
    node = Node(str(tmp_path / "node"))
    data_dir = str(tmp_path / "data")
    config = sink_config(tmp_path, node.port, rate=5000, extra="      batch_rows: 20\n")
    with open(config) as f:
        text = f.read()
    assert "        primary_key: [id]\n" in text
    with open(config, "w") as f:
        f.write(text.replace("        primary_key: [id]\n", "        primary_key: [[gender], id]\n"))
    try:
        summary, p = up(data_dir, config, "--duration", "2s")
        assert summary["produced"] > 1000 and summary["lag"] == 0, summary
        end, dead, _ = ends_and_dead(data_dir)
        assert node.count() == end - dead == summary["stored"]
        m = re.search(r"(\d+) rows acknowledged in (\d+) requests \((\d+) of them UNLOGGED BATCH",
                      p.stderr)
        assert m, p.stderr[-2000:]
        rows, requests, batches = map(int, m.groups())
        assert rows == summary["stored"]
        # Two partitions per job batch: far fewer requests than rows, none over 20 rows.
        assert 0 < batches <= requests < rows / 2, m.groups()
        assert requests >= rows / 20, m.groups()
        cluster = Cluster(["127.0.0.1"], port=node.port)
        try:
            session = cluster.connect()
            per_gender = sum(
                session.execute(f"SELECT count(*) FROM {TABLE} WHERE gender = %s", [g]).one()[0]
                for g in ("female", "male"))
            assert per_gender == summary["stored"]
            row = session.execute(f"SELECT first_name, email FROM {TABLE} WHERE gender = 'female' LIMIT 1").one()
            assert row.first_name and "@" in row.email
        finally:
            cluster.shutdown()
    finally:
        node.stop()


def test_bad_sink_config_points_at_its_line(tmp_path):
    config = sink_config(tmp_path, 9042)
    with open(config) as f:
        text = f.read().replace("      consistency: local_one\n", "      consistency: most\n")
    with open(config, "w") as f:
        f.write(text)
    p = kappa("up", "--check", "--config", config, check=False)
    assert p.returncode != 0
    assert "kappa.yaml:" in p.stderr and "consistency 'most'" in p.stderr, p.stderr


def test_credentials_are_sent_and_bad_ones_refused(tmp_path):
    node = Node(str(tmp_path / "node"), users=["kappa:s3cret"])
    try:
        config = sink_config(tmp_path, node.port, extra="      username: kappa\n      password: s3cret\n")
        summary, _ = up(str(tmp_path / "data"), config, "--duration", "1s")
        assert node.count() == summary["stored"] > 0
        config = sink_config(tmp_path, node.port, extra="      username: kappa\n      password: wrong\n")
        _, p = up(str(tmp_path / "data2"), config, "--duration", "1s", check=False)
        assert p.returncode != 0
        assert "Cassandra sink" in p.stderr and "Bad credentials" in p.stderr, p.stderr[-2000:]
    finally:
        node.stop()


def test_unreachable_node_fails_with_a_clear_error(tmp_path):
    config = sink_config(tmp_path, free_port())
    _, p = up(str(tmp_path / "data"), config, "--duration", "1s", check=False)
    assert p.returncode != 0
    assert "Cassandra sink" in p.stderr and "connecting" in p.stderr, p.stderr[-2000:]


def test_node_killed_mid_run_never_loses_acknowledged_offsets(tmp_path):
    node = Node(str(tmp_path / "node"))
    port = node.port
    data_dir = str(tmp_path / "data")
    config = sink_config(tmp_path, port, rate=1000, retry_for="2s")
    run = subprocess.Popen([KAPPA, "up", "--data-dir", data_dir, "--json", "--config", config,
                            "--duration", "60s", *EPHEMERAL],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 30
        while node.count(missing_ok=True) < 200:
            assert time.time() < deadline, "no rows reached the node"
            assert run.poll() is None, run.stderr.read()
            time.sleep(0.2)
        node.kill()
        _, err = run.communicate(timeout=60)
        # The job retried for retry_for, then stopped and said why.
        assert run.returncode != 0
        assert "did not acknowledge" in err and "offsets were not advanced" in err, err[-3000:]
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        node.stop()

    # Every committed offset's row is on the node (it acknowledged it before the commit).
    st = job_status(data_dir)
    committed = sum(p["committed"] or 0 for p in st["partitions"])
    node = Node(str(tmp_path / "node"), port)
    try:
        assert node.count() >= committed - st["dead_letters"], st
        # Rerun: the uncommitted tail is written again; the books balance.
        up(data_dir, config, "--duration", "1s")
        end, dead, st = ends_and_dead(data_dir)
        assert st["lag"] == 0
        assert node.count() == end - dead
    finally:
        node.stop()


def test_hung_node_times_out_and_the_job_stops(tmp_path):
    """A node that stops answering (SIGSTOP) but keeps its sockets open: requests time out,
    reconnects time out, and the job stops with the error instead of hanging."""
    node = Node(str(tmp_path / "node"))
    data_dir = str(tmp_path / "data")
    config = sink_config(tmp_path, node.port, rate=1000, retry_for="1s", request_timeout="500ms")
    run = subprocess.Popen([KAPPA, "up", "--data-dir", data_dir, "--json", "--config", config,
                            "--duration", "60s", *EPHEMERAL],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 30
        while node.count(missing_ok=True) < 100:
            assert time.time() < deadline, "no rows reached the node"
            assert run.poll() is None, run.stderr.read()
            time.sleep(0.2)
        node.proc.send_signal(signal.SIGSTOP)
        _, err = run.communicate(timeout=90)
        assert run.returncode != 0
        assert "did not acknowledge" in err, err[-3000:]
        assert "within" in err, err[-3000:]  # the timeout says how long it waited
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        node.proc.send_signal(signal.SIGCONT)
        node.stop()
    st = job_status(data_dir)
    committed = sum(p["committed"] or 0 for p in st["partitions"])
    node = Node(str(tmp_path / "node"), node.port)
    try:
        assert node.count() >= committed - st["dead_letters"], st
    finally:
        node.stop()
