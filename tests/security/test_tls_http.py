"""HTTPS on `kappa up`'s HTTP listener (listeners.http "HOST:PORT,https://HOST:PORT"), checked
with curl and Python's ssl module: plain and TLS at once, CA verification, TLS 1.1 refused,
a plaintext request on the TLS port gets a readable 400, a client that never starts its
handshake is closed by the request timeout, and the server keeps serving the others."""
import http.client
import json
import os
import socket
import ssl
import subprocess
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from security_certs import tls_certs  # noqa: E402,F401  (the session fixture)
from tls_up import free_port, start_up, tls_section  # noqa: E402


def curl(*args):
    return subprocess.run(["curl", "-sS", "--max-time", "20", *args], capture_output=True,
                          text=True, timeout=60)


@pytest.fixture(scope="module")
def server(tmp_path_factory, tls_certs):
    tmp = tmp_path_factory.mktemp("https")
    plain, tls = free_port(), free_port()
    up = start_up(tmp, {"http": f"127.0.0.1:{plain}, https://127.0.0.1:{tls}",
                        "limits": {"request_timeout": "2s"}},
                  security=tls_section(tls_certs), wait_ports=(plain, tls))
    yield plain, tls
    code, err = up.stop()
    assert code == 0, err[-3000:]


def test_curl_over_https_with_the_ca_and_plain_beside_it(server, tls_certs):
    plain, tls = server
    r = curl("--cacert", tls_certs.ca, f"https://127.0.0.1:{tls}/health")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == {"status": "UP"}
    r = curl("--cacert", tls_certs.ca, f"https://localhost:{tls}/subjects")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == []
    r = curl(f"http://127.0.0.1:{plain}/health")
    assert r.returncode == 0 and json.loads(r.stdout) == {"status": "UP"}, r.stderr


def test_clients_refuse_what_they_cannot_verify(server, tls_certs):
    _, tls = server
    r = curl(f"https://127.0.0.1:{tls}/health")  # the system CAs do not know ours
    assert r.returncode == 60, (r.returncode, r.stderr)  # CURLE_PEER_FAILED_VERIFICATION
    r = curl("--cacert", tls_certs.untrusted_ca, f"https://127.0.0.1:{tls}/health")
    assert r.returncode == 60, (r.returncode, r.stderr)
    # TLS 1.1 is refused by the server (curl's OpenSSL would allow it at level 0).
    r = curl("--cacert", tls_certs.ca, "--tlsv1.1", "--tls-max", "1.1", "--ciphers",
             "DEFAULT@SECLEVEL=0", f"https://127.0.0.1:{tls}/health")
    assert r.returncode == 35, (r.returncode, r.stderr)  # CURLE_SSL_CONNECT_ERROR
    r = curl("--cacert", tls_certs.ca, f"https://127.0.0.1:{tls}/health")
    assert r.returncode == 0, r.stderr


def test_python_ssl_negotiates_tls13_and_tls12(server, tls_certs):
    _, tls = server
    for version in (ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2):
        ctx = ssl.create_default_context(cafile=tls_certs.ca)
        ctx.minimum_version = ctx.maximum_version = version
        c = http.client.HTTPSConnection("127.0.0.1", tls, context=ctx, timeout=20)
        c.request("GET", "/health")
        resp = c.getresponse()
        assert resp.status == 200 and json.loads(resp.read()) == {"status": "UP"}
        assert c.sock.version() == {ssl.TLSVersion.TLSv1_3: "TLSv1.3",
                                    ssl.TLSVersion.TLSv1_2: "TLSv1.2"}[version]
        c.close()


def test_plaintext_request_on_the_tls_port_gets_a_400(server, tls_certs):
    _, tls = server
    c = http.client.HTTPConnection("127.0.0.1", tls, timeout=20)
    c.request("GET", "/health")
    resp = c.getresponse()
    body = json.loads(resp.read())
    assert resp.status == 400
    assert "speaks HTTPS" in body["message"], body
    c.close()
    r = curl("--cacert", tls_certs.ca, f"https://127.0.0.1:{tls}/health")
    assert r.returncode == 0, r.stderr


def test_a_handshake_that_never_completes_is_closed(server, tls_certs):
    _, tls = server
    # One connection sends nothing, another half a ClientHello: request_timeout (2 s)
    # closes both; meanwhile others are served.
    silent = socket.create_connection(("127.0.0.1", tls))
    half = socket.create_connection(("127.0.0.1", tls))
    half.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03")
    r = curl("--cacert", tls_certs.ca, f"https://127.0.0.1:{tls}/health")
    assert r.returncode == 0, r.stderr
    for s in (silent, half):
        s.settimeout(30)
        t0 = time.time()
        try:
            assert s.recv(100) == b""
        except ConnectionResetError:
            pass
        assert time.time() - t0 < 30
        s.close()
