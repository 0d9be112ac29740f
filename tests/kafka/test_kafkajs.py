"""KafkaJS 2.x against `kappa broker` (tests/clients/kafkajs_test.js). Installs the npm
clients with `npm ci` the first time (tests/clients/package-lock.json)."""
import os
import subprocess

CLIENTS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "clients")


def ensure_node_modules():
    if not os.path.isdir(os.path.join(CLIENTS, "node_modules", "kafkajs")):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", CLIENTS],
                       check=True, timeout=600)


def test_kafkajs_admin_producer_consumer_group(broker):
    ensure_node_modules()
    p = subprocess.run(["node", os.path.join(CLIENTS, "kafkajs_test.js"), broker.bootstrap],
                       capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, f"{p.stdout}\n{p.stderr}\nbroker:\n{broker.log()}"
    assert "ok 2000" in p.stdout
