"""`kappa groups list|describe|reset`, through the Kafka protocol and offline."""
import os
import subprocess
import time

from confluent_kafka import Consumer, Producer

KAPPA = os.environ.get("KAPPA_BIN") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "kappa")


def kappa(*args):
    p = subprocess.run([KAPPA, *args], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_groups_list_describe_reset(broker):
    p = Producer({"bootstrap.servers": broker.bootstrap})
    for i in range(100):
        p.produce("gt", value=str(i).encode())
    p.flush(30)
    c = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": "cli-group",
                  "client.id": "cli-consumer", "auto.offset.reset": "earliest",
                  "enable.auto.commit": False})
    c.subscribe(["gt"])
    got = 0
    deadline = time.time() + 30
    while got < 60 and time.time() < deadline:
        m = c.poll(1.0)
        if m is not None and not m.error():
            got += 1
            if got == 60:
                c.commit(message=m, asynchronous=False)
    assert "cli-group" in kappa("groups", "list", "--bootstrap", broker.bootstrap)
    out = kappa("groups", "describe", "cli-group", "--bootstrap", broker.bootstrap)
    assert "state Stable" in out
    assert "cli-consumer" in out and "gt:0" in out
    line = [l for l in out.splitlines() if l.startswith("gt ")][0].split()
    assert line[1:] == ["0", "60", "100", "40"]
    c.close()

    out = kappa("groups", "reset", "cli-group", "--to-earliest", "--bootstrap", broker.bootstrap)
    assert [l.split() for l in out.splitlines() if l.startswith("gt ")][0][2] == "0"

    broker.stop()
    assert "cli-group" in kappa("groups", "list", "--data-dir", broker.data_dir)
    out = kappa("groups", "reset", "cli-group", "--to-offset", "30", "--data-dir", broker.data_dir)
    assert [l.split() for l in out.splitlines() if l.startswith("gt ")][0][1:] == [
        "0", "30", "100", "70"]
    out = kappa("groups", "describe", "cli-group", "--data-dir", broker.data_dir)
    assert "offline" in out
    broker.start()
