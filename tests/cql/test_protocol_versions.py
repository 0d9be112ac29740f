"""Every protocol version the server accepts works end to end with the DataStax Python driver
pinned to it: connect, DDL, simple and prepared writes and reads of every column type (v3
knows date, time, smallint and tinyint only as custom types), paging, batches, errors. The
versions offered are exactly those the server names in its "unsupported version" error; the
driver's own negotiation from its highest version lands on the highest of them."""
import datetime
import re
import socket
import struct
import uuid
from decimal import Decimal

import pytest
from cassandra import InvalidRequest
from cassandra.cluster import Cluster
from cassandra.protocol import SyntaxException
from cassandra.query import BatchStatement, SimpleStatement
from cassandra.util import Date, Time

from cql_server import CqlServer
from test_protocol_edges import error_of, frame, read_frame


def advertised_versions(port):
    """The versions the server names when asked for one it does not speak."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(frame(0x42, 1, 0x05))
        _, _, opcode, body = read_frame(s)
    assert opcode == 0x00
    code, msg = error_of(body)
    assert code == 0x000A
    return sorted(int(v) for v in re.findall(r"(\d+)/v\d+", msg))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = CqlServer(str(tmp_path_factory.mktemp("versions") / "data"))
    yield s
    assert s.stop() == 0


def test_advertised_versions_are_v3_and_v4(server):
    assert advertised_versions(server.port) == [3, 4]
    # What a driver that starts from the top negotiates to.
    cluster = Cluster(["127.0.0.1"], port=server.port)
    try:
        cluster.connect()
        assert cluster.protocol_version == 4
    finally:
        cluster.shutdown()


ROW = dict(k=1, c=2, d=Date(datetime.date(2024, 2, 29)), t=Time(datetime.time(13, 14, 15, 16)),
           s=-32768, ti=-128, ts=datetime.datetime(2024, 1, 2, 3, 4, 5, 678000), b=b"\x00\xff",
           u=uuid.UUID("12345678-1234-5678-1234-567812345678"), dec=Decimal("-1.25"),
           li=[Date(datetime.date(1970, 1, 1)), Date(datetime.date(2038, 1, 19))],
           m={1: -1, 2: 127})


@pytest.mark.parametrize("version", [3, 4])
def test_version_end_to_end(server, version):
    assert version in advertised_versions(server.port)
    cluster = Cluster(["127.0.0.1"], port=server.port, protocol_version=version)
    session = cluster.connect()
    try:
        assert cluster.protocol_version == version
        ks = f"v{version}"
        session.execute(f"CREATE KEYSPACE {ks} WITH replication = "
                        "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        session.set_keyspace(ks)
        session.execute("CREATE TABLE types (k int, c int, d date, t time, s smallint, ti tinyint, "
                        "ts timestamp, b blob, u uuid, dec decimal, li frozen<list<date>>, "
                        "m frozen<map<smallint, tinyint>>, PRIMARY KEY (k, c))")
        names = list(ROW)
        ins = session.prepare(f"INSERT INTO types ({', '.join(names)}) "
                              f"VALUES ({', '.join('?' * len(names))})")
        session.execute(ins, [ROW[n] for n in names])
        sel = session.prepare("SELECT * FROM types WHERE k = ? AND c = ?")
        row = session.execute(sel, (1, 2)).one()
        for n in names:
            assert getattr(row, n) == ROW[n], n
        # The same row through a QUERY with the driver's literals.
        simple = session.execute("SELECT d, t, s, ti FROM types WHERE k = 1").one()
        assert (simple.d, simple.t, simple.s, simple.ti) == (ROW["d"], ROW["t"], -32768, -128)
        # Bind metadata of v4-only types on v3 (custom types), and a date bound in a WHERE.
        by_date = session.prepare("SELECT c FROM types WHERE k = ? AND c = ? AND d = ? ALLOW FILTERING")
        assert session.execute(by_date, (1, 2, ROW["d"])).one().c == 2

        # Paging over one partition, prepared and simple.
        session.execute("CREATE TABLE p (k int, c int, v text, PRIMARY KEY (k, c))")
        pins = session.prepare("INSERT INTO p (k, c, v) VALUES (?, ?, ?)")
        for c in range(95):
            session.execute(pins, (7, c, f"v{c}"))
        psel = session.prepare("SELECT c FROM p WHERE k = ?")
        psel.fetch_size = 10
        rs = session.execute(psel, (7,))
        assert len(rs.current_rows) == 10 and rs.has_more_pages
        assert [r.c for r in rs] == list(range(95))
        rs = session.execute(SimpleStatement("SELECT c FROM p WHERE k = 7", fetch_size=30))
        assert [r.c for r in rs] == list(range(95))

        # A batch of prepared and simple statements.
        batch = BatchStatement()
        batch.add(pins, (8, 1, "a"))
        batch.add(SimpleStatement("INSERT INTO p (k, c, v) VALUES (8, 2, 'b')"))
        batch.add(SimpleStatement("DELETE FROM p WHERE k = 7 AND c = 0"))
        session.execute(batch)
        assert [tuple(r) for r in session.execute("SELECT c, v FROM p WHERE k = 8")] == [(1, "a"), (2, "b")]
        assert session.execute("SELECT count(*) FROM p WHERE k = 7").one()[0] == 94

        # Errors keep their classes, and the connection keeps serving.
        with pytest.raises(SyntaxException):
            session.execute("SELEKT * FROM p")
        with pytest.raises(InvalidRequest, match="unconfigured table nosuch"):
            session.execute("SELECT * FROM nosuch")
        with pytest.raises(InvalidRequest, match="unconfigured table nosuch"):
            session.prepare("SELECT * FROM nosuch WHERE k = ?")
        with pytest.raises(InvalidRequest, match="Some partition key parts are missing: k"):
            session.prepare("UPDATE p SET v = ? WHERE c = ?")
        assert session.execute(psel, (8,)).one().c == 1
    finally:
        cluster.shutdown()


def test_v3_prepared_metadata_has_no_partition_key_indexes(server):
    """native_protocol_v3.spec 4.2.5.4: <id><metadata><result_metadata>, where <metadata> is
    <flags><columns_count>[<global_table_spec>]<col_spec>*: no pk count (v4 only)."""
    def startup(s, version):
        body = struct.pack(">H", 1) + struct.pack(">H", 11) + b"CQL_VERSION" + struct.pack(">H", 5) + b"3.0.0"
        s.sendall(frame(version, 1, 0x01, body))
        assert read_frame(s)[2] == 0x02

    def prepare(s, version, cql):
        q = cql.encode()
        s.sendall(frame(version, 2, 0x09, struct.pack(">I", len(q)) + q))
        v, _, opcode, body = read_frame(s)
        assert v == 0x80 | version and opcode == 0x08, error_of(body) if opcode == 0 else opcode
        kind, idlen = struct.unpack(">iH", body[:6])
        assert kind == 4
        return body[6 + idlen:]

    cql = "SELECT v FROM v4.p WHERE k = ? AND c = ?"
    cluster = Cluster(["127.0.0.1"], port=server.port)
    try:
        s = cluster.connect()
        s.execute("CREATE KEYSPACE IF NOT EXISTS v4 WITH replication = "
                  "{'class': 'SimpleStrategy', 'replication_factor': 1}")
        s.execute("CREATE TABLE IF NOT EXISTS v4.p (k int, c int, v text, PRIMARY KEY (k, c))")
    finally:
        cluster.shutdown()
    for version in (3, 4):
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as s:
            startup(s, version)
            meta = prepare(s, version, cql)
        flags, count = struct.unpack(">ii", meta[:8])
        assert flags == 1 and count == 2
        rest = meta[8:]
        if version == 4:
            pk_count, pk0 = struct.unpack(">iH", rest[:6])
            assert (pk_count, pk0) == (1, 0)
            rest = rest[6:]
        # Then the global table spec: keyspace "v4", table "p".
        assert rest.startswith(struct.pack(">H", 2) + b"v4" + struct.pack(">H", 1) + b"p"), version
