"""What the console measurement scripts share (console-cpu.py, console-pages.py): a free port,
and one `kappa up` (the default config) with its console on a port, started and waited for."""
import os
import socket
import subprocess
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_kappa_up(kappa, data_dir, console_port, kafka="127.0.0.1:0", cql="127.0.0.1:0"):
    """Starts `kappa up` and returns (process, console base URL) once the console answers."""
    proc = subprocess.Popen(
        [kappa, "up", "--data-dir", data_dir, "--kafka-listen", kafka, "--cql-listen", cql,
         "--http-listen", "127.0.0.1:0", "--console-listen", f"127.0.0.1:{console_port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{console_port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(base + "/api/console/session", timeout=2).read()
            return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"kappa up's console did not answer at {base}")
