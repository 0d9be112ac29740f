"""Token-aware and data-center-aware routing of `sink: cassandra` over several nodes.

kappa serves a single-node ring, so the nodes are played by a minimal fake CQL v4 server on
127.0.0.1 and 127.0.0.2 (same port, as Cassandra nodes): it answers STARTUP, the discovery
queries (system.local / system.peers with tokens and data centers), DDL, PREPARE and EXECUTE,
and records the partition key of every INSERT it receives.
"""
import json
import re
import socketserver
import struct
import subprocess
import threading
import time
import uuid

from cassandra.metadata import Murmur3Token

from cassandra_sink_setup import EPHEMERAL, sink_config, up
from conftest import KAPPA, free_port

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
        # peers: (address, host_id, tokens, data center)
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
                                     p[3].encode(), p[1].bytes,
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


def two_nodes(port, dc_a="dc1", dc_b="dc1"):
    """Nodes A (127.0.0.1) and B (127.0.0.2) on `port`, each listing the other as a peer:
    A owns (2^62, 0] (wrapping), B owns (0, 2^62]."""
    a_id, b_id = uuid.uuid4(), uuid.uuid4()
    a_tokens, b_tokens = ["0"], [str(2**62)]
    a = FakeNode("127.0.0.1", port, a_id, a_tokens, [("127.0.0.2", b_id, b_tokens, dc_b)], dc=dc_a)
    b = FakeNode("127.0.0.2", port, b_id, b_tokens, [("127.0.0.1", a_id, a_tokens, dc_a)], dc=dc_b)
    return a, b


def test_rows_go_to_the_node_owning_their_token(tmp_path):
    port = free_port()
    a, b = two_nodes(port)
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
    a, b = two_nodes(port)
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
    a, b = two_nodes(port, dc_a="dc1", dc_b="dc2")
    try:
        config = sink_config(tmp_path, port, rate=2000)
        summary, p = up(str(tmp_path / "d1"), config, "--duration", "1s")
        assert summary["stored"] > 0 and summary["lag"] == 0, summary
        assert len(a.keys) == summary["stored"] and not b.keys
        assert any(owner_is_b(k) for k in a.keys)  # B's tokens too: B is in another DC
        assert b.connections == 0  # a remote host is not even connected to
        assert "local data center dc1: using 1 of 2 hosts" in p.stderr, p.stderr[-2000:]

        config = sink_config(tmp_path, port, rate=2000, extra="      local_datacenter: dc2\n")
        a.keys.clear()
        summary, _ = up(str(tmp_path / "d2"), config, "--duration", "1s")
        assert summary["stored"] > 0 and len(b.keys) == summary["stored"] and not a.keys

        config = sink_config(tmp_path, port, rate=2000, extra="      local_datacenter: dc3\n")
        _, p = up(str(tmp_path / "d3"), config, "--duration", "1s", check=False)
        assert p.returncode != 0
        assert "local data center 'dc3' has no hosts" in p.stderr and "dc1, dc2" in p.stderr, p.stderr[-2000:]
    finally:
        a.stop()
        b.stop()
