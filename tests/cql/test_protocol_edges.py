"""Raw-socket checks of the frame layer: version negotiation as drivers expect it, and
malformed or hostile frames answered with protocol errors without harming the server."""
import socket
import struct

import pytest
from cassandra.cluster import Cluster

from cql_server import CqlServer


@pytest.fixture
def server(tmp_path):
    s = CqlServer(str(tmp_path / "data"))
    yield s
    assert s.stop() == 0


def frame(version, stream, opcode, body=b"", flags=0):
    return struct.pack(">BBhBI", version, flags, stream, opcode, len(body)) + body


def read_frame(sock):
    hdr = b""
    while len(hdr) < 9:
        chunk = sock.recv(9 - len(hdr))
        if not chunk:
            raise EOFError
        hdr += chunk
    version, flags, stream, opcode, length = struct.unpack(">BBhBI", hdr)
    body = b""
    while len(body) < length:
        body += sock.recv(length - len(body))
    return version, stream, opcode, body


def string_map(d):
    out = struct.pack(">H", len(d))
    for k, v in d.items():
        out += struct.pack(">H", len(k)) + k.encode() + struct.pack(">H", len(v)) + v.encode()
    return out


def error_of(body):
    code, n = struct.unpack(">iH", body[:6])
    return code, body[6:6 + n].decode()


def test_unsupported_version_gets_v4_protocol_error_and_close(server):
    for version in (5, 0x42, 2):
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
            s.sendall(frame(version, 7, 0x05))
            v, stream, opcode, body = read_frame(s)
            assert v == 0x84 and opcode == 0x00
            code, msg = error_of(body)
            assert code == 0x000A
            assert "Invalid or unsupported protocol version" in msg
            if version != 2:
                assert stream == 7
            assert s.recv(1) == b""  # closed


def test_options_startup_and_query_before_startup(server):
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(frame(4, 1, 0x05))
        v, stream, opcode, body = read_frame(s)
        assert opcode == 0x06 and b"CQL_VERSION" in body and b"COMPRESSION" in body
        query = struct.pack(">I", 8) + b"SELECT 1" + struct.pack(">HB", 1, 0)
        s.sendall(frame(4, 2, 0x07, query))
        _, stream, opcode, body = read_frame(s)
        assert opcode == 0x00 and stream == 2
        assert "expecting STARTUP or OPTIONS" in error_of(body)[1]
        s.sendall(frame(4, 3, 0x01, string_map({"CQL_VERSION": "3.0.0"})))
        _, stream, opcode, _ = read_frame(s)
        assert opcode == 0x02 and stream == 3


def test_garbage_never_hurts_the_server(server):
    bad_frames = [
        frame(4, 1, 0x01, b"\xff\xff"),                       # truncated string map
        frame(4, 1, 0x01, string_map({"CQL_VERSION": "3.0.0"})) + frame(4, 2, 0x07, b"\x00\x00\x10\x00abc"),
        frame(4, 1, 0x01, string_map({"CQL_VERSION": "3.0.0"})) + frame(4, 2, 0x0A, b"\x00"),
        frame(4, 1, 0x01, string_map({"CQL_VERSION": "3.0.0"})) + frame(4, 2, 0x0D, b"\x00\xff\xff"),
        frame(4, 1, 0x01, string_map({"CQL_VERSION": "3.0.0"})) + frame(4, 2, 0x33, b""),
        frame(4, 1, 0x01, string_map({"CQL_VERSION": "3.0.0"})) + frame(4, 2, 0x07, b"", flags=1),
        struct.pack(">BBhBI", 4, 0, 1, 0x07, 0x7fffffff),    # absurd length
    ]
    for data in bad_frames:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
            s.sendall(data)
            try:
                while True:
                    v, stream, opcode, body = read_frame(s)
                    if opcode == 0x00:
                        code, _ = error_of(body)
                        assert code == 0x000A
                        break
            except (EOFError, ConnectionResetError, socket.timeout):
                pass
    # The server still serves a real driver.
    cluster = Cluster(["127.0.0.1"], port=server.port)
    try:
        assert cluster.connect().execute("SELECT key FROM system.local").one().key == "local"
    finally:
        cluster.shutdown()


def test_query_with_skip_metadata_gets_rows_without_metadata(server):
    """QUERY with flag 0x02: the Rows result has NO_METADATA and still the column count."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
        s.sendall(frame(4, 1, 0x01, string_map({"CQL_VERSION": "3.0.0"})))
        assert read_frame(s)[2] == 0x02
        cql = b"SELECT key, data_center FROM system.local"
        for flags, want_meta in ((0x02, False), (0x00, True)):
            query = struct.pack(">I", len(cql)) + cql + struct.pack(">HB", 1, flags)
            s.sendall(frame(4, 2, 0x07, query))
            _, stream, opcode, body = read_frame(s)
            assert opcode == 0x08 and stream == 2
            kind, meta_flags, count = struct.unpack(">iii", body[:12])
            assert kind == 2 and count == 2
            assert bool(meta_flags & 0x0004) != want_meta
            pos = 12
            if want_meta:
                for _ in range(2):  # global table spec, then name + type per column
                    n = struct.unpack(">H", body[pos:pos + 2])[0]
                    pos += 2 + n
                for _ in range(2):
                    n = struct.unpack(">H", body[pos:pos + 2])[0]
                    pos += 2 + n + 2
            rows = struct.unpack(">i", body[pos:pos + 4])[0]
            pos += 4
            assert rows == 1
            cells = []
            for _ in range(2):
                n = struct.unpack(">i", body[pos:pos + 4])[0]
                cells.append(body[pos + 4:pos + 4 + n])
                pos += 4 + n
            assert cells == [b"local", b"datacenter1"] and pos == len(body)
