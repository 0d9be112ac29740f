"""Several registries on one Kafka cluster elect one writer (src/registry/README.md, "Who
writes"): two `kappa registry --bootstrap` processes on a `kappa broker` (the external
cluster). Registrations through either get the same ids; the follower forwards them to the
writer (its kappa_registry_forwarded_requests_total counts them, and the writer's error
answers come back unchanged); the writer announced itself with one WRITER record in
_schemas, read here with confluent_kafka; kill -9 of the writer lets the other take over and
accept writes, keeping every id."""
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

import pytest
from confluent_kafka import Consumer, TopicPartition

sys.path.insert(0, os.path.dirname(__file__))
from registry_server import CT  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from conftest import KAPPA, free_port, wait_for_port  # noqa: E402

SESSION_MS = 3000


class Registry:
    def __init__(self, tmp_path, bootstrap):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp_path / f"registry-{self.port}.log"
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [KAPPA, "registry", "--bootstrap", bootstrap, "--listen", f"127.0.0.1:{self.port}",
             "--writer-session-timeout-ms", str(SESSION_MS)],
            stdout=self._log, stderr=subprocess.STDOUT)
        wait_for_port(self.port, timeout=30)

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": CT} if data else {})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")

    def forwarded(self, result="ok"):
        with urllib.request.urlopen(self.url + "/metrics", timeout=10) as r:
            text = r.read().decode()
        m = re.search(r'^kappa_registry_forwarded_requests_total\{result="%s"\} (\S+)$' % result,
                      text, re.M)
        return float(m.group(1)) if m else 0.0

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()

    def log(self):
        return self.log_path.read_text()[-3000:]


def writer_records(bootstrap):
    """The WRITER records of _schemas, in log order."""
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": "test-writer-records",
                  "enable.auto.commit": False})
    try:
        tp = TopicPartition("_schemas", 0)
        _, high = c.get_watermark_offsets(tp, timeout=10)
        c.assign([TopicPartition("_schemas", 0, 0)])
        out = []
        deadline = time.time() + 20
        pos = 0
        while pos < high and time.time() < deadline:
            m = c.poll(0.5)
            if m is None or m.error():
                continue
            pos = m.offset() + 1
            if json.loads(m.key()).get("keytype") == "WRITER":
                out.append(json.loads(m.value()))
        assert pos >= high, "could not read _schemas to its end"
        return out
    finally:
        c.close()


def avro(name, fields):
    return {"schema": json.dumps({"type": "record", "name": name, "fields": fields})}


S1 = avro("A", [{"name": "a", "type": "int"}])
S2 = avro("B", [{"name": "b", "type": "string"}])
S3 = avro("C", [{"name": "c", "type": "long"}])


def wait_writer(bootstrap, urls, timeout=30):
    """The URL in the latest WRITER record, once it is one of `urls`."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        recs = writer_records(bootstrap)
        if recs and recs[-1]["url"] in urls:
            return recs[-1]["url"], recs
        time.sleep(0.3)
    raise AssertionError(f"no writer among {urls} announced: {writer_records(bootstrap)}")


def test_one_writer_followers_forward_and_failover(tmp_path, broker):
    a = Registry(tmp_path, broker)
    b = None
    try:
        first, _ = wait_writer(broker, [a.url])
        b = Registry(tmp_path, broker)
        both = {a.url: a, b.url: b}
        # The group may hand partition 0 to either when b joins (a rebalance): wait until the
        # latest announcement names a member and stays the same for a while.
        time.sleep(SESSION_MS / 1000)
        writer_url, recs = wait_writer(broker, list(both))
        for _ in range(20):
            time.sleep(1)
            again, recs = wait_writer(broker, list(both))
            if again == writer_url:
                break
            writer_url = again
        writer = both[writer_url]
        follower = b if writer is a else a
        assert all(r["instance"] for r in recs)

        # Through the follower (forwarded) and the writer: one id per schema.
        st, r1 = follower.call("POST", "/subjects/s1-value/versions", S1)
        assert st == 200, (r1, follower.log())
        st, r2 = writer.call("POST", "/subjects/s2-value/versions", S2)
        assert st == 200, r2
        st, r1b = follower.call("POST", "/subjects/other-value/versions", S1)
        assert st == 200 and r1b["id"] == r1["id"]
        assert r2["id"] != r1["id"]
        assert follower.forwarded("ok") >= 2
        assert writer.forwarded("ok") == 0
        # The writer's errors come back unchanged.
        st_w, err_w = writer.call("POST", "/subjects/bad/versions", {"schema": "{not avro"})
        st_f, err_f = follower.call("POST", "/subjects/bad/versions", {"schema": "{not avro"})
        assert (st_f, err_f) == (st_w, err_w) and err_f["error_code"] == 42201
        # Config writes are forwarded too; reads are local and agree.
        st, _ = follower.call("PUT", "/config/s1-value", {"compatibility": "NONE"})
        assert st == 200
        deadline = time.time() + 10
        while writer.call("GET", "/config/s1-value")[0] != 200 and time.time() < deadline:
            time.sleep(0.1)
        assert writer.call("GET", "/config/s1-value") == (200, {"compatibilityLevel": "NONE"})
        for reg in (a, b):
            deadline = time.time() + 10
            while reg.call("GET", f"/schemas/ids/{r2['id']}")[0] != 200 and time.time() < deadline:
                time.sleep(0.1)
            assert reg.call("GET", f"/schemas/ids/{r2['id']}")[1]["schema"] == S2["schema"]
        assert len([r for r in writer_records(broker) if r["url"] == writer_url]) >= 1

        # kill -9 the writer: the follower takes over once the session times out, and
        # answers Confluent's 50003/50004 meanwhile.
        writer.proc.send_signal(signal.SIGKILL)
        writer.proc.wait(timeout=10)
        codes = set()
        deadline = time.time() + 60
        while True:
            st, r3 = follower.call("POST", "/subjects/s3-value/versions", S3)
            if st == 200:
                break
            assert st == 500 and r3["error_code"] in (50003, 50004), (st, r3)
            codes.add(r3["error_code"])
            assert time.time() < deadline, follower.log()
            time.sleep(0.2)
        assert r3["id"] not in (r1["id"], r2["id"])
        new_writer, _ = wait_writer(broker, [follower.url])
        assert new_writer == follower.url
        # Every earlier id is kept, and the new writer accepts every kind of write.
        assert follower.call("POST", "/subjects/s1-value/versions", S1) == (200, {"id": r1["id"]})
        assert follower.call("GET", f"/schemas/ids/{r2['id']}")[0] == 200
        assert follower.call("DELETE", "/subjects/s3-value")[0] == 200
    finally:
        a.stop()
        if b:
            b.stop()
