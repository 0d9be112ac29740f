"""A `kappa registry` process for tests: started on a free port over a data directory,
restartable, killable with SIGKILL, and a small raw HTTP helper (http.client) for calls whose
exact status, headers and body matter."""
import http.client
import json
import os
import signal
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from conftest import KAPPA, free_port, wait_for_port  # noqa: E402

CT = "application/vnd.schemaregistry.v1+json"


class RegistryServer:
    def __init__(self, data_dir, port=None):
        self.data_dir = str(data_dir)
        self.port = port or free_port()
        self.proc = None
        self.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.log_path = os.path.join(os.path.dirname(self.data_dir) or ".",
                                     f"registry-{self.port}.log")
        self._log = open(self.log_path, "a")
        self.proc = subprocess.Popen(
            [KAPPA, "registry", "--data-dir", self.data_dir, "--listen",
             f"127.0.0.1:{self.port}"], stdout=self._log, stderr=subprocess.STDOUT, text=True)
        try:
            wait_for_port(self.port)
        except TimeoutError:
            self.proc.kill()
            raise AssertionError(f"kappa registry did not start:\n{self.log()}")

    def log(self):
        with open(self.log_path) as f:
            return f.read()[-4000:]

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)
        self._log.close()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)
        self._log.close()
        return self.proc.returncode

    def restart(self):
        self.stop()
        self.start()

    def alive(self):
        return self.proc.poll() is None

    def call(self, method, path, body=None, headers=None, raw=None, timeout=10):
        """(status, headers dict with lower-case names, body text). `body` is JSON-encoded;
        `raw` is sent as is."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            h = dict(headers or {})
            data = raw
            if body is not None:
                data = json.dumps(body).encode()
            if data is not None:
                h.setdefault("Content-Type", CT)
            conn.request(method, path, body=data, headers=h)
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def json(self, method, path, body=None, **kw):
        status, _, text = self.call(method, path, body, **kw)
        return status, json.loads(text) if text else None
