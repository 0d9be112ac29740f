"""@kafkajs/confluent-schema-registry and KafkaJS against `kappa up` (registry on
listeners.http, broker on listeners.kafka): tests/clients/schema_registry_test.js. Installs the
npm clients with `npm ci` the first time (tests/clients/package-lock.json)."""
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from conftest import KAPPA, free_port, wait_for_port  # noqa: E402

CLIENTS = os.path.join(os.path.dirname(os.path.dirname(__file__)), "clients")


def ensure_node_modules():
    if not os.path.isdir(os.path.join(CLIENTS, "node_modules", "@kafkajs",
                                      "confluent-schema-registry")):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--prefix", CLIENTS],
                       check=True, timeout=600)


def test_kafkajs_schema_registry_avro_and_json(tmp_path):
    ensure_node_modules()
    kport, hport = free_port(), free_port()
    log = open(tmp_path / "up.log", "w")
    up = subprocess.Popen(
        [KAPPA, "up", "--data-dir", str(tmp_path / "data"), "--kafka-listen",
         f"127.0.0.1:{kport}", "--cql-listen", "off", "--http-listen", f"127.0.0.1:{hport}"],
        stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for_port(kport)
        wait_for_port(hport)
        p = subprocess.run(["node", os.path.join(CLIENTS, "schema_registry_test.js"),
                            f"http://127.0.0.1:{hport}", f"127.0.0.1:{kport}"],
                           capture_output=True, text=True, timeout=180)
        assert p.returncode == 0, f"{p.stdout}\n{p.stderr}\n{open(tmp_path / 'up.log').read()[-3000:]}"
        assert p.stdout.startswith("ok avro "), p.stdout
    finally:
        up.send_signal(signal.SIGTERM)
        up.wait(timeout=60)
        log.close()
