"""Starts `kappa up` (the built-in pipeline) with listeners and a `security:` section chosen by
a test: the shared setup of the TLS and password tests of tests/security/."""
import os
import signal
import subprocess
import sys

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from conftest import KAPPA, free_port, wait_for_port  # noqa: E402

DEFAULT_CONFIG = os.path.join(os.path.dirname(__file__), "..", "..", "config", "kappa.yaml")


class Up:
    """A running `kappa up`; stop() sends SIGTERM and returns (returncode, stderr)."""

    def __init__(self, proc, data_dir, config):
        self.proc, self.data_dir, self.config = proc, data_dir, config

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            _, err = self.proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
        return self.proc.returncode, err


def cql_login(port, user, password):
    """A DataStax driver session logged in as `user` (PasswordAuthenticator): (cluster, session)."""
    from cassandra.auth import PlainTextAuthProvider
    from cassandra.cluster import Cluster
    from cassandra.policies import RoundRobinPolicy
    cluster = Cluster(["127.0.0.1"], port=port, protocol_version=4,
                      load_balancing_policy=RoundRobinPolicy(), connect_timeout=10,
                      control_connection_timeout=10,
                      auth_provider=PlainTextAuthProvider(user, password))
    return cluster, cluster.connect()


def write_config(tmp_path, listeners, security=None, extra=None):
    """config/kappa.yaml with `listeners` merged in (kafka off unless given) and
    `security`; returns its path."""
    with open(DEFAULT_CONFIG) as f:
        c = yaml.safe_load(f)
    c["data_dir"] = str(tmp_path / "data")
    lst = {"kafka": "off", "cql": "off", "http": "off", "console": "off"}
    lst.update(listeners)
    c["listeners"] = lst
    if security is not None:
        c["security"] = security
    for k, v in (extra or {}).items():
        c[k] = v
    path = tmp_path / "kappa.yaml"
    with open(path, "w") as f:
        yaml.safe_dump(c, f, sort_keys=False)
    return str(path)


def start_up(tmp_path, listeners, security=None, wait_ports=(), extra=None, args=()):
    """Starts kappa up with that config and waits until every port in wait_ports accepts."""
    config = write_config(tmp_path, listeners, security, extra)
    proc = subprocess.Popen([KAPPA, "up", "--config", config, *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    up = Up(proc, str(tmp_path / "data"), config)
    try:
        for p in wait_ports:
            wait_for_port(p, timeout=60)
    except Exception:
        code, err = up.stop()
        raise AssertionError(f"kappa up did not listen (exit {code}): {err[-3000:]}")
    return up


def tls_section(certs, **kw):
    s = {"cert": certs.server_cert, "key": certs.server_key}
    s.update(kw)
    return {"tls": s}


__all__ = ["Up", "start_up", "write_config", "tls_section", "free_port", "KAPPA"]
