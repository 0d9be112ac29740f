"""`kappa up` serves its log over the Kafka protocol and its tables over CQL, in the same
process as the pipeline: the seed system's users check it with kcat and cqlsh (the DataStax
Python driver is what cqlsh is built on)."""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from conftest import KAPPA, free_port, kappa, wait_for_port  # noqa: E402
from cassandra.cluster import Cluster  # noqa: E402


def test_up_serves_kafka_and_cql(tmp_path):
    d = str(tmp_path / "data")
    kport, cport = free_port(), free_port()
    proc = subprocess.Popen(
        [KAPPA, "up", "--data-dir", d, "--kafka-listen", f"127.0.0.1:{kport}",
         "--cql-listen", f"127.0.0.1:{cport}", "--http-listen", "127.0.0.1:0", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(kport)
        wait_for_port(cport)
        time.sleep(2)  # let some users flow

        # kcat sees the pipeline's topic and can read users from it.
        meta = subprocess.run(["kcat", "-b", f"127.0.0.1:{kport}", "-L"], capture_output=True,
                              text=True, timeout=30)
        assert meta.returncode == 0, meta.stderr
        assert 'topic "users_created" with 3 partitions' in meta.stdout
        got = subprocess.run(["kcat", "-b", f"127.0.0.1:{kport}", "-C", "-t", "users_created",
                              "-o", "beginning", "-c", "3", "-e"],
                             capture_output=True, text=True, timeout=30)
        assert got.returncode == 0, got.stderr
        lines = [l for l in got.stdout.splitlines() if l.strip()]
        assert len(lines) == 3 and all('"first_name"' in l for l in lines), got.stdout

        # The seed's check through the Python driver with default settings.
        cluster = Cluster(["127.0.0.1"], port=cport)
        session = cluster.connect()
        rows = list(session.execute(
            "SELECT first_name, last_name FROM spark_streams.created_users LIMIT 5"))
        assert len(rows) == 5
        assert all(r.first_name and r.last_name for r in rows)
        n_running = session.execute("SELECT count(*) FROM spark_streams.created_users").one()[0]
        assert n_running >= 5
        cluster.shutdown()
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-3000:]

    # After a clean stop, count(*) over CQL equals the stored row count.
    stored = int(kappa("tables", "count", "spark_streams.created_users", "--data-dir", d)
                 .stdout.split()[0])
    server = subprocess.Popen([KAPPA, "cql-server", "--data-dir", d, "--port", str(cport)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(cport)
        cluster = Cluster(["127.0.0.1"], port=cport)
        session = cluster.connect()
        assert session.execute(
            "SELECT count(*) FROM spark_streams.created_users").one()[0] == stored
        cluster.shutdown()
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=30)
    assert stored >= n_running


def test_up_reports_a_taken_port(tmp_path):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        p = kappa("up", "--data-dir", str(tmp_path / "d"), "--duration", "1s",
                  "--kafka-listen", f"127.0.0.1:{port}", "--cql-listen", "off", "--http-listen", "off",
                  check=False)
    assert p.returncode != 0
    assert f"127.0.0.1:{port}" in p.stderr and "--kafka-listen" in p.stderr, p.stderr


def test_up_advertises_the_configured_kafka_address(tmp_path):
    """listeners.kafka_advertised / --kafka-advertised is Kafka's advertised.listeners: a
    listener on 0.0.0.0 tells clients to connect to the address given (here 127.0.0.2, another
    loopback address the wildcard listener also answers on), and a client that bootstrapped
    elsewhere follows it: kcat's metadata names it, confluent-kafka produces through it.
    Without it, kappa up warns that clients are told loopback."""
    from confluent_kafka import Producer
    kport = free_port()
    d = str(tmp_path / "data")
    base = [KAPPA, "up", "--data-dir", d, "--kafka-listen", f"0.0.0.0:{kport}",
            "--cql-listen", "off", "--http-listen", "off", "--console-listen", "off",
            "--insecure"]
    check = subprocess.run(base + ["--check"], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stderr
    assert "kafka_advertised" in check.stderr, check.stderr  # the warning
    bad = subprocess.run(base + ["--kafka-advertised", "a:1,b:2", "--check"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "one per listener" in bad.stderr, bad.stderr
    # The config's key: the same check, with file:line.
    cfg = tmp_path / "kappa.yaml"
    cfg.write_text(f'listeners:\n  kafka: "0.0.0.0:{kport}"\n  kafka_advertised: "PLAINTEXT://a:1,b:2"\n')
    bad = subprocess.run([KAPPA, "up", "--config", str(cfg), "--data-dir", d, "--insecure", "--check"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and f"{cfg}:3:" in bad.stderr and "one per listener" in bad.stderr, \
        bad.stderr

    proc = subprocess.Popen(base + ["--kafka-advertised", f"127.0.0.2:{kport}"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(kport)
        meta = subprocess.run(["kcat", "-b", f"127.0.0.1:{kport}", "-L"], capture_output=True,
                              text=True, timeout=30)
        assert meta.returncode == 0, meta.stderr
        assert f"at 127.0.0.2:{kport}" in meta.stdout, meta.stdout
        delivered = []
        p = Producer({"bootstrap.servers": f"127.0.0.1:{kport}"})
        p.produce("advertised_check", b"hello", on_delivery=lambda e, m: delivered.append(e))
        p.flush(30)
        assert delivered == [None], delivered
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err[-3000:]
