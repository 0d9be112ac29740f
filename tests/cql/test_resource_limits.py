"""Issue 19: what one CQL client may cost the server: connections, time, unread answers, the
prepared-statement cache, huge statements. Real `kappa cql-server` / `kappa up` with lowered
limits; the DataStax Python driver where a driver's behaviour is the point."""
import logging
import os
import re
import socket
import struct
import subprocess
import sys
import threading
import time

import pytest
from cassandra.cluster import Cluster

from cql_server import CqlServer

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from conftest import KAPPA, free_port, wait_for_port  # noqa: E402


def frame(stream, opcode, body=b"", version=4):
    return struct.pack(">BBhBI", version, 0, stream, opcode, len(body)) + body


def long_string(s):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack(">i", len(b)) + b


def startup():
    body = struct.pack(">H", 1)
    for k, v in (("CQL_VERSION", "3.0.0"),):
        body += struct.pack(">H", len(k)) + k.encode() + struct.pack(">H", len(v)) + v.encode()
    return frame(0, 0x01, body)


def query(q, stream=1):
    return frame(stream, 0x07, long_string(q) + struct.pack(">HB", 1, 0))


def read_frame(sock):
    def exact(n):
        buf = bytearray()
        while len(buf) < n:
            c = sock.recv(min(n - len(buf), 1 << 20))
            if not c:
                raise EOFError
            buf += c
        return bytes(buf)
    version, flags, stream, opcode, length = struct.unpack(">BBhBI", exact(9))
    return stream, opcode, exact(length)


def error_of(body):
    code, n = struct.unpack(">iH", body[:6])
    return code, body[6:6 + n].decode()


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(startup())
    assert read_frame(s)[1] == 0x02  # READY
    return s


def closed_by_peer(s, timeout):
    s.settimeout(timeout)
    try:
        while True:
            if s.recv(65536) == b"":
                return True
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def driver_with_keyspace_ks(port):
    """A DataStax driver session (protocol v4) with keyspace ks created: (cluster, session)."""
    cluster = Cluster(["127.0.0.1"], port=port, protocol_version=4)
    session = cluster.connect()
    session.execute("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', "
                    "'replication_factor': 1}")
    return cluster, session


@pytest.fixture
def server_with(tmp_path):
    made = []

    def make(*extra):
        s = CqlServer(str(tmp_path / f"data{len(made)}"), *extra)
        made.append(s)
        return s
    yield make
    for s in made:
        s.stop()


def test_max_connections_idle_and_half_sent_request_timeouts(server_with):
    srv = server_with("--max-connections", "3", "--idle-timeout", "1s", "--request-timeout", "1s")
    conns = [connect(srv.port) for _ in range(3)]
    extra = socket.create_connection(("127.0.0.1", srv.port))
    assert closed_by_peer(extra, 5), "a connection over max_connections was not closed"
    conns[0].sendall(query("SELECT release_version FROM system.local")[:20])  # half a frame
    t = time.time()
    assert closed_by_peer(conns[0], 5)  # slowloris
    assert closed_by_peer(conns[1], 5)  # idle
    assert time.time() - t < 5
    s = connect(srv.port)  # room again
    s.sendall(query("SELECT release_version FROM system.local"))
    assert read_frame(s)[1] == 0x08
    s.close()


def confine_to_one_cpu(pid):
    """Puts every thread of the process on one CPU: a thread the sweep wakes then runs at
    once, while the sweep's thread is paused mid-close, as on a loaded machine."""
    cpu = min(os.sched_getaffinity(0))
    for tid in os.listdir(f"/proc/{pid}/task"):
        os.sched_setaffinity(int(tid), {cpu})


def test_idle_and_slow_connections_keep_being_closed_on_a_busy_server(server_with):
    # The sweep closed connections under the listener's lock, holding a reference to each
    # for a moment; when a connection's own thread ended it meanwhile, the sweep's thread
    # destroyed it and deadlocked on that lock: no more closes, and the shard it ran on (the
    # acceptor's) stopped serving. Confined to one CPU that happened in about half the runs.
    srv = server_with("--idle-timeout", "300ms", "--request-timeout", "300ms")
    confine_to_one_cpu(srv.proc.pid)
    for _ in range(3):
        conns = [connect(srv.port) for _ in range(6)]
        for c in conns[::2]:
            c.sendall(query("SELECT release_version FROM system.local")[:20])  # half a frame
        for i, c in enumerate(conns):
            assert closed_by_peer(c, 5), f"connection {i} was not closed"
            c.close()
    cluster = Cluster(["127.0.0.1"], port=srv.port, protocol_version=4)
    session = cluster.connect()
    assert session.execute("SELECT release_version FROM system.local").one() is not None
    cluster.shutdown()
    assert srv.stop() == 0


def test_a_client_that_does_not_read_its_answers_is_not_buffered_without_bound(server_with):
    srv = server_with("--max-output-per-connection", "1MiB")
    cluster, session = driver_with_keyspace_ks(srv.port)
    session.execute("CREATE TABLE ks.big (k int PRIMARY KEY, v text)")
    ins = session.prepare("INSERT INTO ks.big (k, v) VALUES (?, ?)")
    for k in range(100):
        session.execute(ins, (k, "x" * 10000))  # each unpaged SELECT answers ~1 MB
    cluster.shutdown()
    s = connect(srv.port)
    before = rss_kib(srv.proc.pid)
    q = query("SELECT * FROM ks.big")
    s.setblocking(False)
    sent = 0
    deadline = time.time() + 4
    while sent < 150 and time.time() < deadline:  # 150 SELECTs, ~150 MB of answers, unread
        try:
            s.sendall(q)
            sent += 1
        except BlockingIOError:
            time.sleep(0.01)
    time.sleep(1)
    grown = rss_kib(srv.proc.pid) - before
    assert grown < 60 * 1024, f"RSS grew by {grown} KiB for {sent} unread SELECTs"
    # Another client is served meanwhile.
    other = connect(srv.port)
    other.sendall(query("SELECT release_version FROM system.local"))
    assert read_frame(other)[1] == 0x08
    # Reading catches up: the paused requests are answered after all.
    s.setblocking(True)
    s.settimeout(30)
    got = 0
    while got < sent:
        _, opcode, _ = read_frame(s)
        assert opcode == 0x08
        got += 1
    s.close()
    other.close()


def test_prepared_cache_evicts_and_the_driver_prepares_again(server_with):
    srv = server_with("--prepared-cache-size", "64KiB")
    cluster, session = driver_with_keyspace_ks(srv.port)
    session.execute("CREATE TABLE ks.t (k int PRIMARY KEY, v text)")
    session.execute("INSERT INTO ks.t (k, v) VALUES (1, 'one')")
    padding = "x" * 4000  # ~9 KB per cached statement: the cache holds a handful
    stmts = [session.prepare(f"SELECT v FROM ks.t WHERE k = ? /* {i} {padding} */")
             for i in range(40)]
    reprepared = []

    class Catch(logging.Handler):
        def emit(self, record):
            if "Re-preparing" in record.getMessage():
                reprepared.append(record.getMessage())
    logger = logging.getLogger("cassandra.cluster")
    handler = Catch(level=logging.DEBUG)
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        # The first statement was evicted long ago: the server answers UNPREPARED and the
        # driver prepares it again, transparently.
        rows = list(session.execute(stmts[0], (1,)))
        assert rows[0].v == "one"
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
    assert reprepared, "the server never answered UNPREPARED: the cache did not evict"
    for st in stmts[-3:]:  # recent ones are still cached and work
        assert list(session.execute(st, (1,)))[0].v == "one"
    cluster.shutdown()


def test_statement_and_frame_size_limits(server_with):
    srv = server_with("--max-statement-size", "64KiB", "--max-frame-size", "1MiB")
    s = connect(srv.port)
    s.sendall(query("SELECT * FROM system.local WHERE " + "x " * 40000))
    stream, opcode, body = read_frame(s)
    code, msg = error_of(body)
    assert opcode == 0x00 and code == 0x2200 and "max_statement_size" in msg, msg
    s.sendall(query("SELECT release_version FROM system.local"))  # the connection still works
    assert read_frame(s)[1] == 0x08
    s.sendall(struct.pack(">BBhBI", 4, 0, 5, 0x07, 2 << 20))  # announces 2 MiB, sends none
    stream, opcode, body = read_frame(s)
    code, msg = error_of(body)
    assert code == 0x000A and "max_frame_size" in msg, msg
    assert closed_by_peer(s, 5)


def up_config(tmp_path, cql_port, kafka_port):
    cfg = tmp_path / "kappa.yaml"
    cfg.write_text(f"""data_dir: {tmp_path / 'up-data'}
listeners:
  kafka: 127.0.0.1:{kafka_port}
  cql: 127.0.0.1:{cql_port}
  http: "off"
  cql_limits:
    max_statement_size: 32MiB
    max_frame_size: 64MiB
""")
    return str(cfg)


def test_a_huge_garbage_query_does_not_hold_other_clients_in_kappa_up(tmp_path):
    cql_port, kafka_port = free_port(), free_port()
    proc = subprocess.Popen([KAPPA, "up", "--config", up_config(tmp_path, cql_port, kafka_port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(cql_port, timeout=30)
        garbage = query("a " * (8 << 20))  # 16 MiB of garbage, under the statement limit
        bad = connect(cql_port)
        good = connect(cql_port)
        results = {}

        def send_garbage():
            t = time.time()
            for _ in range(3):
                bad.sendall(garbage)
                read_frame(bad)
            results["garbage"] = time.time() - t
        th = threading.Thread(target=send_garbage)
        th.start()
        worst = 0
        n = 0
        while th.is_alive() or n < 20:  # for as long as the garbage is being sent and parsed
            n += 1
            t = time.time()
            good.sendall(query("SELECT release_version FROM system.local"))
            assert read_frame(good)[1] == 0x08
            worst = max(worst, time.time() - t)
        th.join(60)
        assert worst < 2.0, f"a simple query waited {worst:.1f} s behind garbage queries"
        assert "garbage" in results
        bad.close()
        good.close()
    finally:
        proc.send_signal(2)
        try:
            _, err = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    assert re.search(r"cql: listening on .*threads: \d+", err), err[-2000:]
    assert "open-file limit" in err


def test_large_rows_page_by_bytes_and_unpaged_results_are_bounded(server_with):
    """Rows of 50 KB under --max-result-size 512KiB: every query shape still returns every
    row once, in order, through the driver's paging (pages end early by bytes, with a paging
    state); with paging off a result beyond the limit is an InvalidRequest saying to page it,
    and a small unpaged one still works."""
    from cassandra import InvalidRequest
    from cassandra.query import SimpleStatement
    srv = server_with("--max-result-size", "512KiB")
    cluster, session = driver_with_keyspace_ks(srv.port)
    session.execute("CREATE TABLE ks.wide (p int, c int, v blob, PRIMARY KEY (p, c))")
    session.execute("CREATE TABLE ks.flat (k int PRIMARY KEY, v blob)")
    blob = os.urandom(50_000)
    wide = session.prepare("INSERT INTO ks.wide (p, c, v) VALUES (?, ?, ?)")
    flat = session.prepare("INSERT INTO ks.flat (k, v) VALUES (?, ?)")
    for c in range(300):
        session.execute(wide, (1, c, blob))
    for c in range(20):
        session.execute(wide, (2, c, blob))
    for k in range(100):
        session.execute(flat, (k, blob))

    p1 = [(1, c) for c in range(300)]
    p2 = [(2, c) for c in range(20)]
    shapes = [
        ("SELECT p, c, v FROM ks.wide WHERE p = 1", p1),
        ("SELECT p, c, v FROM ks.wide WHERE p IN (1, 2)", p1 + p2),
        ("SELECT p, c, v FROM ks.wide WHERE p = 1 AND c >= 100", p1[100:]),
        ("SELECT p, c, v FROM ks.wide WHERE p = 1 ORDER BY c DESC", p1[::-1]),
        ("SELECT p, c, v FROM ks.wide WHERE p = 1 LIMIT 250", p1[:250]),
        ("SELECT p, c, v FROM ks.wide", None),  # token order: compared as a set
        ("SELECT p, c, v FROM ks.wide WHERE c < 50 ALLOW FILTERING", None),
        ("SELECT k, v FROM ks.flat", None),
        ("SELECT p, c, v FROM ks.wide PER PARTITION LIMIT 100", None),
        ("SELECT p, c, v FROM ks.wide WHERE token(p) >= -9223372036854775808", None),
        ("SELECT p, c, v FROM ks.wide WHERE p = 1 AND c IN (5, 6, 7, 8, 9, 10, 11, 12, 13, 14, "
         "15, 16, 17, 18, 19, 20, 21, 22, 23, 24)", p1[5:25]),
    ]
    for q, expected in shapes:
        first = session.execute(SimpleStatement(q, fetch_size=5000))
        assert first.has_more_pages, f"{q}: one page of 5000 rows of 50 KB was not cut by bytes"
        rows = list(session.execute(SimpleStatement(q, fetch_size=5000)))
        keys = [tuple(r)[:-1] for r in rows]
        assert all(r.v == blob for r in rows), q
        assert len(keys) == len(set(keys)), f"{q}: a row came twice"
        if expected is not None:
            assert keys == expected, q
        elif "flat" in q:
            assert sorted(keys) == [(k,) for k in range(100)], q
        elif "c < 50" in q:
            assert sorted(keys) == [(1, c) for c in range(50)] + p2, q
        elif "PER PARTITION" in q:
            assert sorted(keys) == p1[:100] + p2, q
        else:
            assert sorted(keys) == p1 + p2, q
        # Paging off: refused beyond the limit, with what to do.
        with pytest.raises(InvalidRequest) as e:
            session.execute(SimpleStatement(q, fetch_size=None))
        assert "max_result_size" in str(e.value) and "page it" in str(e.value), str(e.value)
    small = list(session.execute(SimpleStatement(
        "SELECT p, c, v FROM ks.wide WHERE p = 1 LIMIT 5", fetch_size=None)))
    assert [(r.p, r.c) for r in small] == p1[:5]
    # Aggregates count every row without keeping them (15 MB of rows, a 512 KiB limit).
    for q, n in (("SELECT count(*) FROM ks.wide WHERE p = 1", 300),
                 ("SELECT count(v) FROM ks.wide WHERE p IN (1, 2)", 320),
                 ("SELECT count(v) FROM ks.wide", 320),
                 ("SELECT count(*) FROM ks.wide WHERE c < 50 ALLOW FILTERING", 70)):
        assert list(session.execute(q))[0][0] == n, q
    # IN with ORDER BY sorts every matching row in memory: refused beyond the limit.
    with pytest.raises(InvalidRequest) as e:
        session.execute(SimpleStatement(
            "SELECT p, c, v FROM ks.wide WHERE p IN (1, 2) ORDER BY c LIMIT 5", fetch_size=None))
    assert "max_result_size" in str(e.value), str(e.value)
    cluster.shutdown()
    # v3, the other version the server speaks, pages the same way.
    for version in (3,):
        c = Cluster(["127.0.0.1"], port=srv.port, protocol_version=version)
        s = c.connect()
        rows = list(s.execute(SimpleStatement("SELECT p, c, v FROM ks.wide WHERE p = 1",
                                              fetch_size=5000)))
        assert [(r.p, r.c) for r in rows] == p1, version
        c.shutdown()
