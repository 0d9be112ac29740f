"""Issue 19: what one Kafka client may cost `kappa broker` (descriptors, memory, connections,
time). Each test runs the real broker with lowered limits so it takes seconds."""
import os
import re
import resource
import signal
import socket
import struct
import subprocess
import time

import pytest
from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, NewTopic

from conftest import KAPPA, free_port, wait_for_port


def low_fds(n):
    def set_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))
    return set_limit


class LimitedBroker:
    """A `kappa broker` with extra flags and an optional open-file limit."""

    def __init__(self, data_dir, *extra, fds=None):
        self.data_dir, self.extra, self.fds = data_dir, list(extra), fds
        self.port = free_port()
        self.log_path = data_dir + ".log"
        self.proc = None

    def popen(self):
        self.logf = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [KAPPA, "broker", "--data-dir", self.data_dir, "--listen", f"127.0.0.1:{self.port}",
             *self.extra],
            stdout=subprocess.PIPE, stderr=self.logf, text=True,
            preexec_fn=low_fds(self.fds) if self.fds else None)
        return self.proc

    def start(self):
        self.popen()
        line = self.proc.stdout.readline()
        assert "listening on" in line, f"broker did not start: {line!r}\n{self.log()}"
        wait_for_port(self.port)
        return self

    @property
    def bootstrap(self):
        return f"127.0.0.1:{self.port}"

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode if self.proc else None
        self.proc = None
        self.logf.close()
        return rc


@pytest.fixture
def brokers(tmp_path):
    made = []

    def make(*extra, fds=None, name="data"):
        b = LimitedBroker(str(tmp_path / name), *extra, fds=fds)
        made.append(b)
        return b
    yield make
    for b in made:
        if b.proc:
            b.stop()


def admin(b):
    return AdminClient({"bootstrap.servers": b.bootstrap, "socket.timeout.ms": 10000})


def create(b, name, partitions):
    a = admin(b)  # kept alive until the result arrives
    fut = a.create_topics([NewTopic(name, partitions, 1)], request_timeout=20)[name]
    return fut.result(timeout=30)


def kafka_error(exc_info):
    err = exc_info.value.args[0]
    return err.name(), err.str()


# ---- raw protocol helpers ------------------------------------------------------------------

def request(api_key, version, body, corr=1):
    head = struct.pack(">hhi", api_key, version, corr) + struct.pack(">h", 4) + b"test"
    msg = head + body
    return struct.pack(">i", len(msg)) + msg


def api_versions():
    return request(18, 0, b"")


def recv_frame(s):
    def exact(n):
        buf = b""
        while len(buf) < n:
            c = s.recv(n - len(buf))
            if not c:
                return None
            buf += c
        return buf
    head = exact(4)
    if head is None:
        return None
    return exact(struct.unpack(">i", head)[0])


def closed_by_peer(s, timeout):
    """True if the server closes `s` within `timeout` seconds."""
    s.settimeout(timeout)
    try:
        return s.recv(1) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


def metadata_v1(topics):
    body = struct.pack(">i", len(topics))
    for t in topics:
        body += struct.pack(">h", len(t)) + t.encode()
    return request(3, 1, body)


# ---- descriptors ---------------------------------------------------------------------------

def test_data_dir_with_more_partitions_than_descriptors_fails_to_start_cleanly(brokers):
    b = brokers().start()
    create(b, "wide", 300)  # ~600 descriptors
    assert b.stop() == 0
    low = brokers(fds=256, name="data")
    proc = low.popen()
    out, _ = proc.communicate(timeout=60)
    low.proc = None
    low.logf.close()
    assert proc.returncode == 1, f"exit {proc.returncode} (negative: killed by a signal)\n{low.log()}"
    assert "out of file descriptors" in low.log() and "topic wide" in low.log(), low.log()
    # With enough descriptors the same data directory starts and has every partition.
    again = brokers(name="data").start()
    md = admin(again).list_topics(timeout=10)
    assert len(md.topics["wide"].partitions) == 300


def test_create_topics_beyond_descriptors_is_an_error_and_the_broker_keeps_serving(brokers):
    b = brokers(fds=256).start()
    with pytest.raises(KafkaException) as e:
        create(b, "big", 600)
    name, msg = kafka_error(e)
    assert name == "KAFKA_STORAGE_ERROR" and "open files" in msg, (name, msg)
    assert b.proc.poll() is None
    assert not os.path.exists(os.path.join(b.data_dir, "log", "topics", "big"))
    create(b, "small", 8)  # what fits still works
    # A Metadata request naming many unknown topics auto-creates while descriptors last,
    # then answers UNKNOWN_TOPIC_OR_PARTITION for the rest: no crash, no half topic.
    with socket.create_connection(("127.0.0.1", b.port)) as s:
        s.sendall(metadata_v1([f"auto{i}" for i in range(200)]))
        assert recv_frame(s) is not None
    assert b.proc.poll() is None
    created = [t for t in admin(b).list_topics(timeout=10).topics if t.startswith("auto")]
    assert 0 < len(created) < 200
    assert b.stop() == 0
    # Restart under the same limit: everything that was created opens.
    b2 = brokers(fds=256, name="data").start()
    assert "small" in admin(b2).list_topics(timeout=10).topics


def test_partition_caps_per_request_and_in_total(brokers):
    b = brokers("--max-partitions-per-request", "10", "--max-partitions", "25").start()
    with pytest.raises(KafkaException) as e:
        create(b, "t1", 11)
    name, msg = kafka_error(e)
    assert name == "POLICY_VIOLATION" and "at most 10" in msg, (name, msg)
    create(b, "t1", 10)
    create(b, "t2", 10)
    with pytest.raises(KafkaException) as e:
        create(b, "t3", 6)
    name, msg = kafka_error(e)
    assert name == "POLICY_VIOLATION" and "max_partitions" in msg, (name, msg)
    # One Metadata request may auto-create at most 10 partitions (1 per topic by default).
    with socket.create_connection(("127.0.0.1", b.port)) as s:
        s.sendall(metadata_v1([f"m{i}" for i in range(12)]))
        assert recv_frame(s) is not None
    topics = admin(b).list_topics(timeout=10).topics
    assert len([t for t in topics if t.startswith("m")]) == 5  # 25 - 20 already held


# ---- memory --------------------------------------------------------------------------------

def test_announced_request_size_costs_no_memory_until_the_bytes_arrive(brokers):
    b = brokers().start()
    before = b.rss_kib()
    socks = []
    for _ in range(8):
        s = socket.create_connection(("127.0.0.1", b.port))
        s.sendall(struct.pack(">i", 100 << 20) + b"\x00" * 1000)  # 100 MiB announced
        socks.append(s)
    time.sleep(1.0)
    grown = b.rss_kib() - before
    assert grown < 40 * 1024, f"RSS grew by {grown} KiB for 8 announced 100 MiB requests"
    # The broker still serves others.
    with socket.create_connection(("127.0.0.1", b.port)) as s:
        s.sendall(api_versions())
        assert recv_frame(s) is not None
    for s in socks:
        s.close()


def test_request_bytes_in_flight_are_bounded_for_the_whole_server(brokers):
    b = brokers("--max-request-bytes-in-flight", "4MiB", "--request-timeout", "2s").start()
    before = b.rss_kib()
    socks = []
    for _ in range(8):  # each sends 3 MiB of a 50 MiB request, then stalls
        s = socket.create_connection(("127.0.0.1", b.port))
        s.setblocking(False)
        s.send(struct.pack(">i", 50 << 20))
        sent = 0
        deadline = time.time() + 2
        while sent < (3 << 20) and time.time() < deadline:
            try:
                sent += s.send(b"\x01" * (256 << 10))
            except BlockingIOError:
                time.sleep(0.01)
        socks.append(s)
    grown = b.rss_kib() - before
    # Reading stops when the 4 MiB budget is spent (the rest waits in socket buffers).
    assert grown < 30 * 1024, f"RSS grew by {grown} KiB"
    # The stalled requests time out, the budget comes back, and small requests still pass.
    time.sleep(3)
    with socket.create_connection(("127.0.0.1", b.port)) as s:
        s.sendall(api_versions())
        s.settimeout(10)
        assert recv_frame(s) is not None
    for s in socks:
        s.close()


# ---- fetch responses -----------------------------------------------------------------------

def produce_bytes(b, topic, records, size):
    """`records` values of `size` bytes into partition 0 of `topic`, in batches of at most
    64 KiB (so one batch is small beside the limits under test)."""
    from confluent_kafka import Producer
    p = Producer({"bootstrap.servers": b.bootstrap, "batch.size": 65536, "linger.ms": 5,
                  "acks": "all"})
    value = b"v" * size
    for _ in range(records):
        while True:
            try:
                p.produce(topic, value, partition=0)
                break
            except BufferError:
                p.poll(0.1)
    assert p.flush(60) == 0


def fetch_v4_everything(topic, corr=7):
    """Fetch v4 of partition 0 from offset 0 asking for as much as the protocol allows."""
    body = struct.pack(">iiiib", -1, 0, 1, 0x7FFFFFFF, 0)  # replica, max_wait, min, max, isolation
    body += struct.pack(">i", 1) + struct.pack(">h", len(topic)) + topic.encode()
    body += struct.pack(">i", 1) + struct.pack(">iqi", 0, 0, 0x7FFFFFFF)
    return request(1, 4, body, corr)


def fetched_record_bytes(frame):
    """The records length of the one partition of a Fetch v4 response frame."""
    # correlation id, throttle, topics[1]: name, partitions[1]: index, error, hw, lso,
    # aborted (-1 or count), records length
    off = 4 + 4 + 4
    (n,) = struct.unpack_from(">h", frame, off)
    off += 2 + n + 4
    _, err, _, _ = struct.unpack_from(">ihqq", frame, off)
    assert err == 0, f"fetch error {err}"
    off += 4 + 2 + 8 + 8
    (aborted,) = struct.unpack_from(">i", frame, off)
    off += 4 + max(aborted, 0) * 16
    (length,) = struct.unpack_from(">i", frame, off)
    return length


def test_fetch_response_is_capped_by_max_fetch_size(brokers):
    """A client asking for 2 GiB gets at most --max-fetch-size (Kafka's fetch.max.bytes of the
    broker), in whole batches, and reads the rest with the next fetches."""
    b = brokers("--max-fetch-size", "1MiB").start()
    produce_bytes(b, "big", 400, 10_000)  # ~4 MB
    with socket.create_connection(("127.0.0.1", b.port)) as s:
        s.settimeout(30)
        s.sendall(fetch_v4_everything("big"))
        got = fetched_record_bytes(recv_frame(s))
    assert 512 << 10 < got <= 1 << 20, got


def test_fetch_bytes_in_flight_are_bounded_for_the_whole_server(brokers):
    """Fetches that ask for everything on many connections whose clients never read: the
    answers held in memory stay within --max-fetch-bytes-in-flight (beyond it each fetch gets
    one batch, so every consumer still moves on), and the bytes come back when they close."""
    b = brokers("--max-fetch-bytes-in-flight", "4MiB").start()
    produce_bytes(b, "big", 2400, 10_000)  # ~24 MB
    before = b.rss_kib()
    hogs = []
    for i in range(12):
        s = socket.create_connection(("127.0.0.1", b.port))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(fetch_v4_everything("big", corr=100 + i))
        hogs.append(s)
    time.sleep(1.5)
    grown = b.rss_kib() - before
    # Without the budget: 12 answers of ~24 MB each (about 290 MB).
    assert grown < 64 * 1024, f"RSS grew by {grown} KiB for 12 unread fetches"
    # A consumer still reads everything meanwhile, a batch or more per fetch.
    from confluent_kafka import Consumer, TopicPartition
    c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "g", "enable.auto.commit": False,
                  "fetch.max.bytes": 52428800, "max.partition.fetch.bytes": 52428800})
    c.assign([TopicPartition("big", 0, 0)])
    n, deadline = 0, time.time() + 60
    while n < 2400 and time.time() < deadline:
        for m in c.consume(500, timeout=1):
            assert m.error() is None, m.error()
            n += 1
    c.close()
    assert n == 2400
    for s in hogs:
        s.close()
    # The budget comes back as the hogs' connections end: a whole 4 MiB answer again.
    deadline = time.time() + 20
    while True:
        with socket.create_connection(("127.0.0.1", b.port)) as s:
            s.settimeout(30)
            s.sendall(fetch_v4_everything("big"))
            got = fetched_record_bytes(recv_frame(s))
        if got > 3 << 20 or time.time() > deadline:
            break
        time.sleep(0.2)
    assert got > 3 << 20, got
    assert b.proc.poll() is None


# ---- connections and time ------------------------------------------------------------------

def test_accept_backs_off_when_out_of_descriptors(brokers):
    b = brokers(fds=128).start()
    held = []
    for _ in range(200):  # more than the broker can accept
        try:
            held.append(socket.create_connection(("127.0.0.1", b.port), timeout=2))
        except OSError:
            break
    time.sleep(2)
    log = b.log()
    failures = log.count("accept failed")
    assert 1 <= failures <= 3, f"{failures} 'accept failed' lines"
    for s in held:
        s.close()
    time.sleep(1.5)  # the backoff is at most 1 s
    md = admin(b).list_topics(timeout=10)
    assert md.brokers
    assert "accepting again" in b.log()
    assert b.proc.poll() is None


def test_max_connections_idle_and_half_sent_request_timeouts(brokers):
    b = brokers("--max-connections", "3", "--idle-timeout", "1s", "--request-timeout", "1s").start()
    conns = [socket.create_connection(("127.0.0.1", b.port)) for _ in range(3)]
    for c in conns:
        c.sendall(api_versions())
        assert recv_frame(c) is not None
    extra = socket.create_connection(("127.0.0.1", b.port))
    assert closed_by_peer(extra, 5), "a connection over max_connections was not closed"
    # Idle ones are closed after about 1 s; a half-sent request too.
    conns[0].sendall(struct.pack(">i", 100) + b"\x00\x12")  # 2 of 100 bytes, then nothing
    t = time.time()
    assert closed_by_peer(conns[0], 5)
    assert closed_by_peer(conns[1], 5)
    assert time.time() - t < 5
    # Room again: a new connection is served.
    with socket.create_connection(("127.0.0.1", b.port)) as s:
        s.sendall(api_versions())
        s.settimeout(5)
        assert recv_frame(s) is not None
    log = b.log()
    assert "max_connections" in log and "request_timeout" in log
