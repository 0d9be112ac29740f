"""Kafka's SSL listener (listeners.kafka "SSL://HOST:PORT") with security.tls's context,
checked with kcat (librdkafka): metadata, produce and consume over TLS beside a PLAINTEXT
listener; a client that does not trust the CA fails, the server keeps serving."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from security_certs import tls_certs  # noqa: E402,F401  (the session fixture)
from tls_up import KAPPA, free_port, start_up, tls_section  # noqa: E402


def kcat(port, ca, *args, input=None):
    return subprocess.run(["kcat", "-b", f"127.0.0.1:{port}", "-X", "security.protocol=SSL",
                           "-X", f"ssl.ca.location={ca}", "-X", "socket.timeout.ms=10000",
                           "-m", "10", *args], input=input, capture_output=True, text=True,
                          timeout=60)


def test_kcat_over_ssl(tmp_path, tls_certs):
    plain, ssl_port = free_port(), free_port()
    up = start_up(tmp_path, {"kafka": f"PLAINTEXT://127.0.0.1:{plain},SSL://127.0.0.1:{ssl_port}"},
                  security=tls_section(tls_certs), wait_ports=(plain, ssl_port))
    try:
        meta = kcat(ssl_port, tls_certs.ca, "-L")
        assert meta.returncode == 0, meta.stderr
        assert f"127.0.0.1:{ssl_port}" in meta.stdout, meta.stdout
        p = kcat(ssl_port, tls_certs.ca, "-P", "-t", "tls_topic", input="over tls\n")
        assert p.returncode == 0, p.stderr
        c = kcat(ssl_port, tls_certs.ca, "-C", "-t", "tls_topic", "-o", "beginning", "-c", "1",
                 "-e")
        assert c.returncode == 0 and c.stdout.strip() == "over tls", c.stdout + c.stderr
        bad = kcat(ssl_port, tls_certs.untrusted_ca, "-L")
        assert bad.returncode != 0
        assert "certificate verify failed" in bad.stderr, bad.stderr
        again = kcat(ssl_port, tls_certs.ca, "-L")
        assert again.returncode == 0, again.stderr
    finally:
        code, err = up.stop()
    assert code == 0, err[-3000:]


def _negotiated_suite(port, ca, *suites):
    """The TLS 1.3 suite `openssl s_client` gets when it offers `suites` in that order."""
    out = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-CAfile", ca,
                          "-tls1_3", "-ciphersuites", ":".join(suites), "-brief"],
                         input="", capture_output=True, text=True, timeout=30)
    for line in (out.stdout + out.stderr).splitlines():
        if line.startswith("Ciphersuite:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(out.stdout + out.stderr)


def test_tls13_suite_is_the_servers_choice_aes128_unless_the_client_prefers_chacha(
        tmp_path, tls_certs):
    """The server picks AES-128-GCM over the AES-256-GCM that OpenSSL clients list first
    (less CPU per byte on both ends), and ChaCha20-Poly1305 for a client that puts it first."""
    ssl_port = free_port()
    up = start_up(tmp_path, {"kafka": f"SSL://127.0.0.1:{ssl_port}"},
                  security=tls_section(tls_certs), wait_ports=(ssl_port,))
    try:
        openssl_default = ("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                           "TLS_AES_128_GCM_SHA256")
        assert _negotiated_suite(ssl_port, tls_certs.ca, *openssl_default) == \
            "TLS_AES_128_GCM_SHA256"
        assert _negotiated_suite(ssl_port, tls_certs.ca, "TLS_CHACHA20_POLY1305_SHA256",
                                 "TLS_AES_128_GCM_SHA256") == "TLS_CHACHA20_POLY1305_SHA256"
        assert _negotiated_suite(ssl_port, tls_certs.ca, "TLS_AES_256_GCM_SHA384") == \
            "TLS_AES_256_GCM_SHA384"
    finally:
        code, err = up.stop()
    assert code == 0, err[-3000:]


def test_bench_kafka_tls_rounds_alternate_and_report_ratios():
    """`kappa bench kafka --tls --rounds 2` (a smoke run with tiny counts; the figures are in
    docs/benchmarks/kafka.md): plaintext, SSL, SASL_SSL, then the reverse order, each round on
    topics of its own, and the means with their ratio to plaintext."""
    p = subprocess.run([KAPPA, "bench", "kafka", "--tls", "--no-peers", "--records", "2000",
                        "--sizes", "100", "--only", "throughput", "--rounds", "2"],
                       capture_output=True, text=True, timeout=180)
    assert p.returncode == 0, p.stderr[-3000:]
    runs = [l.split()[0] for l in p.stdout.splitlines() if "produce acks=all" in l]
    assert runs == ["kappa", "kappa-tls", "kappa-sasl-tls",
                    "kappa-sasl-tls", "kappa-tls", "kappa"], p.stdout
    means = [l for l in p.stdout.splitlines() if "mean of 2 rounds" in l]
    assert len(means) == 3, p.stdout
    assert "(1.00x kappa)" in means[0] and "x kappa)" in means[1], p.stdout
    # Every case read back what it wrote: no zero consume rate.
    consumed = [l for l in p.stdout.splitlines() if " consume " in l and "mean of" not in l]
    assert len(consumed) == 6 and all(float(l.split()[-4]) > 0 for l in consumed), p.stdout
