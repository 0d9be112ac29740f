"""Starts a `kappa cql-server` on a free port for a test, and stops it afterwards."""
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from conftest import KAPPA, free_port, wait_for_port  # noqa: E402


class CqlServer:
    def __init__(self, data_dir, *extra):
        self.port = free_port()
        self.data_dir = data_dir
        self.proc = subprocess.Popen(
            [KAPPA, "cql-server", "--data-dir", data_dir, "--port", str(self.port),
             "--threads", "2", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            wait_for_port(self.port)
        except TimeoutError:
            self.stop()
            raise AssertionError("cql-server did not start: " + self.proc.stderr.read())

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode
