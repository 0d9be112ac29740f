"""`kappa up` (and `kappa broker`) check everything a start needs before writing anything:
listener addresses and their authentication rules, durations, the data directory's path;
every error names the flag or the config line. A start that fails appends nothing."""
import json
import os
import socket
import subprocess
import time

import pytest

from conftest import KAPPA, free_port, kappa, wait_for_port

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DEFAULT_CONFIG = os.path.join(ROOT, "config", "kappa.yaml")


HTTP_DEFAULT = "  http: 127.0.0.1:8081\n"


def config_with(tmp_path, *replacements, name="kappa.yaml"):
    text = open(DEFAULT_CONFIG).read()
    # Tests run in parallel: the HTTP listener takes a free port, not the default 8081, and
    # comes first under listeners: so the replacements below can end the section.
    assert HTTP_DEFAULT in text
    text = text.replace(HTTP_DEFAULT, "")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    if "\n  http:" not in text:
        text = text.replace("\nlisteners:\n", "\nlisteners:\n  http: 127.0.0.1:0\n", 1)
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def line_of(path, needle):
    for i, line in enumerate(open(path), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


def up_fails(tmp_path, *args, config=None):
    """Runs kappa up with --check and without; both fail with the same message and no data
    directory appears. Returns stderr."""
    d = tmp_path / "data"
    base = ["up", "--data-dir", str(d)] + (["--config", config] if config else [])
    errs = []
    for extra in (["--check"], ["--duration", "1s"]):
        p = kappa(*base, *args, *extra, check=False, timeout=60)
        assert p.returncode != 0, p.stdout
        assert not d.exists(), f"{extra}: the data directory was created: {os.listdir(d)}"
        errs.append(p.stderr)
    assert errs[0] == errs[1], errs
    return errs[0]


LISTENERS = ("listeners:\n  kafka: 127.0.0.1:9092\n  cql: 127.0.0.1:9042\n")


@pytest.mark.parametrize("key,address,problem", [
    ("kafka", "127.0.0.1:70000", "the port must be a number 0..65535"),
    ("cql", "127.0.0.1:99999", "the port must be a number 0..65535"),
    ("kafka", "300.1.1.1:9092", "is not an IPv4 address"),
    ("kafka", "::1:9092", "IPv6 address in brackets"),
    ("cql", "localhost", "expected HOST:PORT"),
])
def test_bad_listener_in_config_names_its_line(tmp_path, key, address, problem):
    other = "cql" if key == "kafka" else "kafka"
    cfg = config_with(tmp_path, (LISTENERS, f"listeners:\n  {key}: \"{address}\"\n"
                                            f"  {other}: 127.0.0.1:0\n"))
    err = up_fails(tmp_path, config=cfg)
    line = line_of(cfg, f"  {key}: ")
    assert f"{cfg}:{line}:" in err, err
    assert f"listeners.{key}" in err and problem in err, err


def test_bad_listener_flag_names_the_flag(tmp_path):
    err = up_fails(tmp_path, "--kafka-listen", "127.0.0.1:70000")
    assert "--kafka-listen" in err and "0..65535" in err, err
    err = up_fails(tmp_path, "--cql-listen", "nohost:")
    assert "--cql-listen" in err, err


def test_http_off_loopback_needs_insecure(tmp_path):
    cfg = config_with(tmp_path, (LISTENERS, "listeners:\n  kafka: 127.0.0.1:0\n  cql: 127.0.0.1:0\n"
                                            "  http: 0.0.0.0:0\n"))
    err = up_fails(tmp_path, config=cfg)
    assert f"{cfg}:{line_of(cfg, '  http: ')}:" in err, err
    assert "listeners.http" in err and "no authentication" in err and "--insecure" in err, err
    err = up_fails(tmp_path, "--http-listen", "0.0.0.0:0")
    assert "--http-listen" in err and "--insecure" in err, err
    p = kappa("up", "--data-dir", tmp_path / "d", "--http-listen", "0.0.0.0:0", "--insecure",
              "--check")
    assert "OK" in p.stdout
    err = up_fails(tmp_path, "--http-listen", "127.0.0.1:70000")
    assert "--http-listen" in err and "0..65535" in err, err


def test_kafka_off_loopback_needs_insecure(tmp_path):
    cfg = config_with(tmp_path, (LISTENERS, "listeners:\n  kafka: 0.0.0.0:0\n  cql: 127.0.0.1:0\n"))
    err = up_fails(tmp_path, config=cfg)
    assert f"{cfg}:{line_of(cfg, '  kafka: ')}:" in err, err
    assert "no authentication" in err and "insecure_kafka: true" in err and "--insecure" in err, err
    err = up_fails(tmp_path, "--kafka-listen", "0.0.0.0:0")
    assert "--kafka-listen" in err and "--insecure" in err, err
    # Allowed explicitly (flag or config key): starts, with a warning.
    p = kappa("up", "--config", cfg, "--data-dir", tmp_path / "d1", "--duration", "100ms",
              "--insecure", "--json", timeout=60)
    assert "no authentication" in p.stderr and "keep it behind a firewall" in p.stderr, p.stderr
    cfg2 = config_with(tmp_path, (LISTENERS, "listeners:\n  kafka: 0.0.0.0:0\n  cql: 127.0.0.1:0\n"
                                  "auth:\n  insecure_kafka: true\n"), name="k2.yaml")
    p = kappa("up", "--config", cfg2, "--data-dir", tmp_path / "d2", "--check")
    assert "OK" in p.stdout
    cfg3 = config_with(tmp_path, (LISTENERS, "listeners:\n  kafka: 0.0.0.0:0\n  cql: 127.0.0.1:0\n"
                                  "  http: 0.0.0.0:0\nsecurity:\n  insecure: true\n"), name="k3.yaml")
    p = kappa("up", "--config", cfg3, "--data-dir", tmp_path / "d3", "--check")
    assert "OK" in p.stdout


def test_broker_off_loopback_needs_insecure(tmp_path):
    d = tmp_path / "b"
    p = kappa("broker", "--data-dir", d, "--listen", "0.0.0.0:0", check=False, timeout=30)
    assert p.returncode != 0 and "--insecure" in p.stderr and "--listen" in p.stderr, p.stderr
    assert not d.exists()
    p = kappa("broker", "--data-dir", d, "--listen", "127.0.0.1:70000", check=False, timeout=30)
    assert p.returncode != 0 and "0..65535" in p.stderr and not d.exists(), p.stderr
    proc = subprocess.Popen([KAPPA, "broker", "--data-dir", str(d), "--listen", "0.0.0.0:0",
                             "--insecure"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        line = proc.stdout.readline()
        assert "listening on 0.0.0.0:" in line, line
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "no authentication" in err, err


def test_cql_off_loopback_needs_users_from_the_config(tmp_path):
    cfg = config_with(tmp_path, (LISTENERS, "listeners:\n  kafka: 127.0.0.1:0\n  cql: 0.0.0.0:0\n"))
    err = up_fails(tmp_path, config=cfg)
    assert f"{cfg}:{line_of(cfg, '  cql: ')}:" in err, err
    assert "auth:" in err and "cql_users" in err, err
    assert "--cql-user" not in err  # kappa up has no such flag
    # kappa cql-server names its own flag.
    p = kappa("cql-server", "--data-dir", tmp_path / "c", "--host", "0.0.0.0", check=False)
    assert p.returncode != 0 and "--user NAME:PASSWORD" in p.stderr, p.stderr
    assert "--cql-user" not in p.stderr


def test_cql_users_from_the_config_log_in_with_the_datastax_driver(tmp_path):
    from cassandra.auth import PlainTextAuthProvider
    from cassandra.cluster import Cluster, NoHostAvailable

    port = free_port()
    cfg = config_with(tmp_path, (LISTENERS, f"listeners:\n  kafka: \"off\"\n  cql: 127.0.0.1:{port}\n"
                                 "auth:\n  cql_users:\n    - {name: app, password: s3cret}\n"))
    kappa("up", "--config", cfg, "--check")
    d = tmp_path / "data"
    proc = subprocess.Popen([KAPPA, "up", "--config", cfg, "--data-dir", str(d)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(port, timeout=30)
        cluster = Cluster(["127.0.0.1"], port=port, protocol_version=4,
                          auth_provider=PlainTextAuthProvider("app", "s3cret"))
        session = cluster.connect()
        rows = list(session.execute("SELECT release_version FROM system.local"))
        assert rows
        cluster.shutdown()
        bad = Cluster(["127.0.0.1"], port=port, protocol_version=4,
                      auth_provider=PlainTextAuthProvider("app", "wrong"))
        with pytest.raises(NoHostAvailable):
            bad.connect()
        bad.shutdown()
        anon = Cluster(["127.0.0.1"], port=port, protocol_version=4)
        with pytest.raises(NoHostAvailable):
            anon.connect()
        anon.shutdown()
    finally:
        proc.terminate()
        proc.communicate(timeout=60)


def test_busy_port_says_what_to_change_in_the_config(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        cfg = config_with(tmp_path, (LISTENERS, f"listeners:\n  kafka: 127.0.0.1:{port}\n  cql: 127.0.0.1:0\n"))
        d = tmp_path / "data"
        p = kappa("up", "--config", cfg, "--data-dir", d, "--duration", "1s", check=False, timeout=60)
        assert p.returncode != 0
        assert "listeners.kafka" in p.stderr and f"{cfg}:{line_of(cfg, '  kafka: ')}" in p.stderr
        assert "--listen " not in p.stderr and "--listen HOST" not in p.stderr, p.stderr
        assert not d.exists()
        # --check does not bind (it may run beside the kappa it checks).
        kappa("up", "--config", cfg, "--data-dir", d, "--check")


def test_durations_need_a_unit_everywhere(tmp_path):
    err = up_fails(tmp_path, "--drain-timeout", "10")
    assert "--drain-timeout" in err and "'10' has no unit" in err and "10s" in err, err
    p = kappa("up", "--duration", "10", "--check", check=False)
    assert p.returncode == 2 and "--duration: '10' has no unit: write 10s, 10ms" in p.stderr, p.stderr
    p = kappa("connect", "produce", "--duration", "10", "--data-dir", tmp_path / "c", check=False)
    assert p.returncode == 2 and "--duration: '10' has no unit" in p.stderr, p.stderr
    p = kappa("connect", "fetch", "--timeout", "5", check=False)
    assert p.returncode == 2 and "--timeout: '5' has no unit" in p.stderr, p.stderr
    cfg = config_with(tmp_path, ("log_flush_interval: 200ms", "log_flush_interval: 200"))
    err = up_fails(tmp_path, config=cfg)
    assert f"{cfg}:{line_of(cfg, 'log_flush_interval:')}:" in err, err
    assert "'200' has no unit" in err and "200ms" in err, err
    # 0 is 0 in every unit; sizes default to bytes.
    cfg = config_with(tmp_path, ("age: 7d", "age: 0"), ("bytes_per_partition: 1GiB",
                                                          "bytes_per_partition: 1073741824"),
                      name="ok.yaml")
    kappa("up", "--config", cfg, "--check")


def test_config_path_that_is_a_directory(tmp_path):
    p = kappa("up", "--config", tmp_path, "--check", check=False)
    assert p.returncode != 0 and "is a directory" in p.stderr and "empty" not in p.stderr, p.stderr


def test_data_dir_that_is_a_file(tmp_path):
    f = tmp_path / "afile"
    f.write_text("x")
    p = kappa("up", "--data-dir", f, "--check", check=False)
    assert p.returncode != 0 and "--data-dir" in p.stderr and "is a file" in p.stderr, p.stderr
    cfg = config_with(tmp_path, ("data_dir: ./kappa-data", f"data_dir: {f}/sub"))
    p = kappa("up", "--config", cfg, "--check", check=False)
    assert p.returncode != 0 and f"{cfg}:{line_of(cfg, 'data_dir:')}" in p.stderr, p.stderr


def test_a_start_that_fails_appends_nothing(tmp_path):
    """The job's committed offset is beyond the end of a recreated topic: the start fails
    before the producers (or the Kafka listener) can append a record."""
    d = str(tmp_path / "data")
    cfg = config_with(tmp_path, ("    rate: 100\n", "    rate: 2000\n"))
    eph = ["--kafka-listen", "127.0.0.1:0", "--cql-listen", "127.0.0.1:0",
           "--http-listen", "127.0.0.1:0"]
    kappa("up", "--config", cfg, "--data-dir", d, "--duration", "1s", *eph, timeout=60)
    kappa("topics", "delete", "users_created", "--data-dir", d)
    p = kappa("up", "--config", cfg, "--data-dir", d, "--duration", "1s", *eph, check=False,
              timeout=60)
    assert p.returncode != 0 and "beyond its end" in p.stderr, p.stderr
    assert "producer users started" not in p.stderr, p.stderr
    desc = kappa("topics", "describe", "users_created", "--data-dir", d).stdout
    assert "0 records" in desc or all(
        line.split()[2] == "0" for line in desc.splitlines()[2:] if line.strip()), desc


def test_config_values_from_the_environment_and_files(tmp_path):
    """${env:NAME} and ${file:PATH} fill config values (secrets out of the file): kappa up
    starts with the listener they name; an unset variable or unreadable file is refused with
    the config line, naming it, before anything starts."""
    (tmp_path / "data_dir").write_text(str(tmp_path / "from-file") + "\n")
    cfg = config_with(tmp_path, ("data_dir: ./kappa-data", "data_dir: ${file:data_dir}"),
                      ("  kafka: 127.0.0.1:9092", "  kafka: \"127.0.0.1:${env:KAPPA_TEST_KAFKA_PORT}\""))
    port = free_port()
    env = dict(os.environ, KAPPA_TEST_KAFKA_PORT=str(port))
    ok = subprocess.run([KAPPA, "up", "--config", cfg, "--check", "--cql-listen", "off",
                         "--console-listen", "off"], env=env, capture_output=True, text=True,
                        timeout=60)
    assert ok.returncode == 0, ok.stderr
    assert f"data dir {tmp_path / 'from-file'}" in ok.stdout + ok.stderr, ok.stdout + ok.stderr
    env.pop("KAPPA_TEST_KAFKA_PORT")
    bad = subprocess.run([KAPPA, "up", "--config", cfg, "--check"], env=env,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2, bad.stderr
    line = line_of(cfg, "KAPPA_TEST_KAFKA_PORT")
    assert f"{cfg}:{line}:" in bad.stderr and "KAPPA_TEST_KAFKA_PORT is not set" in bad.stderr, \
        bad.stderr
