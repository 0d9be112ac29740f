"""SASL on `kappa broker`'s Kafka listeners (issue 24): users from `kappa users`, a
SASL_PLAINTEXT listener beside a PLAINTEXT one, logged in by real clients (confluent-kafka
with PLAIN and SCRAM-SHA-512, kafka-python with SCRAM-SHA-256 and PLAIN over SaslHandshake v0,
kcat), wrong passwords, and hand-made SASL frames (kwire)."""
import os
import re
import socket
import struct
import subprocess
import time

import pytest

from kwire import Conn, Dec, Enc
from conftest import KAPPA, free_port, wait_for_port

PASSWORDS = {"alice": "alice-Secret-1", "bob": "bob,=Secret-2"}


def users(*args, input=None, check=True):
    p = subprocess.run([KAPPA, "users", *args], input=input, capture_output=True, text=True,
                       timeout=60)
    if check:
        assert p.returncode == 0, p.stderr
    return p


class SaslBroker:
    """A `kappa broker` with a SASL_PLAINTEXT and a PLAINTEXT listener on free ports."""

    def __init__(self, tmp_path, extra=()):
        self.data_dir = str(tmp_path / "data")
        self.sasl_port, self.plain_port = free_port(), free_port()
        self.extra = list(extra)
        self.log_path = str(tmp_path / "broker.log")
        self.proc = None

    @property
    def sasl(self):
        return f"127.0.0.1:{self.sasl_port}"

    @property
    def plain(self):
        return f"127.0.0.1:{self.plain_port}"

    def start(self):
        self.logf = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [KAPPA, "broker", "--data-dir", self.data_dir, "--listen",
             f"SASL_PLAINTEXT://{self.sasl},PLAINTEXT://{self.plain}",
             "--group-initial-rebalance-delay-ms", "0", *self.extra],
            stdout=subprocess.PIPE, stderr=self.logf, text=True)
        line = self.proc.stdout.readline()
        assert "listening on" in line, f"{line!r}\n{self.log()}"
        assert f"SASL_PLAINTEXT://{self.sasl}" in line and f"PLAINTEXT://{self.plain}" in line, line
        wait_for_port(self.sasl_port)
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        self.logf.close()

    def log(self):
        with open(self.log_path) as f:
            return f.read()[-6000:]


@pytest.fixture
def sb(tmp_path):
    data = str(tmp_path / "data")
    for name, pw in PASSWORDS.items():
        users("add", name, "--data-dir", data, "--password-stdin", input=pw + "\n")
    b = SaslBroker(tmp_path).start()
    yield b
    b.stop()


# ---- kappa users ---------------------------------------------------------------------

def test_users_cli_stores_hashes_only(tmp_path):
    data = str(tmp_path / "d")
    pwfile = tmp_path / "pw"
    pwfile.write_text("from-a-file\n")
    assert "user carol added" in users("add", "carol", "--data-dir", data,
                                       "--password-file", str(pwfile)).stdout
    assert "user dave added" in users("add", "dave", "--data-dir", data, "--password-stdin",
                                      input="dave-pw").stdout
    assert "user dave updated" in users("add", "dave", "--data-dir", data, "--password-stdin",
                                        input="dave-pw2\n").stdout
    assert users("list", "--data-dir", data).stdout == "carol\ndave\n"
    assert users("list", "--data-dir", data, "--json").stdout.strip() == '["carol","dave"]'
    stored = open(os.path.join(data, "security", "users.json")).read()
    assert "from-a-file" not in stored and "dave-pw" not in stored
    assert "SCRAM-SHA-256" in stored and "SCRAM-SHA-512" in stored
    assert os.stat(os.path.join(data, "security", "users.json")).st_mode & 0o777 == 0o600
    assert "user carol deleted" in users("delete", "carol", "--data-dir", data).stdout
    gone = users("delete", "carol", "--data-dir", data, check=False)
    assert gone.returncode != 0 and "no user named carol" in gone.stderr
    assert users("list", "--data-dir", data).stdout == "dave\n"
    # No password source and stdin not a terminal: a clear error, nothing written.
    p = users("add", "erin", "--data-dir", data, check=False, input="")
    assert p.returncode == 2 and "--password-stdin" in p.stderr
    empty = users("add", "erin", "--data-dir", data, "--password-stdin", input="\n", check=False)
    assert empty.returncode != 0 and "must not be empty" in empty.stderr
    assert "erin" not in users("list", "--data-dir", data).stdout
    assert "--password-file" in users("add", "--help").stdout


def test_users_cli_takes_data_dir_from_config(tmp_path):
    data = tmp_path / "from-config"
    cfg = tmp_path / "k.yaml"
    cfg.write_text(f"data_dir: {data}\n")
    users("add", "zed", "--config", str(cfg), "--password-stdin", input="pw\n")
    assert users("list", "--data-dir", str(data)).stdout == "zed\n"


# ---- real clients --------------------------------------------------------------------

def confluent_conf(b, mech, user, pw):
    return {"bootstrap.servers": b.sasl, "security.protocol": "SASL_PLAINTEXT",
            "sasl.mechanisms": mech, "sasl.username": user, "sasl.password": pw}


@pytest.mark.parametrize("mech", ["PLAIN", "SCRAM-SHA-512", "SCRAM-SHA-256"])
def test_confluent_kafka_produce_consume(sb, mech):
    from confluent_kafka import Consumer, Producer
    topic = f"t-{mech.lower()}"
    p = Producer(confluent_conf(sb, mech, "bob", PASSWORDS["bob"]))
    for i in range(200):
        p.produce(topic, f"m{i}".encode())
    assert p.flush(30) == 0
    c = Consumer({**confluent_conf(sb, mech, "alice", PASSWORDS["alice"]),
                  "group.id": f"g-{mech}", "auto.offset.reset": "earliest"})
    c.subscribe([topic])
    got = []
    deadline = time.time() + 60
    while len(got) < 200 and time.time() < deadline:
        m = c.poll(1.0)
        if m is not None and not m.error():
            got.append(m.value().decode())
    c.close()
    assert got == [f"m{i}" for i in range(200)]
    assert f"authenticated as User:bob with SASL {mech}" in sb.log()


def test_confluent_kafka_wrong_password_is_an_auth_error_and_others_keep_working(sb):
    from confluent_kafka import KafkaError, Producer
    errors = []
    bad = Producer({**confluent_conf(sb, "SCRAM-SHA-512", "alice", "wrong"),
                    "error_cb": lambda e: errors.append(e)})
    bad.produce("denied", b"x")
    deadline = time.time() + 30
    while not any(e.code() == KafkaError._AUTHENTICATION for e in errors) and time.time() < deadline:
        bad.poll(0.2)
    auth = [e for e in errors if e.code() == KafkaError._AUTHENTICATION]
    assert auth, errors
    assert "invalid credentials with SASL mechanism SCRAM-SHA-512" in auth[0].str()
    del bad
    # The failure is logged with the peer address, never the password.
    log = sb.log()
    assert "failed SASL SCRAM-SHA-512 login of user 'alice' from 127.0.0.1" in log
    assert "wrong" not in log.replace("wrong password", "")
    good = Producer(confluent_conf(sb, "PLAIN", "alice", PASSWORDS["alice"]))
    good.produce("fine", b"y")
    assert good.flush(30) == 0


def test_kafka_python_scram_sha_256_and_plain(sb):
    from kafka import KafkaConsumer, KafkaProducer
    common = dict(bootstrap_servers=sb.sasl, security_protocol="SASL_PLAINTEXT")
    prod = KafkaProducer(**common, sasl_mechanism="SCRAM-SHA-256", sasl_plain_username="bob",
                         sasl_plain_password=PASSWORDS["bob"])
    for i in range(50):
        prod.send("kp-sasl", f"v{i}".encode())
    prod.flush()
    prod.close()
    cons = KafkaConsumer("kp-sasl", **common, sasl_mechanism="PLAIN",
                         sasl_plain_username="alice", sasl_plain_password=PASSWORDS["alice"],
                         group_id="kpg", auto_offset_reset="earliest", consumer_timeout_ms=15000)
    seen = [m.value.decode() for _, m in zip(range(50), cons)]
    cons.close()
    assert seen == [f"v{i}" for i in range(50)]


def test_kafka_python_wrong_password(sb):
    from kafka import KafkaProducer
    from kafka.errors import KafkaError, NoBrokersAvailable
    with pytest.raises((NoBrokersAvailable, KafkaError)):
        KafkaProducer(bootstrap_servers=sb.sasl, security_protocol="SASL_PLAINTEXT",
                      sasl_mechanism="SCRAM-SHA-256", sasl_plain_username="alice",
                      sasl_plain_password="nope", request_timeout_ms=5000,
                      api_version_auto_timeout_ms=5000, max_block_ms=5000)


def kcat(*args, input=None):
    return subprocess.run(["kcat", *args], input=input, capture_output=True, text=True,
                          timeout=60)


def test_kcat_scram_and_advertised_listeners(sb):
    auth = ["-X", "security.protocol=SASL_PLAINTEXT", "-X", "sasl.mechanisms=SCRAM-SHA-256",
            "-X", "sasl.username=alice", "-X", f"sasl.password={PASSWORDS['alice']}"]
    p = kcat("-b", sb.sasl, *auth, "-P", "-t", "kc", input="a\nb\nc\n")
    assert p.returncode == 0, p.stderr
    p = kcat("-b", sb.sasl, *auth, "-C", "-t", "kc", "-o", "beginning", "-e", "-q")
    assert p.stdout == "a\nb\nc\n", p.stderr
    # Each listener advertises itself to the clients that came in on it.
    meta = kcat("-b", sb.sasl, *auth, "-L").stdout
    assert f"broker 0 at {sb.sasl}" in meta, meta
    meta = kcat("-b", sb.plain, "-L").stdout
    assert f"broker 0 at {sb.plain}" in meta, meta
    bad = kcat("-b", sb.sasl, *auth[:-1], "sasl.password=wrong", "-L", "-m", "5")
    assert bad.returncode != 0
    assert "Authentication failed" in bad.stderr or "authentication" in bad.stderr.lower(), bad.stderr


def test_user_added_while_running_can_log_in(sb):
    from confluent_kafka import Producer
    users("add", "late", "--data-dir", sb.data_dir, "--password-stdin", input="late-pw\n")
    time.sleep(1.2)  # the server re-reads the users file at most once a second
    p = Producer(confluent_conf(sb, "SCRAM-SHA-256", "late", "late-pw"))
    p.produce("late", b"1")
    assert p.flush(30) == 0
    users("delete", "late", "--data-dir", sb.data_dir)
    time.sleep(1.2)
    c = Conn(sb.sasl)
    assert sasl_handshake(c, "PLAIN") == 0
    code, msg, _ = sasl_authenticate(c, b"\0late\0late-pw")
    assert code == 58 and "Invalid username or password" in msg


# ---- the wire, by hand ---------------------------------------------------------------

def sasl_handshake(c, mech, version=1):
    d = Dec(c.call(17, version, Enc().string(mech).done()))
    code = d.i16()
    mechs = d.array(lambda d: d.string())
    d.end()
    return code if code == 0 else (code, mechs)


def sasl_authenticate(c, token, version=1):
    flexible = version >= 2
    d = Dec(c.call(36, version, Enc(flexible).bytes_(token).tags().done(), flexible=flexible),
            flexible)
    code, msg, data = d.i16(), d.string(), d.bytes_()
    if version >= 1:
        d.i64()
    return code, msg, data


def closed(c):
    c.s.settimeout(10)
    try:
        return c.s.recv(1) == b""
    except ConnectionResetError:
        return True


def metadata_v1(c):
    return c.call(3, 1, Enc().i32(-1).done())


def test_requests_before_login_close_the_connection(sb):
    c = Conn(sb.sasl)
    assert 17 in c.api_versions() and 36 in c.api_versions()
    c.s.sendall(struct.pack(">i", 14) + struct.pack(">hhih", 3, 1, 9, 0) + struct.pack(">i", -1))
    assert closed(c)
    assert "Unexpected Kafka request of type Metadata during SASL handshake" in sb.log()
    # The PLAINTEXT listener serves without login, and has no SASL.
    p = Conn(sb.plain)
    assert metadata_v1(p)
    assert sasl_handshake(p, "PLAIN")[0] == 34  # ILLEGAL_SASL_STATE


def test_handshake_errors(sb):
    c = Conn(sb.sasl)
    code, mechs = sasl_handshake(c, "GSSAPI")
    assert code == 33 and mechs == ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]
    assert closed(c)
    c = Conn(sb.sasl)
    code, msg, _ = sasl_authenticate(c, b"\0alice\0x")  # no handshake before it
    assert code == 34 and closed(c)


@pytest.mark.parametrize("version", [0, 1, 2])
def test_plain_over_sasl_authenticate_then_requests_work(sb, version):
    c = Conn(sb.sasl)
    assert sasl_handshake(c, "PLAIN") == 0
    code, msg, data = sasl_authenticate(c, f"\0alice\0{PASSWORDS['alice']}".encode(), version)
    assert (code, msg, data) == (0, None, b"")
    assert metadata_v1(c)


@pytest.mark.parametrize("token", [b"", b"\0alice", b"no-nul-at-all", b"\0\0", b"x\0alice\0pw",
                                   b"\0alice\0" + PASSWORDS["alice"].encode() + b"\0extra"])
def test_malformed_plain_tokens_fail_cleanly(sb, token):
    c = Conn(sb.sasl)
    assert sasl_handshake(c, "PLAIN") == 0
    code, msg, _ = sasl_authenticate(c, token)
    assert code == 58 and msg
    assert closed(c)


@pytest.mark.parametrize("first", [b"", b"n,,", b"p=tls-unique,,n=alice,r=x", b"n,,n=alice",
                                   b"n,,r=abc,n=alice", b"\xff\xfe", b"n,,n=al=ice,r=x",
                                   b"y,a=bob,n=alice,r=x"])
def test_malformed_scram_first_messages(sb, first):
    c = Conn(sb.sasl)
    assert sasl_handshake(c, "SCRAM-SHA-256") == 0
    code, msg, _ = sasl_authenticate(c, first)
    assert code == 58 and msg
    assert closed(c)


def test_scram_final_with_wrong_nonce_or_garbage(sb):
    for final in [b"c=biws,r=wrong,p=AAAA", b"garbage", b"c=biws,r=%s,p=!!!"]:
        c = Conn(sb.sasl)
        assert sasl_handshake(c, "SCRAM-SHA-512") == 0
        code, _, server_first = sasl_authenticate(c, b"n,,n=alice,r=clientnonce")
        assert code == 0 and server_first.startswith(b"r=clientnonce")
        nonce = server_first.split(b",")[0][2:]
        code, msg, _ = sasl_authenticate(c, final.replace(b"%s", nonce))
        assert code == 58, msg
        assert closed(c)


def test_half_sent_sasl_frames_do_not_hurt_others(sb):
    # A client that stops in the middle of a SaslAuthenticate frame, and one that sends a
    # bare v0 token frame announcing more than it sends: both just hang up.
    c1 = Conn(sb.sasl)
    assert sasl_handshake(c1, "SCRAM-SHA-256") == 0
    c1.s.sendall(struct.pack(">i", 100) + b"\x00\x24\x00\x01")
    c2 = Conn(sb.sasl)
    assert sasl_handshake(c2, "PLAIN", version=0) == 0
    c2.s.sendall(struct.pack(">i", 50) + b"\0alice")
    c1.s.close()
    c2.s.close()
    c3 = Conn(sb.sasl)
    assert sasl_handshake(c3, "PLAIN") == 0
    assert sasl_authenticate(c3, f"\0bob\0{PASSWORDS['bob']}".encode())[0] == 0
    assert metadata_v1(c3)


def test_v0_handshake_bare_tokens(sb):
    c = Conn(sb.sasl)
    assert sasl_handshake(c, "PLAIN", version=0) == 0
    msg = f"alice\0alice\0{PASSWORDS['alice']}".encode()
    c.s.sendall(struct.pack(">i", len(msg)) + msg)
    assert c.recv(4) == b"\0\0\0\0"  # success: an empty token
    assert metadata_v1(c)
    c = Conn(sb.sasl)
    assert sasl_handshake(c, "PLAIN", version=0) == 0
    msg = b"\0alice\0wrong"
    c.s.sendall(struct.pack(">i", len(msg)) + msg)
    assert closed(c)  # v0: a failure closes without an answer


def test_failed_logins_are_rate_limited_per_peer(tmp_path):
    data = str(tmp_path / "data")
    users("add", "alice", "--data-dir", data, "--password-stdin", input="right\n")
    b = SaslBroker(tmp_path, extra=["--sasl-failed-login-delay-ms", "0",
                                    "--sasl-max-failed-logins", "5"]).start()
    try:
        for _ in range(5):
            c = Conn(b.sasl)
            sasl_handshake(c, "PLAIN")
            code, msg, _ = sasl_authenticate(c, b"\0alice\0wrong")
            assert code == 58 and "Invalid username or password" in msg
        # Over the cap: even the right password is refused from this address for a minute.
        c = Conn(b.sasl)
        sasl_handshake(c, "PLAIN")
        code, msg, _ = sasl_authenticate(c, b"\0alice\0right")
        assert code == 58 and "too many failed logins from 127.0.0.1" in msg
    finally:
        b.stop()


# ---- start-up rules ------------------------------------------------------------------

def broker_refused(tmp_path, listen, *extra):
    p = subprocess.run([KAPPA, "broker", "--data-dir", str(tmp_path / "x"), "--listen", listen,
                        *extra], capture_output=True, text=True, timeout=30)
    return p


def test_off_loopback_rules(tmp_path):
    port = free_port()
    p = broker_refused(tmp_path, f"0.0.0.0:{port}")
    assert p.returncode == 2 and "no authentication" in p.stderr and "SASL_PLAINTEXT://" in p.stderr
    p = broker_refused(tmp_path, f"SASL_PLAINTEXT://127.0.0.1:{port}")
    assert p.returncode == 2 and "no users" in p.stderr and "kappa users add" in p.stderr
    p = broker_refused(tmp_path, f"SSL://127.0.0.1:{port}")
    assert p.returncode == 2 and "needs --tls-cert" in p.stderr
    p = broker_refused(tmp_path, f"BOGUS://127.0.0.1:{port}")
    assert p.returncode == 2 and "unknown security protocol 'BOGUS'" in p.stderr


def test_kip368_reauthentication_extends_the_session_and_expiry_closes(tmp_path):
    """KIP-368 (no installable client re-authenticates, so by hand): SaslAuthenticate v1
    tells the session lifetime; a re-authentication on the same connection (SaslHandshake v1
    + SaslAuthenticate as the same user) starts a new one; a session left to expire gets its
    next request refused by closing the connection, as Kafka does; changing principals on
    re-authentication is refused."""
    data = str(tmp_path / "data")
    for name, pw in PASSWORDS.items():
        users("add", name, "--data-dir", data, "--password-stdin", input=pw + "\n")
    b = SaslBroker(tmp_path, extra=["--sasl-session-lifetime-ms", "1500"]).start()
    try:
        alice = f"\0alice\0{PASSWORDS['alice']}".encode()
        c = Conn(b.sasl)
        assert sasl_handshake(c, "PLAIN") == 0
        d = Dec(c.call(36, 1, Enc().bytes_(alice).done()))
        assert (d.i16(), d.string(), d.bytes_(), d.i64()) == (0, None, b"", 1500)
        assert metadata_v1(c)
        # Re-authenticate twice across the first lifetime: the connection keeps serving.
        for _ in range(2):
            time.sleep(1.0)
            assert sasl_handshake(c, "PLAIN") == 0
            assert sasl_authenticate(c, alice)[0] == 0
            assert metadata_v1(c)
        # Another user on the same connection: refused, the connection closed.
        assert sasl_handshake(c, "PLAIN") == 0
        code, msg, _ = sasl_authenticate(c, f"\0bob\0{PASSWORDS['bob']}".encode())
        assert code != 0 and "principal" in msg.lower(), (code, msg)
        # A session left to expire: its next request closes the connection.
        e = Conn(b.sasl)
        assert sasl_handshake(e, "PLAIN") == 0
        assert sasl_authenticate(e, alice)[0] == 0
        time.sleep(2.0)
        e.s.sendall(struct.pack(">i", 14) + struct.pack(">hhih", 3, 1, 9, 0) +
                    struct.pack(">i", -1))
        assert closed(e)
        assert "SASL session expired" in b.log()
    finally:
        b.stop()
