"""The scale-out shape of deploy/compose/docker-compose.cluster.yml without Docker: a
`kappa broker` stands in for the Kafka cluster, a `kappa cql-server` for the Cassandra
cluster, and three `kappa up` workers run deploy/config/cluster-worker.yaml (log: kafka,
sink: cassandra, the job's one consumer group) with only the addresses changed. Records come
from confluent-kafka (an independent producer, idempotent, acks=all), some of them bad; one
worker is killed with SIGKILL mid-stream, the other two take its partitions, and in the end,
checked with the DataStax Python driver on the stand-in node and confluent-kafka on the
dead-letter topic:
    rows == produced - dead letters, every good record's id once, no other id.
Dead letters with `log: kafka` are at-least-once (docs/formats/config.md): a batch the killed
worker had not committed is processed again by the partition's next owner, so they are
counted once per source partition and offset.

The run is made twice: in plaintext, and with TLS and SASL on as the compose file has them
(the broker stand-in's only listener SASL_SSL with SCRAM-SHA-512, the CQL stand-in TLS with a
password; the workers use the config's own log.properties and sink tls, username and
password, only the CA's path changed; every client of the test, kappa's CLI included, logs in
too). The workers start as in the compose file, through deploy/compose/kappa/entrypoint.sh,
which fills the config's ${secret:NAME} passwords from a secrets folder and adds the HTTP user.
"""
import json
import os
import ssl
import signal
import subprocess
import threading
import time
import urllib.request
import uuid

import pytest
import yaml

from cassandra.cluster import Cluster
from confluent_kafka import Consumer, Producer, TopicPartition

from cassandra.auth import PlainTextAuthProvider

from conftest import KAPPA, free_port, kappa, wait_for, wait_for_port
from security_certs import tls_certs  # noqa: F401  (the session fixture)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WORKER_CONFIG = os.path.join(ROOT, "deploy", "config", "cluster-worker.yaml")
ENTRYPOINT = os.path.join(ROOT, "deploy", "compose", "kappa", "entrypoint.sh")
TOPIC = "users_created"
DLQ = "users_created.dlq"
GROUP = "users_to_cassandra"
TABLE = "spark_streams.created_users"
GOOD = 6000
BAD_EVERY = 40  # one bad record after every 40 good ones
# The users the config names (sasl.username, the sink's username), with the passwords of the
# test's secrets folder.
KAFKA_USER, KAFKA_PASSWORD = "kappa", "kappa-Kafka-Secret-7"
CQL_USER, CQL_PASSWORD = "kappa", "kappa-Cql-Secret-8"
HTTP_PASSWORD = "kappa-Http-Secret-9"


class Security:
    """The transport of one run: plaintext (None) or TLS + SASL with the test CA."""

    def __init__(self, certs=None):
        self.certs = certs

    def kafka_conf(self):
        if not self.certs:
            return {}
        return {"security.protocol": "SASL_SSL", "sasl.mechanisms": "SCRAM-SHA-512",
                "sasl.username": KAFKA_USER, "sasl.password": KAFKA_PASSWORD,
                "ssl.ca.location": self.certs.ca}

    def cql_kw(self):
        if not self.certs:
            return {}
        ctx = ssl.create_default_context(cafile=self.certs.ca)
        return {"ssl_context": ctx,
                "auth_provider": PlainTextAuthProvider(CQL_USER, CQL_PASSWORD)}


def worker_config(tmp_path, bootstrap, cql_port, sec, certs):
    """cluster-worker.yaml with the stand-ins' addresses, the test CA's and certificate's paths
    and, in plaintext, without its TLS and logins: nothing else changes (the job, its group,
    its sink settings, the topics, the ${secret:NAME} passwords)."""
    shipped = yaml.safe_load(open(WORKER_CONFIG))
    cfg = yaml.safe_load(open(WORKER_CONFIG))
    log = cfg["log"]
    assert log["bootstrap"] == "kafka-1:9092,kafka-2:9092,kafka-3:9092"
    log["bootstrap"] = bootstrap
    log["replication_factor"] = -1  # one broker stand-in: the broker's default replication
    props = log["properties"]
    if sec.certs:
        assert props["ssl.ca.location"] == "/run/secrets/kappa_ca"
        props["ssl.ca.location"] = sec.certs.ca
        assert props["sasl.username"] == KAFKA_USER
    else:
        log["properties"] = props = {}
    # A killed worker's partitions move after the session timeout (10 s by default).
    props.update({"session.timeout.ms": "6000", "heartbeat.interval.ms": "1000"})
    sink = cfg["jobs"][0]["sink"]
    assert sink["contact_points"] == ["cassandra-1:9042", "cassandra-2:9042", "cassandra-3:9042"]
    sink["contact_points"] = [f"127.0.0.1:{cql_port}"]
    if sec.certs:
        assert sink["tls"] == {"ca": "/run/secrets/kappa_ca"} and sink["username"] == CQL_USER
        sink["tls"] = {"ca": sec.certs.ca}
    else:
        for key in ("tls", "username", "password"):
            del sink[key]
    # The workers' own HTTPS certificate (the test gives --http-listen on loopback), and the
    # CA a follower checks the registry writer's certificate against when it forwards.
    assert cfg["security"]["tls"]["ca"] == "/run/secrets/kappa_ca"
    cfg["security"]["tls"] = {"cert": certs.server_cert, "key": certs.server_key, "ca": certs.ca}
    for key in ("topics", "keyspaces", "durability", "retention", "store"):
        assert cfg[key] == shipped[key]
    assert {k: v for k, v in cfg["jobs"][0].items() if k != "sink"} == \
        {k: v for k, v in shipped["jobs"][0].items() if k != "sink"}
    path = tmp_path / "worker.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False))
    return str(path)


def secrets_folder(tmp_path):
    """The Docker secrets the entrypoint reads, as files."""
    d = tmp_path / "secrets"
    d.mkdir()
    (d / "kafka_kappa_password").write_text(KAFKA_PASSWORD + "\n")
    (d / "cassandra_kappa_password").write_text(CQL_PASSWORD + "\n")
    (d / "kappa_admin_password").write_text(HTTP_PASSWORD + "\n")
    return d


class Proc:
    def __init__(self, args, log_path, argv0=(KAPPA,), env=None):
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.p = subprocess.Popen([*argv0, *args], stdout=self.log, stderr=subprocess.STDOUT,
                                  env=env)

    def output(self):
        return open(self.log_path).read()[-3000:]

    def stop(self, timeout=60):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.log.close()
        return self.p.returncode


def user(i):
    uid = str(uuid.uuid4())
    return uid, json.dumps({"id": uid, "first_name": f"first{i}", "last_name": f"last{i}",
                            "gender": "female", "email": f"u{i}@example.com",
                            "username": f"user{i}", "dob": "1990-01-01T00:00:00Z"})


def produce(bootstrap, good_ids, bad, done, sec, killed):
    """GOOD good records and GOOD/BAD_EVERY bad ones (not JSON: dead letters), over a few
    seconds, keyed as kappa's producer keys them (by id). Halfway it waits until the test has
    killed a worker (`killed`), so the kill always lands mid-stream however slowly the
    workers started."""
    p = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "acks": "all",
                  "linger.ms": 5, **sec.kafka_conf()})
    failures = []

    def delivered(err, msg):
        if err is not None:
            failures.append(err)

    for i in range(GOOD):
        uid, value = user(i)
        p.produce(TOPIC, key=uid, value=value, on_delivery=delivered)
        good_ids.add(uid)
        if i % BAD_EVERY == BAD_EVERY - 1:
            p.produce(TOPIC, key=f"bad-{i}", value=b"{not json", on_delivery=delivered)
            bad.append(i)
        if i % 200 == 199:
            p.poll(0)
            time.sleep(0.05)  # ~4000 records/s: a stream, not one burst
        if i == GOOD // 2:
            p.flush(30)
            assert killed.wait(120), "no worker was killed"
    assert p.flush(30) == 0
    assert not failures, failures[:3]
    done.set()


def node_ids(cql_port, sec):
    cluster = Cluster(["127.0.0.1"], port=cql_port, **sec.cql_kw())
    try:
        session = cluster.connect()
        rows = session.execute(f"SELECT id FROM {TABLE}")
        return [str(r.id) for r in rows]
    finally:
        cluster.shutdown()


def distinct_dead_letters(bootstrap, sec):
    """(source.partition, source.offset) of every record in the dead-letter topic."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": f"dlq-reader-{uuid.uuid4()}",
                  "auto.offset.reset": "earliest", "enable.auto.commit": False,
                  **sec.kafka_conf()})
    try:
        md = c.list_topics(DLQ, timeout=10)
        parts = [TopicPartition(DLQ, p) for p in md.topics[DLQ].partitions]
        ends = {tp.partition: c.get_watermark_offsets(tp, timeout=10)[1] for tp in parts}
        c.assign([TopicPartition(DLQ, p, 0) for p in ends])
        seen, read = set(), 0
        deadline = time.time() + 30
        while read < sum(ends.values()) and time.time() < deadline:
            m = c.poll(0.5)
            if m is None or m.error():
                continue
            read += 1
            h = {k: v.decode() for k, v in (m.headers() or [])}
            seen.add((h["source.partition"], h["source.offset"]))
        assert read == sum(ends.values()), (read, ends)
        return seen, read
    finally:
        c.close()


def assignment(bootstrap, command_config):
    """The group's members and the partitions of users_created each holds, as `kappa groups
    describe --bootstrap [--command-config]` shows them: {member id: [partitions]}."""
    extra = ["--command-config", command_config] if command_config else []
    out = kappa("groups", "describe", GROUP, "--bootstrap", bootstrap, *extra).stdout
    lines = out.splitlines()
    members = {}
    if "MEMBER" not in out:
        return members, out
    for line in lines[lines.index(next(l for l in lines if l.startswith("MEMBER"))) + 1:]:
        if line.startswith("TOPIC"):
            break
        cols = line.split()
        if cols and cols[-1].startswith(TOPIC + ":"):
            members[cols[0]] = sorted(int(p) for p in cols[-1].split(":")[1].split(","))
    return members, out


def register_through_every_worker(http_ports, sec):
    """Confluent's own client registers one schema through each worker: one of them is the
    registry's elected writer, the others forward the write to it (over HTTPS with the
    caller's login when secured). Every answer is the same id, and each worker then serves it."""
    from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
    # requests prefers these to the client's ssl.ca.location (its session.verify): a machine
    # that sets them would check the workers against the system's CAs.
    saved = {v: os.environ.pop(v) for v in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
             if v in os.environ}
    try:
        _register_through_every_worker(http_ports, sec, Schema, SchemaRegistryClient)
    finally:
        os.environ.update(saved)


def _register_through_every_worker(http_ports, sec, Schema, SchemaRegistryClient):
    schema = Schema(json.dumps({"type": "record", "name": "User", "namespace": "shape",
                                "fields": [{"name": "id", "type": "string"}]}), "AVRO")
    def conf(port):  # the entrypoint always adds the HTTP user admin
        c = {"url": f"{'https' if sec.certs else 'http'}://127.0.0.1:{port}",
             "basic.auth.user.info": f"admin:{HTTP_PASSWORD}"}
        if sec.certs:
            c["ssl.ca.location"] = sec.certs.ca
        return c

    ids = []
    for port in http_ports:
        client = SchemaRegistryClient(conf(port))
        # A worker may join the writer election a moment after its port opens.
        deadline = time.time() + 60
        while True:
            try:
                ids.append(client.register_schema("users_created-value", schema))
                break
            except Exception as e:  # noqa: BLE001  (SchemaRegistryError: leader not known yet)
                if time.time() > deadline:
                    raise AssertionError(f"registering through 127.0.0.1:{port}: {e}")
                time.sleep(0.5)
    assert len(set(ids)) == 1, ids
    for port in http_ports:
        deadline = time.time() + 30
        while True:
            try:
                got = SchemaRegistryClient(conf(port)).get_schema(ids[0])
                break
            except Exception as e:  # noqa: BLE001  (the worker's replay may lag a moment)
                if time.time() > deadline:
                    raise AssertionError(f"schema {ids[0]} through 127.0.0.1:{port}: {e}")
                time.sleep(0.5)
        assert json.loads(got.schema_str)["name"] == "User"
    # The followers forwarded their registration to the writer (over HTTPS when secured):
    # two of the three when the writer held still, at least one if it moved meanwhile.
    forwarded = 0
    for port in http_ports:
        ctx = ssl.create_default_context(cafile=sec.certs.ca) if sec.certs else None
        url = f"{'https' if sec.certs else 'http'}://127.0.0.1:{port}/metrics"
        text = urllib.request.urlopen(url, context=ctx, timeout=10).read().decode()
        for line in text.splitlines():
            if line.startswith('kappa_registry_forwarded_requests_total{result="ok"}'):
                forwarded += float(line.split()[-1])
    assert forwarded >= 1, forwarded


@pytest.mark.parametrize("secure", [False, True], ids=["plaintext", "tls-sasl"])
def test_three_workers_one_killed_every_record_once(tmp_path, tls_certs, secure):
    sec = Security(tls_certs if secure else None)
    port = free_port()
    bootstrap = f"127.0.0.1:{port}"
    broker_args = ["broker", "--listen", bootstrap, "--data-dir", str(tmp_path / "broker"),
                   "--group-initial-rebalance-delay-ms", "0"]
    cql_port = free_port()
    node_args = ["cql-server", "--data-dir", str(tmp_path / "node"), "--port", str(cql_port),
                 "--threads", "2"]
    command_config = None
    if secure:
        kappa("users", "add", KAFKA_USER, "--data-dir", str(tmp_path / "broker"),
              "--password-stdin", input=KAFKA_PASSWORD)
        broker_args[2] = f"SASL_SSL://{bootstrap}"
        broker_args += ["--tls-cert", tls_certs.server_cert, "--tls-key", tls_certs.server_key,
                        "--sasl-mechanisms", "SCRAM-SHA-512"]
        node_args += ["--tls-cert", tls_certs.server_cert, "--tls-key", tls_certs.server_key,
                      "--user", f"{CQL_USER}:{CQL_PASSWORD}", "--auth", "required"]
        command_config = tmp_path / "client.properties"
        command_config.write_text("".join(f"{k}={v}\n" for k, v in sec.kafka_conf().items()))
        command_config = str(command_config)
    broker = Proc(broker_args, tmp_path / "broker.log")
    node = Proc(node_args, tmp_path / "node.log")
    workers = []
    try:
        wait_for_port(port)
        wait_for_port(cql_port)
        config = worker_config(tmp_path, bootstrap, cql_port, sec, tls_certs)
        render = tmp_path / "render"
        render.mkdir()
        env = dict(os.environ, KAPPA=KAPPA, KAPPA_SECRETS_DIR=str(secrets_folder(tmp_path)),
                   KAPPA_RENDER_DIR=str(render))
        entrypoint = ("bash", ENTRYPOINT)
        check = subprocess.run([*entrypoint, "up", "--config", config, "--check", "--data-dir",
                                str(tmp_path / "w0")], env=env, capture_output=True, text=True)
        assert check.returncode == 0, check.stdout + check.stderr
        http_ports = []
        for n in range(3):
            http = free_port()
            http_ports.append(http)
            # As the compose file: HTTPS (and a login) when secured.
            listen = f"https://127.0.0.1:{http}" if secure else f"127.0.0.1:{http}"
            # The first creates the topics and the remote table; then the others join.
            workers.append(Proc(["up", "--config", config, "--data-dir", str(tmp_path / f"w{n}"),
                                 "--http-listen", listen], tmp_path / f"w{n}.log",
                                argv0=entrypoint, env=env))
            try:
                wait_for_port(http, timeout=60)
            except TimeoutError:
                raise AssertionError(f"worker {n} did not start: " + workers[n].output())
        # The registry's writer election settles once all three joined its group (a join
        # moves the writer role); registering before that would race the moves.
        wait_for("every worker in the registry's writer election", lambda: all(
            "joined group kappa-schema-registry" in open(w.log_path).read() for w in workers),
            timeout=60)
        time.sleep(2)
        register_through_every_worker(http_ports, sec)

        good_ids, bad, done, killed = set(), [], threading.Event(), threading.Event()
        producer = threading.Thread(target=produce, daemon=True,
                                    args=(bootstrap, good_ids, bad, done, sec, killed))
        producer.start()
        # Mid-stream: every worker owns a partition, some records are stored, more are coming.
        wait_for("three members with a partition each",
                 lambda: sorted(map(len, assignment(bootstrap, command_config)[0].values())) == [1, 1, 1],
                 timeout=60)
        wait_for("rows on the node", lambda: len(node_ids(cql_port, sec)) > 500, timeout=60)
        assert not done.is_set(), "the stream ended before the kill; produce more slowly"
        workers[1].p.kill()  # kill -9: no LeaveGroup, no drain, an uncommitted batch
        killed.set()
        workers[1].p.wait()
        producer.join(timeout=120)
        assert done.is_set(), "the producer did not finish"

        # The two others take its partition after the session timeout, and catch up.
        wait_for("every good record on the node",
                 lambda: len(node_ids(cql_port, sec)) >= len(good_ids), timeout=90)
        wait_for("every bad record in the dead letters",
                 lambda: len(distinct_dead_letters(bootstrap, sec)[0]) >= len(bad), timeout=60)
        # The two survivors hold all three partitions.
        members, described = wait_for(
            "the survivors holding every partition",
            lambda: (lambda m: m if len(m[0]) == 2 else None)(assignment(bootstrap, command_config)), timeout=30)
        assert sorted(p for ps in members.values() for p in ps) == [0, 1, 2], described
        for n in (0, 2):
            assert workers[n].p.poll() is None, workers[n].output()
            assert workers[n].stop() == 0, workers[n].output()

        ids = node_ids(cql_port, sec)
        dead, dead_records = distinct_dead_letters(bootstrap, sec)
        produced = len(good_ids) + len(bad)
        assert len(ids) == len(set(ids))          # no id twice
        assert set(ids) == good_ids               # every good record, nothing else
        assert len(dead) == len(bad)              # every bad record, once per source offset
        assert dead_records >= len(dead)          # (at-least-once copies allowed)
        assert len(ids) == produced - len(dead)
    finally:
        for w in workers:
            w.stop()
        node.stop()
        broker.stop()
