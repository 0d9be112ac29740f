"""`sink: {type: cassandra}`: a job writing to an external Cassandra node, played by a second
kappa process (`kappa cql-server`), checked with the DataStax Python driver.

The invariant, on the remote node instead of the embedded table:
    sum(end offsets of users_created) == rows on the node + dead letters
It holds after a run, after a rerun (continues, no duplicates), after replaying everything
(idempotent upserts), and after the node was killed mid-run (offsets never pass rows the node
did not acknowledge).
"""
import json
import os
import signal
import subprocess
import time

from cassandra import InvalidRequest
from cassandra.cluster import Cluster

from conftest import KAPPA, free_port, kappa, wait_for_port

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DEFAULT_CONFIG = os.path.join(ROOT, "config", "kappa.yaml")
JOB = "users_to_cassandra"
TABLE = "spark_streams.created_users"
EPHEMERAL = ["--kafka-listen", "127.0.0.1:0", "--cql-listen", "127.0.0.1:0"]
TTL_LINE = "    ttl: 1d                       # stored rows expire after this (0 = never)\n"


class Node:
    """A kappa CQL server standing in for a Cassandra node."""

    def __init__(self, data_dir, port=None):
        self.data_dir = data_dir
        self.port = port or free_port()
        self.proc = subprocess.Popen(
            [KAPPA, "cql-server", "--data-dir", data_dir, "--port", str(self.port),
             "--threads", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
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
        cluster = Cluster(["127.0.0.1"], port=self.port)
        try:
            session = cluster.connect()
            return session.execute(f"SELECT count(*) FROM {TABLE}").one()[0]
        except InvalidRequest:
            if missing_ok:
                return 0
            raise
        finally:
            cluster.shutdown()


def sink_config(tmp_path, port, rate=2000, retry_for="30s", request_timeout="12s"):
    text = open(DEFAULT_CONFIG).read()
    assert "    rate: 100\n" in text and TTL_LINE in text
    text = text.replace("    rate: 100\n", f"    rate: {rate}\n")
    text = text.replace(TTL_LINE, TTL_LINE + (
        "    sink:\n"
        "      type: cassandra\n"
        f"      contact_points: [127.0.0.1:{port}]\n"
        "      max_in_flight: 64\n"
        "      consistency: local_one\n"
        f"      retry_for: {retry_for}\n"
        f"      request_timeout: {request_timeout}\n"))
    path = tmp_path / "kappa.yaml"
    path.write_text(text)
    return str(path)


def up(data_dir, config, *args, check=True, timeout=120):
    p = kappa("up", "--data-dir", data_dir, "--json", "--config", config, *EPHEMERAL, *args,
              check=check, timeout=timeout)
    summary = json.loads(p.stdout.strip().splitlines()[-1]) if p.returncode == 0 else None
    return summary, p


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


def test_bad_sink_config_points_at_its_line(tmp_path):
    config = sink_config(tmp_path, 9042)
    with open(config) as f:
        text = f.read().replace("      consistency: local_one\n", "      consistency: most\n")
    with open(config, "w") as f:
        f.write(text)
    p = kappa("up", "--check", "--config", config, check=False)
    assert p.returncode != 0
    assert "kappa.yaml:" in p.stderr and "consistency 'most'" in p.stderr, p.stderr


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
