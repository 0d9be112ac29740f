"""Test certificates for kappa's TLS listeners, generated at test time with the openssl CLI.

    from security_certs import make_certs, tls_certs   # tls_certs: a session fixture
    certs = make_certs(tmp_dir)
    certs.ca            # CA certificate (PEM) that signs everything below but `untrusted`
    certs.server_cert   # server certificate, SAN IP:127.0.0.1 + DNS:localhost, serverAuth
    certs.server_key
    certs.client_cert   # client certificate CN=alice, clientAuth (mutual TLS)
    certs.client_key
    certs.expired_cert  # server certificate for 127.0.0.1/localhost that expired in 2020,
    certs.expired_key   #   signed by `ca`
    certs.untrusted_ca          # a second CA nobody trusts, and a server and a client
    certs.untrusted_server_cert # certificate it signed (valid dates, right names)
    certs.untrusted_server_key
    certs.untrusted_client_cert
    certs.untrusted_client_key

Keys are EC P-256 (fast to generate on a busy machine; every client here speaks ECDSA).
The CA has basicConstraints CA:TRUE, keyUsage keyCertSign and key identifiers, so the chain
passes strict X.509 checks (Python 3.13's VERIFY_X509_STRICT, Node, librdkafka).
A whole set takes well under a second; use the session fixture `tls_certs` to make one set
per pytest run. To use the fixture in a test module: `from security_certs import tls_certs`
(pytest finds imported fixtures).
"""
import os
import subprocess
from dataclasses import dataclass

import pytest

_CA_EXT = """basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
"""

_SERVER_EXT = """basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""

_CLIENT_EXT = """basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""

# `openssl x509 -req` of OpenSSL 3.0 cannot set a start date in the past, `openssl ca` can:
# its minimal configuration, for the expired certificate only.
_CA_CONF = """[ ca ]
default_ca = test_ca
[ test_ca ]
dir = {dir}
database = {dir}/index.txt
new_certs_dir = {dir}
serial = {dir}/serial
default_md = sha256
policy = any
copy_extensions = none
x509_extensions = server_ext
unique_subject = no
[ any ]
commonName = supplied
[ server_ext ]
""" + _SERVER_EXT


@dataclass
class Certs:
    dir: str
    ca: str
    ca_key: str
    server_cert: str
    server_key: str
    client_cert: str
    client_key: str
    expired_cert: str
    expired_key: str
    untrusted_ca: str
    untrusted_server_cert: str
    untrusted_server_key: str
    untrusted_client_cert: str
    untrusted_client_key: str


def _openssl(*args, cwd):
    p = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed: {p.stderr}")


def _write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def _key(d, name):
    path = os.path.join(d, name + ".key")
    _openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-out", path, cwd=d)
    os.chmod(path, 0o600)
    return path


def _ca(d, name, cn):
    key = _key(d, name)
    ext = _write(os.path.join(d, name + ".ext"), _CA_EXT)
    cert = os.path.join(d, name + ".pem")
    _openssl("req", "-x509", "-new", "-key", key, "-sha256", "-days", "3650",
             "-subj", f"/CN={cn}", "-extensions", "v3", "-config",
             _write(os.path.join(d, name + ".cnf"),
                    "[req]\ndistinguished_name = dn\n[dn]\n[v3]\n" + _CA_EXT),
             "-out", cert, cwd=d)
    os.remove(ext)
    return cert, key


def _signed(d, name, cn, ext_text, ca, ca_key):
    key = _key(d, name)
    csr = os.path.join(d, name + ".csr")
    _openssl("req", "-new", "-key", key, "-subj", f"/CN={cn}", "-out", csr, cwd=d)
    ext = _write(os.path.join(d, name + ".ext"), ext_text)
    cert = os.path.join(d, name + ".pem")
    _openssl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
             "-sha256", "-days", "825", "-extfile", ext, "-out", cert, cwd=d)
    return cert, key


def _expired(d, ca, ca_key):
    key = _key(d, "expired")
    csr = os.path.join(d, "expired.csr")
    _openssl("req", "-new", "-key", key, "-subj", "/CN=localhost", "-out", csr, cwd=d)
    cadir = os.path.join(d, "expired-ca")
    os.makedirs(cadir, exist_ok=True)
    _write(os.path.join(cadir, "index.txt"), "")
    _write(os.path.join(cadir, "serial"), "1000\n")
    conf = _write(os.path.join(cadir, "ca.cnf"), _CA_CONF.format(dir=cadir))
    cert = os.path.join(d, "expired.pem")
    _openssl("ca", "-batch", "-config", conf, "-cert", ca, "-keyfile", ca_key,
             "-startdate", "20200101000000Z", "-enddate", "20200201000000Z",
             "-in", csr, "-out", cert, "-notext", cwd=d)
    return cert, key


def make_certs(directory):
    """Writes a fresh set of certificates into `directory` (created if missing)."""
    d = os.path.abspath(str(directory))
    os.makedirs(d, exist_ok=True)
    ca, ca_key = _ca(d, "ca", "kappa test CA")
    server_cert, server_key = _signed(d, "server", "localhost", _SERVER_EXT, ca, ca_key)
    client_cert, client_key = _signed(d, "client", "alice", _CLIENT_EXT, ca, ca_key)
    expired_cert, expired_key = _expired(d, ca, ca_key)
    uca, uca_key = _ca(d, "untrusted-ca", "untrusted test CA")
    userver, userver_key = _signed(d, "untrusted-server", "localhost", _SERVER_EXT, uca,
                                   uca_key)
    uclient, uclient_key = _signed(d, "untrusted-client", "alice", _CLIENT_EXT, uca, uca_key)
    return Certs(d, ca, ca_key, server_cert, server_key, client_cert, client_key,
                 expired_cert, expired_key, uca, userver, userver_key, uclient, uclient_key)


@pytest.fixture(scope="session")
def tls_certs(tmp_path_factory):
    """One certificate set per pytest session (see make_certs)."""
    return make_certs(tmp_path_factory.mktemp("certs"))


if __name__ == "__main__":
    # `python3 tests/security_certs.py DIR`: a set for manual tries (curl --cacert DIR/ca.pem).
    import sys
    c = make_certs(sys.argv[1] if len(sys.argv) > 1 else "certs")
    for k, v in vars(c).items():
        print(f"{k}: {v}")
