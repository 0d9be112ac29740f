"""Kafka over TLS (issue 24): `kappa broker` with SSL and SASL_SSL listeners (certificates made
by tests/security_certs.py with the openssl CLI), logged in by confluent-kafka (SASL_SSL with
PLAIN and SCRAM-SHA-512) and kcat (SSL); an untrusted or expired certificate and a plaintext
client on the TLS port give the client's normal error while the broker keeps serving."""
import os
import socket
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from security_certs import tls_certs  # noqa: E402,F401  (the session fixture)
from conftest import KAPPA, free_port, wait_for_port  # noqa: E402

PASSWORD = "tls-Secret-9"


class TlsBroker:
    def __init__(self, tmp_path, certs, cert=None, key=None):
        self.data_dir = str(tmp_path / "data")
        self.ssl_port, self.sasl_ssl_port = free_port(), free_port()
        self.log_path = str(tmp_path / "broker.log")
        self.args = ["--tls-cert", cert or certs.server_cert, "--tls-key", key or certs.server_key]

    @property
    def ssl(self):
        return f"127.0.0.1:{self.ssl_port}"

    @property
    def sasl_ssl(self):
        return f"127.0.0.1:{self.sasl_ssl_port}"

    def start(self):
        self.logf = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [KAPPA, "broker", "--data-dir", self.data_dir, "--listen",
             f"SSL://{self.ssl},SASL_SSL://{self.sasl_ssl}", *self.args],
            stdout=subprocess.PIPE, stderr=self.logf, text=True)
        line = self.proc.stdout.readline()
        assert f"SASL_SSL://{self.sasl_ssl}" in line, f"{line!r}\n{self.log()}"
        wait_for_port(self.sasl_ssl_port)
        return self

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        self.logf.close()

    def log(self):
        with open(self.log_path) as f:
            return f.read()[-6000:]


def add_user(data_dir, name):
    subprocess.run([KAPPA, "users", "add", name, "--data-dir", data_dir, "--password-stdin"],
                   input=PASSWORD, text=True, check=True, capture_output=True)


@pytest.fixture
def tb(tmp_path, tls_certs):
    add_user(str(tmp_path / "data"), "alice")
    b = TlsBroker(tmp_path, tls_certs).start()
    yield b
    b.stop()


@pytest.mark.parametrize("mech", ["PLAIN", "SCRAM-SHA-512"])
def test_confluent_kafka_sasl_ssl(tb, tls_certs, mech):
    from confluent_kafka import Consumer, Producer
    conf = {"bootstrap.servers": tb.sasl_ssl, "security.protocol": "SASL_SSL",
            "ssl.ca.location": tls_certs.ca, "sasl.mechanisms": mech,
            "sasl.username": "alice", "sasl.password": PASSWORD}
    p = Producer(conf)
    for i in range(100):
        p.produce("tls-topic", f"r{i}".encode())
    assert p.flush(30) == 0
    c = Consumer({**conf, "group.id": f"tls-{mech}", "auto.offset.reset": "earliest"})
    c.subscribe(["tls-topic"])
    got = []
    deadline = time.time() + 60
    while len(got) < 100 and time.time() < deadline:
        m = c.poll(1.0)
        if m is not None and not m.error():
            got.append(m.value().decode())
    c.close()
    assert got == [f"r{i}" for i in range(100)]


def test_kcat_ssl_and_advertised_listener(tb, tls_certs):
    base = ["kcat", "-b", tb.ssl, "-X", "security.protocol=SSL", "-X",
            f"ssl.ca.location={tls_certs.ca}"]
    p = subprocess.run([*base, "-P", "-t", "kc-tls"], input="x\ny\n", capture_output=True,
                       text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    p = subprocess.run([*base, "-C", "-t", "kc-tls", "-o", "beginning", "-e", "-q"],
                       capture_output=True, text=True, timeout=60)
    assert p.stdout == "x\ny\n", p.stderr
    meta = subprocess.run([*base, "-L"], capture_output=True, text=True, timeout=60).stdout
    assert f"broker 0 at {tb.ssl}" in meta, meta


def test_untrusted_ca_plaintext_client_and_wrong_password_fail_others_keep_working(tb, tls_certs):
    from confluent_kafka import KafkaError, Producer
    # A client that trusts another CA: an SSL error.
    errors = []
    p = Producer({"bootstrap.servers": tb.ssl, "security.protocol": "SSL",
                  "ssl.ca.location": tls_certs.untrusted_ca, "error_cb": errors.append})
    p.produce("t", b"1")
    deadline = time.time() + 20
    while not errors and time.time() < deadline:
        p.poll(0.2)
    assert errors and errors[0].code() in (KafkaError._SSL, KafkaError._TRANSPORT,
                                           KafkaError._ALL_BROKERS_DOWN), errors
    assert "SSL" in errors[0].str() or "certificate" in errors[0].str(), errors[0].str()
    del p
    # A plaintext Kafka client on the TLS port: its request is not TLS, the broker drops it.
    s = socket.create_connection(("127.0.0.1", tb.ssl_port), timeout=10)
    s.sendall(b"\x00\x00\x00\x0a\x00\x12\x00\x00\x00\x00\x00\x01\x00\x00")
    try:
        reply = s.recv(100)
    except ConnectionResetError:
        reply = b""
    s.close()
    # Closed, at most after a TLS alert record (content type 21): never a Kafka answer.
    assert reply == b"" or reply[0] == 0x15, reply
    # A wrong password over SASL_SSL: the normal authentication error.
    errors = []
    p = Producer({"bootstrap.servers": tb.sasl_ssl, "security.protocol": "SASL_SSL",
                  "ssl.ca.location": tls_certs.ca, "sasl.mechanisms": "SCRAM-SHA-512",
                  "sasl.username": "alice", "sasl.password": "wrong", "error_cb": errors.append})
    p.produce("t", b"1")
    deadline = time.time() + 20
    while not any(e.code() == KafkaError._AUTHENTICATION for e in errors) and time.time() < deadline:
        p.poll(0.2)
    assert any(e.code() == KafkaError._AUTHENTICATION for e in errors), errors
    del p
    # Everyone else is still served.
    ok = Producer({"bootstrap.servers": tb.sasl_ssl, "security.protocol": "SASL_SSL",
                   "ssl.ca.location": tls_certs.ca, "sasl.mechanisms": "PLAIN",
                   "sasl.username": "alice", "sasl.password": PASSWORD})
    ok.produce("t", b"2")
    assert ok.flush(30) == 0


def test_expired_certificate_is_the_clients_ssl_error(tmp_path, tls_certs):
    add_user(str(tmp_path / "data"), "alice")
    b = TlsBroker(tmp_path, tls_certs, cert=tls_certs.expired_cert, key=tls_certs.expired_key)
    b.start()
    try:
        p = subprocess.run(["kcat", "-b", b.ssl, "-X", "security.protocol=SSL", "-X",
                            f"ssl.ca.location={tls_certs.ca}", "-L", "-m", "5"],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode != 0
        assert "certificate" in p.stderr.lower() or "ssl" in p.stderr.lower(), p.stderr
    finally:
        b.stop()


def test_ssl_off_loopback_has_no_login_and_is_refused(tmp_path, tls_certs):
    p = subprocess.run([KAPPA, "broker", "--data-dir", str(tmp_path / "d"), "--listen",
                        f"SSL://0.0.0.0:{free_port()}", "--tls-cert", tls_certs.server_cert,
                        "--tls-key", tls_certs.server_key], capture_output=True, text=True,
                       timeout=30)
    assert p.returncode == 2 and "no authentication" in p.stderr and "SASL_SSL://" in p.stderr


def test_tls_listener_needs_a_certificate(tmp_path):
    p = subprocess.run([KAPPA, "broker", "--data-dir", str(tmp_path / "d"), "--listen",
                        f"SSL://127.0.0.1:{free_port()}"], capture_output=True, text=True,
                       timeout=30)
    assert p.returncode == 2 and "--tls-cert" in p.stderr


@pytest.mark.parametrize("mech", ["scram-sha-256", "scram-sha-512"])
def test_kafkajs_ssl_scram(tb, tls_certs, mech):
    """KafkaJS (its own protocol and SCRAM code) over SASL_SSL: produce, a consumer group, and
    a wrong password that fails with KafkaJS's SASL error while the broker keeps serving."""
    from test_kafkajs import CLIENTS, ensure_node_modules
    ensure_node_modules()
    p = subprocess.run(["node", os.path.join(CLIENTS, "kafkajs_ssl_scram_test.js"), tb.sasl_ssl,
                        tls_certs.ca, "alice", PASSWORD, mech],
                       capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, f"{p.stdout}\n{p.stderr}\nbroker:\n{tb.log()}"
    assert p.stdout.startswith("ok 300 "), p.stdout
