"""Every version of every API, checked against an independent schema implementation.

For each request version kafka-python's protocol module defines that kappa advertises, send a
request filled with generic values and decode the response with kafka-python's schema for the
same version: the whole response must parse with no byte left over, and the connection must
stay open. This is what KafkaJS relies on (it picks any version up to the advertised max)."""
import io
import socket
import struct

from kafka.protocol import admin, commit, fetch, group, metadata, offset, produce
from kafka.protocol.types import (Array, Boolean, Bytes, Int8, Int16, Int32, Int64, Schema,
                                  String)

REQUESTS = [
    produce.ProduceRequest, fetch.FetchRequest, offset.OffsetRequest,
    metadata.MetadataRequest, commit.OffsetCommitRequest, commit.OffsetFetchRequest,
    commit.GroupCoordinatorRequest, group.JoinGroupRequest, group.HeartbeatRequest,
    group.LeaveGroupRequest, group.SyncGroupRequest, admin.DescribeGroupsRequest,
    admin.ListGroupsRequest, admin.ApiVersionRequest, admin.CreateTopicsRequest,
    admin.DeleteTopicsRequest, admin.DescribeConfigsRequest, admin.CreatePartitionsRequest,
    admin.DeleteGroupsRequest,
]


# kafka-python schemas that disagree with Kafka's own message definitions
# (clients/src/main/resources/common/message/*.json); kappa follows Kafka's.
KNOWN_SCHEMA_BUGS = {
    # FindCoordinatorResponse v1 starts with ThrottleTimeMs; kafka-python omits it.
    "GroupCoordinatorRequest_v1",
    # DescribeGroupsResponse v3 adds AuthorizedOperations per group; kafka-python omits it.
    "DescribeGroupsRequest_v3",
}


def generic(t):
    """A plausible value of schema type t (one element per array)."""
    if isinstance(t, Schema):
        return tuple(generic(ft) for ft in t.fields)
    if isinstance(t, Array):
        elem = generic(t.array_of)
        try:
            t.array_of.encode(elem)
        except TypeError:  # kafka-python's Fetch v7+ forgotten_topics schema is broken
            return []
        return [elem]
    if t in (Int8, Int32, Int64) or isinstance(t, (Int8, Int32, Int64)):
        return 0
    if t is Int16 or isinstance(t, Int16):
        return 1  # acks=1, replication factor 1
    if t is Boolean or isinstance(t, Boolean):
        return False
    if isinstance(t, String) or t is String:
        return "vt"
    if t is Bytes or isinstance(t, Bytes):
        return b""
    raise TypeError(t)


class Conn:
    def __init__(self, bootstrap):
        host, port = bootstrap.split(":")
        self.s = socket.create_connection((host, int(port)), timeout=10)
        self.corr = 0

    def call(self, key, version, body):
        self.corr += 1
        client = b"all-versions"
        header = struct.pack(">hhih", key, version, self.corr, len(client)) + client
        msg = header + body
        self.s.sendall(struct.pack(">i", len(msg)) + msg)
        size = struct.unpack(">i", self.recv(4))[0]
        data = self.recv(size)
        assert struct.unpack(">i", data[:4])[0] == self.corr
        return data[4:]

    def recv(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.s.recv(n - len(buf))
            assert chunk, "broker closed the connection"
            buf += chunk
        return buf


def advertised(conn):
    body = conn.call(18, 0, b"")
    resp = admin.ApiVersionResponse[0].decode(io.BytesIO(body))
    assert resp.error_code == 0
    return {k: (lo, hi) for k, lo, hi in resp.api_versions}


def test_every_version_decodes_with_independent_schema(broker):
    conn = Conn(broker.bootstrap)
    ranges = advertised(conn)
    tested = 0
    for versions in REQUESTS:
        key = versions[0].API_KEY
        assert key in ranges, f"API {key} not advertised"
        lo, hi = ranges[key]
        for v, req_cls in enumerate(versions):
            if v < lo or v > hi or req_cls.__name__ in KNOWN_SCHEMA_BUGS:
                continue
            req = req_cls(*[generic(t) for t in req_cls.SCHEMA.fields])
            body = conn.call(key, v, req.encode())
            buf = io.BytesIO(body)
            resp = req_cls.RESPONSE_TYPE.decode(buf)
            assert buf.read() == b"", f"{req_cls.__name__} left bytes undecoded"
            assert resp is not None
            tested += 1
    assert tested >= 60


def test_unknown_version_and_key_close_or_answer(broker):
    conn = Conn(broker.bootstrap)
    # ApiVersions at a version beyond ours: a v0 answer with UNSUPPORTED_VERSION (35).
    body = conn.call(18, 99, b"")
    assert struct.unpack(">h", body[:2])[0] == 35
    # An unknown API key closes the connection.
    client = b"x"
    msg = struct.pack(">hhih", 999, 0, 7, len(client)) + client
    conn.s.sendall(struct.pack(">i", len(msg)) + msg)
    assert conn.s.recv(10) == b""


def test_oversized_and_truncated_frames_close_connection(broker):
    s = socket.create_connection(("127.0.0.1", broker.port), timeout=10)
    s.sendall(struct.pack(">i", 1 << 30))  # over the 100 MiB default
    assert s.recv(10) == b""
    s = socket.create_connection(("127.0.0.1", broker.port), timeout=10)
    # Metadata v1 whose topic array claims a million entries: malformed, closed.
    msg = struct.pack(">hhih", 3, 1, 1, 1) + b"x" + struct.pack(">i", 1_000_000)
    s.sendall(struct.pack(">i", len(msg)) + msg)
    assert s.recv(10) == b""
    # The broker still serves new connections.
    assert advertised(Conn(broker.bootstrap))[0] == (0, 7)
