"""`kappa registry` keeps every acknowledged registration across a clean restart and a
kill -9 right after the acknowledgements, and never hands out an id twice, deletes and
restarts included."""
import http.client
import json
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(__file__))
from registry_server import CT, RegistryServer  # noqa: E402


def schema(i):
    return json.dumps({"type": "record", "name": f"Durable{i}", "namespace": "kappa.test",
                       "fields": [{"name": "f", "type": "string"}]})


class KeepAlive:
    """One keep-alive connection (as the clients use), for registering quickly."""

    def __init__(self, port):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def register(self, subject, text):
        self.conn.request("POST", f"/subjects/{subject}/versions",
                          body=json.dumps({"schema": text}), headers={"Content-Type": CT})
        r = self.conn.getresponse()
        body = r.read()
        assert r.status == 200, (r.status, body)
        return json.loads(body)["id"]


def check_all(reg, acked):
    """Every acknowledged (subject, text) -> id is served with the same schema."""
    for (subject, text), sid in acked.items():
        status, doc = reg.json("GET", f"/schemas/ids/{sid}")
        assert status == 200, (sid, doc)
        assert json.loads(doc["schema"]) == json.loads(text), (sid, doc)
        status, doc = reg.json("POST", f"/subjects/{subject}", {"schema": text})
        assert status == 200 and doc["id"] == sid, (subject, doc)


def test_restart_keeps_every_id(tmp_path):
    reg = RegistryServer(tmp_path / "data")
    try:
        c = KeepAlive(reg.port)
        acked = {}
        for i in range(300):
            subject = f"s{i % 30}-value"  # 10 versions per subject (BACKWARD: new names are
            # new record types, so set the subjects to NONE first)
            if i < 30:
                assert reg.json("PUT", f"/config/{subject}", {"compatibility": "NONE"})[0] == 200
            acked[(subject, schema(i))] = c.register(subject, schema(i))
        assert len(set(acked.values())) == 300
        versions_before = {s: reg.json("GET", f"/subjects/{s}/versions")[1]
                           for s in {k[0] for k in acked}}
        reg.restart()
        check_all(reg, acked)
        assert {s: reg.json("GET", f"/subjects/{s}/versions")[1] for s in versions_before} == \
            versions_before
        assert reg.json("GET", "/config/s0-value") == (200, {"compatibilityLevel": "NONE"})
    finally:
        reg.stop()


def test_kill9_right_after_acknowledgements(tmp_path):
    reg = RegistryServer(tmp_path / "data")
    acked = {}
    try:
        for round_ in range(3):
            # Writers register as fast as they can; the process is killed the moment the
            # 100th acknowledgement of the round arrives, with writes still in flight.
            lock = threading.Lock()
            enough = threading.Event()
            base = round_ * 10000

            def writer(w):
                c = KeepAlive(reg.port)
                for i in range(base + w * 1000, base + w * 1000 + 1000):
                    try:
                        sid = c.register(f"k{i}-value", schema(i))
                    except (OSError, http.client.HTTPException, AssertionError):
                        return  # killed under us: not acknowledged
                    with lock:
                        acked[(f"k{i}-value", schema(i))] = sid
                        if len(acked) >= 100 * (round_ + 1):
                            enough.set()

            threads = [threading.Thread(target=writer, args=(w,)) for w in range(3)]
            for t in threads:
                t.start()
            assert enough.wait(30), reg.log()
            reg.kill9()
            for t in threads:
                t.join(timeout=30)
            reg.start()
            check_all(reg, dict(acked))
        ids = list(acked.values())
        assert len(ids) == len(set(ids)), "an id was handed out twice"
    finally:
        reg.stop()


def test_ids_never_reused_after_deletes_and_restarts(tmp_path):
    reg = RegistryServer(tmp_path / "data")
    try:
        c = KeepAlive(reg.port)
        seen = set()
        n = 0
        for round_ in range(3):
            for i in range(5):
                sid = c.register(f"d{n}-value", schema(10**6 + n))
                assert sid not in seen, (sid, seen)
                seen.add(sid)
                n += 1
            # Soft- then permanently delete the newest subjects (their ids may go away)...
            for k in range(n - 3, n):
                assert reg.json("DELETE", f"/subjects/d{k}-value")[0] == 200
                assert reg.json("DELETE", f"/subjects/d{k}-value?permanent=true")[0] == 200
            # ... and restart: new schemas still get ids never handed out before.
            if round_ == 1:
                reg.kill9()
                reg.start()
            else:
                reg.restart()
            c = KeepAlive(reg.port)
        sid = c.register("after-value", schema(2 * 10**6))
        assert sid not in seen, (sid, sorted(seen))
    finally:
        reg.stop()
