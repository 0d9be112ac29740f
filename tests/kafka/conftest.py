"""Fixtures for the Kafka protocol tests: a `kappa broker` on a free port and a temp data dir."""
import os
import signal
import subprocess

import pytest

import importlib.util

# The shared helpers of tests/conftest.py, loaded by path (both files are named conftest).
_spec = importlib.util.spec_from_file_location(
    "kappa_root_conftest", os.path.join(os.path.dirname(os.path.dirname(__file__)), "conftest.py"))
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)
KAPPA, free_port, wait_for_port = _root.KAPPA, _root.free_port, _root.wait_for_port


class Broker:
    """A `kappa broker` child process. start()/stop() may be called repeatedly (restarts)."""

    # Kafka's default group.initial.rebalance.delay.ms is 3 s; the tests do not wait for it
    # unless they test the delay itself (then they pass their own value in `extra`).
    NO_GROUP_DELAY = ["--group-initial-rebalance-delay-ms", "0"]

    def __init__(self, data_dir, port=None, extra=()):
        self.data_dir = data_dir
        self.port = port or free_port()
        self.extra = list(extra)
        if "--group-initial-rebalance-delay-ms" not in self.extra:
            self.extra += self.NO_GROUP_DELAY
        self.proc = None
        self.log_path = os.path.join(os.path.dirname(data_dir), "broker.log")

    @property
    def bootstrap(self):
        return f"127.0.0.1:{self.port}"

    def start(self):
        self.logf = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [KAPPA, "broker", "--data-dir", self.data_dir, "--listen", self.bootstrap,
             *self.extra], stdout=subprocess.PIPE, stderr=self.logf, text=True)
        line = self.proc.stdout.readline()
        if "listening on" not in line:
            self.proc.kill()
            raise AssertionError(f"broker did not start: {line!r}; log:\n{self.log()}")
        wait_for_port(self.port)
        return self

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        self.logf.close()

    def log(self):
        try:
            with open(self.log_path) as f:
                return f.read()[-4000:]
        except OSError:
            return ""


@pytest.fixture
def broker(tmp_path):
    b = Broker(str(tmp_path / "data")).start()
    yield b
    b.stop()


@pytest.fixture
def broker_factory(tmp_path):
    made = []

    def make(**kw):
        b = Broker(str(tmp_path / f"data{len(made)}"), **kw)
        made.append(b)
        return b
    yield make
    for b in made:
        b.stop()


