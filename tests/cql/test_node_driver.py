"""The DataStax Node.js driver (cassandra-driver from npm, a second CQL implementation)
against `kappa cql-server`."""
import os
import subprocess

import pytest

from cql_server import CqlServer

CLIENTS = os.path.join(os.path.dirname(__file__), "..", "clients")


def ensure_node_modules():
    if os.path.isdir(os.path.join(CLIENTS, "node_modules", "cassandra-driver")):
        return
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=CLIENTS, check=True,
                   capture_output=True, timeout=300)


def test_node_driver(tmp_path):
    ensure_node_modules()
    s = CqlServer(str(tmp_path / "data"))
    try:
        env = dict(os.environ, NODE_PATH=os.path.join(CLIENTS, "node_modules"))
        p = subprocess.run(["node", os.path.join(os.path.dirname(__file__), "node_driver_check.js"),
                            str(s.port)], capture_output=True, text=True, timeout=120, env=env)
        assert p.returncode == 0, p.stdout + p.stderr
        assert "node driver ok" in p.stdout
    finally:
        assert s.stop() == 0
