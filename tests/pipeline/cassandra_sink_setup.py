"""Shared by the `sink: cassandra` process tests: the default config with a Cassandra sink,
and `kappa up` with ephemeral listeners."""
import json
import os

from conftest import kappa

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DEFAULT_CONFIG = os.path.join(ROOT, "config", "kappa.yaml")
EPHEMERAL = ["--kafka-listen", "127.0.0.1:0", "--cql-listen", "127.0.0.1:0",
             "--http-listen", "127.0.0.1:0"]
TTL_LINE = "    ttl: 1d                       # stored rows expire after this (0 = never)\n"


def sink_config(tmp_path, port, rate=2000, retry_for="30s", request_timeout="12s", extra=""):
    """kappa.yaml (the default config) at rate users/s with a Cassandra sink on 127.0.0.1:port;
    `extra`: more lines of the sink map (indented by 6)."""
    text = open(DEFAULT_CONFIG).read()
    assert "    rate: 100\n" in text and TTL_LINE in text
    text = text.replace("    rate: 100\n", f"    rate: {rate}\n")
    # The shipped producer runs only from the user_automation DAG (autostart: false); these
    # tests were written for a producer running from the start of every kappa up.
    text = text.replace("    autostart: false\n", "    autostart: true\n")
    text = text.replace(TTL_LINE, TTL_LINE + (
        "    sink:\n"
        "      type: cassandra\n"
        f"      contact_points: [127.0.0.1:{port}]\n"
        "      max_in_flight: 64\n" + extra +
        "      consistency: local_one\n"
        f"      retry_for: {retry_for}\n"
        f"      request_timeout: {request_timeout}\n"))
    path = tmp_path / "kappa.yaml"
    path.write_text(text)
    return str(path)


def up(data_dir, config, *args, check=True, timeout=120):
    p = kappa("up", "--data-dir", data_dir, "--json", "--config", config, *EPHEMERAL, *args,
              check=check, timeout=timeout)
    summary = json.loads(p.stdout.strip().splitlines()[-1]) if p.returncode == 0 else None
    return summary, p
