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
import re
import signal
import socketserver
import struct
import subprocess
import threading
import time
import uuid

from cassandra import InvalidRequest
from cassandra.auth import PlainTextAuthProvider
from cassandra.cluster import Cluster
from cassandra.metadata import Murmur3Token

from conftest import KAPPA, free_port, kappa, wait_for_port

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DEFAULT_CONFIG = os.path.join(ROOT, "config", "kappa.yaml")
JOB = "users_to_cassandra"
TABLE = "spark_streams.created_users"
EPHEMERAL = ["--kafka-listen", "127.0.0.1:0", "--cql-listen", "127.0.0.1:0"]
TTL_LINE = "    ttl: 1d                       # stored rows expire after this (0 = never)\n"


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


def test_rows_of_one_partition_go_as_unlogged_batches(tmp_path):
    """A table partitioned by gender with clustering column id: each batch's rows of one
    partition go together as UNLOGGED BATCHes (at most batch_rows each)."""
    node = Node(str(tmp_path / "node"))
    data_dir = str(tmp_path / "data")
    config = sink_config(tmp_path, node.port, rate=5000)
    with open(config) as f:
        text = f.read()
    assert "        primary_key: [id]\n" in text
    text = text.replace("        primary_key: [id]\n", "        primary_key: [[gender], id]\n")
    text = text.replace("      max_in_flight: 64\n", "      max_in_flight: 64\n      batch_rows: 20\n")
    with open(config, "w") as f:
        f.write(text)
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
        config = sink_config(tmp_path, node.port)
        with open(config) as f:
            text = f.read()
        good = text.replace("      max_in_flight: 64\n",
                            "      max_in_flight: 64\n      username: kappa\n      password: s3cret\n")
        with open(config, "w") as f:
            f.write(good)
        summary, _ = up(str(tmp_path / "data"), config, "--duration", "1s")
        assert node.count() == summary["stored"] > 0
        with open(config, "w") as f:
            f.write(good.replace("s3cret", "wrong"))
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


# ---- token-aware routing over two nodes -------------------------------------------------
# kappa serves a single-node ring, so two nodes are played by a minimal fake CQL v4 server on
# 127.0.0.1 and 127.0.0.2 (same port, as Cassandra nodes): it answers STARTUP, the discovery
# queries (system.local / system.peers with tokens), DDL, PREPARE and EXECUTE, and records the
# partition key of every INSERT it receives.

def _string(s):
    b = s.encode()
    return struct.pack(">H", len(b)) + b


def _bytes(b):
    return struct.pack(">i", -1) if b is None else struct.pack(">i", len(b)) + b


TEXT, UUID, INET, SET = b"\x00\x0d", b"\x00\x0c", b"\x00\x10", b"\x00\x22"


def _rows(columns, rows):
    body = struct.pack(">iii", 2, 1, len(columns)) + _string("system") + _string("t")
    for name, typ in columns:
        body += _string(name) + typ
    body += struct.pack(">i", len(rows))
    for r in rows:
        body += b"".join(_bytes(c) for c in r)
    return body


def _text_set(items):
    return struct.pack(">i", len(items)) + b"".join(_bytes(i.encode()) for i in items)


class FakeNode(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, address, port, host_id, tokens, peers, dc="dc1"):
        # peers: (address, host_id, tokens[, data center]), dc1 unless given
        self.host_id, self.tokens, self.peers, self.dc = host_id, tokens, peers, dc
        self.keys = []  # partition keys (raw bytes) of the INSERTs executed here
        self.connections = 0
        self.sockets = []
        self.lock = threading.Lock()
        super().__init__((address, port), FakeHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def stop(self):
        """Like a node going down: no more connections, the open ones are reset."""
        self.shutdown()
        self.server_close()
        for sock in self.sockets:
            try:
                sock.shutdown(2)
            except OSError:
                pass


class FakeHandler(socketserver.BaseRequestHandler):
    def read(self, n):
        data = b""
        while len(data) < n:
            chunk = self.request.recv(n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def handle(self):
        node = self.server
        node.sockets.append(self.request)
        node.connections += 1
        try:
            while True:
                version, _, stream, op, length = struct.unpack(">BBhBi", self.read(9))
                body = self.read(length)
                reply_op, reply = self.answer(node, op, body)
                self.request.sendall(struct.pack(">BBhBi", 0x84, 0, stream, reply_op, len(reply)) + reply)
        except (EOFError, ConnectionError, OSError):
            pass

    def answer(self, node, op, body):
        if op == 0x01:  # STARTUP
            return 0x02, b""
        if op == 0x07:  # QUERY
            n = struct.unpack(">i", body[:4])[0]
            q = body[4:4 + n].decode()
            if "system.local" in q:
                return 0x08, _rows([("data_center", TEXT), ("host_id", UUID), ("tokens", SET + TEXT)],
                                   [[node.dc.encode(), node.host_id.bytes, _text_set(node.tokens)]])
            if "system.peers" in q:
                return 0x08, _rows([("peer", INET), ("rpc_address", INET), ("data_center", TEXT),
                                    ("host_id", UUID), ("tokens", SET + TEXT)],
                                   [[bytes(map(int, p[0].split("."))), bytes(map(int, p[0].split("."))),
                                     (p[3] if len(p) > 3 else "dc1").encode(), p[1].bytes,
                                     _text_set(p[2])] for p in node.peers])
            return 0x08, struct.pack(">i", 1)  # DDL and the rest: Void
        if op == 0x09:  # PREPARE: the INSERT of created_users (id uuid, the rest text)
            n = struct.unpack(">i", body[:4])[0]
            q = body[4:4 + n].decode()
            cols = [c.strip().strip('"') for c in re.search(r"\((.*?)\) VALUES", q).group(1).split(",")]
            meta = struct.pack(">iiiH", 1, len(cols), 1, cols.index("id")) + _string("ks") + _string("t")
            for c in cols:
                meta += _string(c) + (UUID if c == "id" else TEXT)
            node.columns = cols
            return 0x08, struct.pack(">i", 4) + struct.pack(">H", 2) + b"p1" + meta + struct.pack(">ii", 4, 0)
        if op == 0x0A and not hasattr(node, "columns"):  # never prepared here: UNPREPARED
            return 0x00, struct.pack(">i", 0x2500) + _string("unprepared") + struct.pack(">H", 2) + b"p1"
        if op == 0x0A:  # EXECUTE: record the partition key
            pos = 2 + struct.unpack(">H", body[:2])[0] + 3  # id, consistency, flags
            count = struct.unpack(">H", body[pos:pos + 2])[0]
            pos += 2
            values = []
            for _ in range(count):
                n = struct.unpack(">i", body[pos:pos + 4])[0]
                values.append(body[pos + 4:pos + 4 + max(n, 0)])
                pos += 4 + max(n, 0)
            with node.lock:
                node.keys.append(values[node.columns.index("id")])
            return 0x08, struct.pack(">i", 1)
        return 0x00, struct.pack(">i", 0x000A) + _string("unsupported opcode")


def owner_is_b(key):
    t = Murmur3Token.hash_fn(key)
    return 0 < t <= 2**62


def test_rows_go_to_the_node_owning_their_token(tmp_path):
    port = free_port()
    a_id, b_id = uuid.uuid4(), uuid.uuid4()
    # A owns (2^62, 0] (wrapping), B owns (0, 2^62].
    a_tokens, b_tokens = ["0"], [str(2**62)]
    a = FakeNode("127.0.0.1", port, a_id, a_tokens, [("127.0.0.2", b_id, b_tokens)])
    b = FakeNode("127.0.0.2", port, b_id, b_tokens, [("127.0.0.1", a_id, a_tokens)])
    try:
        config = sink_config(tmp_path, port, rate=2000)
        summary, _ = up(str(tmp_path / "data"), config, "--duration", "2s")
        assert summary["stored"] > 0 and summary["lag"] == 0, summary
        assert len(a.keys) + len(b.keys) == summary["stored"]
        assert a.keys and b.keys  # both nodes got writes
        assert not [k for k in a.keys if owner_is_b(k)]
        assert all(owner_is_b(k) for k in b.keys)
    finally:
        a.stop()
        b.stop()


def test_a_down_node_s_rows_go_to_the_live_node(tmp_path):
    port = free_port()
    a_id, b_id = uuid.uuid4(), uuid.uuid4()
    a_tokens, b_tokens = ["0"], [str(2**62)]
    a = FakeNode("127.0.0.1", port, a_id, a_tokens, [("127.0.0.2", b_id, b_tokens)])
    b = FakeNode("127.0.0.2", port, b_id, b_tokens, [("127.0.0.1", a_id, a_tokens)])
    config = sink_config(tmp_path, port, rate=1000)
    run = subprocess.Popen([KAPPA, "up", "--data-dir", str(tmp_path / "data"), "--json",
                            "--config", config, "--duration", "4s", *EPHEMERAL],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 30
        while len(b.keys) < 100:
            assert time.time() < deadline and run.poll() is None, "no rows reached node B"
            time.sleep(0.1)
        b.stop()
        out, err = run.communicate(timeout=60)
        assert run.returncode == 0, err[-3000:]
        summary = json.loads(out.strip().splitlines()[-1])
        assert summary["lag"] == 0
        # Every row was acknowledged by one of the nodes (some twice: in flight at B when it
        # went down, then sent again to A), and B's share went to A once B was down.
        assert len(set(a.keys) | set(b.keys)) == summary["stored"]
        assert any(owner_is_b(k) for k in a.keys)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()
        a.stop()


def test_only_the_local_data_center_is_used(tmp_path):
    """Two nodes in two data centers: the sink writes only to the local one (the contact
    point's by default, or sink.local_datacenter), whatever host owns the token, as the
    DataStax drivers' DC-aware policy does; an unknown data center is refused at start."""
    port = free_port()
    a_id, b_id = uuid.uuid4(), uuid.uuid4()
    a_tokens, b_tokens = ["0"], [str(2**62)]
    a = FakeNode("127.0.0.1", port, a_id, a_tokens, [("127.0.0.2", b_id, b_tokens, "dc2")], dc="dc1")
    b = FakeNode("127.0.0.2", port, b_id, b_tokens, [("127.0.0.1", a_id, a_tokens, "dc1")], dc="dc2")
    try:
        config = sink_config(tmp_path, port, rate=2000)
        summary, p = up(str(tmp_path / "d1"), config, "--duration", "1s")
        assert summary["stored"] > 0 and summary["lag"] == 0, summary
        assert len(a.keys) == summary["stored"] and not b.keys
        assert any(owner_is_b(k) for k in a.keys)  # B's tokens too: B is in another DC
        assert b.connections == 0  # a remote host is not even connected to
        assert "local data center dc1: using 1 of 2 hosts" in p.stderr, p.stderr[-2000:]

        with open(config) as f:
            text = f.read()
        with open(config, "w") as f:
            f.write(text.replace("      max_in_flight: 64\n", "      max_in_flight: 64\n      local_datacenter: dc2\n"))
        a.keys.clear()
        summary, _ = up(str(tmp_path / "d2"), config, "--duration", "1s")
        assert summary["stored"] > 0 and len(b.keys) == summary["stored"] and not a.keys

        with open(config, "w") as f:
            f.write(text.replace("      max_in_flight: 64\n", "      max_in_flight: 64\n      local_datacenter: dc3\n"))
        _, p = up(str(tmp_path / "d3"), config, "--duration", "1s", check=False)
        assert p.returncode != 0
        assert "local data center 'dc3' has no hosts" in p.stderr and "dc1, dc2" in p.stderr, p.stderr[-2000:]
    finally:
        a.stop()
        b.stop()
