"""Shared fixtures for kappa's process-level tests (pytest, run by CTest).

Every test gets its own data directory and free ports, so tests may run in parallel and
never collide with a running kappa.
"""
import os
import signal
import socket
import subprocess
import time

import pytest

KAPPA = os.environ.get("KAPPA_BIN") or os.path.join(
    os.path.dirname(__file__), "..", "build", "kappa")


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, timeout=15.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


def wait_for(what, predicate, timeout=60):
    """Polls `predicate` every 0.1 s until it returns something truthy (returned), or fails
    the test after `timeout` seconds naming `what` and the last value seen."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}; last: {last}")


def kappa(*args, input=None, check=True, timeout=300, **kw):
    """Runs build/kappa with args; returns the CompletedProcess (text mode)."""
    p = subprocess.run([KAPPA, *map(str, args)], input=input, capture_output=True,
                       text=True, timeout=timeout, **kw)
    if check and p.returncode != 0:
        raise AssertionError(f"kappa {' '.join(map(str, args))} exited {p.returncode}\n"
                             f"stdout: {p.stdout[-2000:]}\nstderr: {p.stderr[-2000:]}")
    return p


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / "data"
    return str(d)


@pytest.fixture
def kappa_bin():
    return KAPPA


@pytest.fixture
def broker(tmp_path):
    """A `kappa broker` (the "external" Kafka cluster) on a free port: yields "127.0.0.1:PORT".
    Its consumer groups rebalance at once (no initial delay), so group tests stay short."""
    port = free_port()
    p = subprocess.Popen([KAPPA, "broker", "--listen", f"127.0.0.1:{port}",
                          "--data-dir", str(tmp_path / "broker"),
                          "--group-initial-rebalance-delay-ms", "0"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port)
        yield f"127.0.0.1:{port}"
    finally:
        p.send_signal(signal.SIGTERM)
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
