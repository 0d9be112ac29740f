"""HTTP Basic auth on `kappa up`'s HTTP listener and the console's login, both with the data
directory's users (`kappa users add`), over HTTPS, checked with curl and Python's http.client:
401 with WWW-Authenticate without or with wrong credentials, /health and /ready open, /metrics
open by default, a user added while kappa up runs can log in within a second or so, the
console's session cookie is Secure over HTTPS. Off-loopback start rules count these users and
refuse the well-known default passwords."""
import http.client
import json
import os
import ssl
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from conftest import kappa, wait_for  # noqa: E402
from security_certs import tls_certs  # noqa: E402,F401  (the session fixture)
from tls_up import free_port, start_up, tls_section, write_config  # noqa: E402

USER, PASSWORD = "ops", "a long and unguessable passphrase"


def add_user(data_dir, name, password):
    kappa("users", "add", name, "--data-dir", data_dir, "--password-stdin", input=password)


def curl(*args):
    r = subprocess.run(["curl", "-sS", "--max-time", "20", "-o", "/dev/stderr", "-w",
                        "%{http_code}", *args], capture_output=True, text=True, timeout=60)
    return int(r.stdout or 0), r.stderr


@pytest.fixture(scope="module")
def server(tmp_path_factory, tls_certs):
    tmp = tmp_path_factory.mktemp("basic")
    add_user(str(tmp / "data"), USER, PASSWORD)
    plain, tls, console = free_port(), free_port(), free_port()
    up = start_up(tmp, {"http": f"127.0.0.1:{plain},https://127.0.0.1:{tls}",
                        "console": f"https://127.0.0.1:{console}"},
                  security=tls_section(tls_certs), wait_ports=(plain, tls, console))
    yield {"plain": plain, "tls": tls, "console": console, "data": str(tmp / "data")}
    code, err = up.stop()
    assert code == 0, err[-3000:]


def test_apis_need_basic_auth(server, tls_certs):
    url = f"https://127.0.0.1:{server['tls']}"
    code, body = curl("--cacert", tls_certs.ca, f"{url}/subjects")
    assert code == 401, body
    assert json.loads(body)["error_code"] == 40101
    r = subprocess.run(["curl", "-sS", "-D", "-", "-o", "/dev/null", "--cacert", tls_certs.ca,
                        f"{url}/subjects"], capture_output=True, text=True, timeout=60)
    assert 'www-authenticate: basic realm="kappa"' in r.stdout.lower(), r.stdout
    code, body = curl("--cacert", tls_certs.ca, "-u", f"{USER}:wrong", f"{url}/subjects")
    assert code == 401, body
    code, body = curl("--cacert", tls_certs.ca, "-u", f"{USER}:{PASSWORD}", f"{url}/subjects")
    assert code == 200 and json.loads(body) == [], body
    # Airflow's REST API v1 behind the same check (the built-in config has DAGs).
    code, body = curl("--cacert", tls_certs.ca, f"{url}/api/v1/dags")
    assert code == 401, body
    code, body = curl("--cacert", tls_certs.ca, "-u", f"{USER}:{PASSWORD}", f"{url}/api/v1/dags")
    assert code == 200 and "dags" in json.loads(body), body
    # The plain listener asks the same.
    code, _ = curl(f"http://127.0.0.1:{server['plain']}/subjects")
    assert code == 401


def test_probes_and_metrics_stay_open(server, tls_certs):
    url = f"https://127.0.0.1:{server['tls']}"
    for path in ("/health", "/ready", "/metrics"):
        code, body = curl("--cacert", tls_certs.ca, url + path)
        assert code == 200 or (path == "/ready" and code == 503), (path, code, body)


def test_a_user_added_while_running_can_log_in(server, tls_certs):
    url = f"https://127.0.0.1:{server['tls']}/subjects"
    add_user(server["data"], "late", "another long passphrase")
    wait_for("the new user to log in", lambda: curl(
        "--cacert", tls_certs.ca, "-u", "late:another long passphrase", url)[0] == 200,
        timeout=15)


def test_console_login_with_a_user_of_the_data_directory(server, tls_certs):
    ctx = ssl.create_default_context(cafile=tls_certs.ca)
    c = http.client.HTTPSConnection("127.0.0.1", server["console"], context=ctx, timeout=20)
    c.request("GET", "/api/console/session")
    r = c.getresponse()
    session = json.loads(r.read())
    assert session["auth_required"] is True, session
    # Login mode without a session has no CSRF token yet; the login itself needs none.
    headers = {"Content-Type": "application/json"}
    c.request("POST", "/api/console/login",
              body=json.dumps({"user": USER, "password": "nope"}), headers=headers)
    r = c.getresponse()
    assert r.status == 401, r.read()
    r.read()
    c.request("POST", "/api/console/login",
              body=json.dumps({"user": USER, "password": PASSWORD}), headers=headers)
    r = c.getresponse()
    body = json.loads(r.read())
    assert r.status == 200 and body["user"] == USER, body
    cookie = r.getheader("Set-Cookie")
    assert "HttpOnly" in cookie and "Secure" in cookie, cookie
    c.close()


def check(tmp_path, listeners, *args):
    config = write_config(tmp_path, listeners)
    return kappa("up", "--config", config, "--check", *args, check=False)


def test_off_loopback_needs_users_and_refuses_default_passwords(tmp_path):
    data = str(tmp_path / "data")
    p = check(tmp_path, {"http": "0.0.0.0:0"})
    assert p.returncode != 0 and "kappa users add" in p.stderr, p.stderr
    p = check(tmp_path, {"cql": "0.0.0.0:0"})
    assert p.returncode != 0 and "kappa users add" in p.stderr, p.stderr
    add_user(data, USER, PASSWORD)
    p = check(tmp_path, {"http": "0.0.0.0:0", "cql": "0.0.0.0:0"})
    assert p.returncode == 0, p.stderr
    add_user(data, "cassandra", "cassandra")
    p = check(tmp_path, {"cql": "0.0.0.0:0"})
    assert p.returncode != 0 and "well-known default password" in p.stderr, p.stderr
    p = check(tmp_path, {"cql": "127.0.0.1:0"})  # loopback: only this machine can try it
    assert p.returncode == 0, p.stderr
