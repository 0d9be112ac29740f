"""Every duration and size flag takes the same text through the one parser (common/units.h):
the same string means the same duration in every command, a bare number (other than 0) is
refused with a message saying what to write, and sizes take bytes or KiB/MiB/GiB forms.
Once a bare `10` meant 10 ms to `kappa up --duration` and 10 s to `kappa connect produce
--duration`."""
import json
import re
import time

import pytest

from conftest import kappa

EPHEMERAL = ["--kafka-listen", "127.0.0.1:0", "--cql-listen", "127.0.0.1:0",
             "--http-listen", "127.0.0.1:0"]

# Every flag that takes a duration, with the arguments that reach its parsing. The values are
# checked while the command line is parsed, before the command opens or binds anything.
DURATION_FLAGS = [
    (["up", "--check"], "--duration"),
    (["up", "--check"], "--drain-timeout"),
    (["connect", "produce"], "--duration"),
    (["connect", "fetch"], "--timeout"),
    (["broker"], "--idle-timeout"),
    (["broker"], "--request-timeout"),
    (["cql-server"], "--idle-timeout"),
    (["cql-server"], "--request-timeout"),
    (["tables", "insert", "ks.t"], "--ttl"),
]

SIZE_FLAGS = [
    (["broker"], "--max-request-bytes"),
    (["broker"], "--max-output-per-connection"),
    (["broker"], "--max-request-bytes-in-flight"),
    (["cql-server"], "--max-frame-size"),
    (["cql-server"], "--max-statement-size"),
    (["cql-server"], "--prepared-cache-size"),
    (["produce", "t"], "--batch-bytes"),
]


@pytest.mark.parametrize("cmd,flag", DURATION_FLAGS, ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_a_bare_number_is_refused_saying_what_to_write(tmp_path, cmd, flag):
    d = tmp_path / "data"
    p = kappa(*cmd, flag, "10", "--data-dir", d, check=False, timeout=60)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert f"error: {flag}: '10' has no unit: write 10s, 10ms, 10m, 10h or 10d" in p.stderr, p.stderr
    assert not d.exists()  # refused before anything was opened
    # An unknown unit and a negative value are refused the same way, naming the flag.
    for bad, says in (("10sec", "unknown duration unit 'sec'"), ("-1s", "is not a duration"),
                      ("soon", "is not a duration")):
        p = kappa(*cmd, flag, bad, "--data-dir", d, check=False, timeout=60)
        assert p.returncode == 2 and f"{flag}: " in p.stderr and says in p.stderr, p.stderr


@pytest.mark.parametrize("cmd,flag", SIZE_FLAGS, ids=lambda v: " ".join(v) if isinstance(v, list) else v)
def test_bad_sizes_are_refused_naming_the_flag(tmp_path, cmd, flag):
    d = tmp_path / "data"
    p = kappa(*cmd, flag, "12XB", "--data-dir", d, check=False, timeout=60)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert f"error: {flag}: unknown size unit 'XB' in '12XB'" in p.stderr, p.stderr
    assert not d.exists()


def test_help_shows_defaults_in_the_syntax_the_flags_take():
    out = kappa("broker", "--help").stdout
    assert re.search(r"--idle-timeout DURATION=10m", out), out
    assert re.search(r"--request-timeout DURATION=30s", out), out
    assert re.search(r"--max-request-bytes SIZE=100MiB", out), out
    out = kappa("up", "--help").stdout
    assert re.search(r"--drain-timeout DURATION=30s", out), out


def produce_seconds(data_dir, duration):
    """Runs connect produce for `duration`; returns (wall seconds, reported seconds)."""
    t0 = time.monotonic()
    p = kappa("connect", "produce", "--data-dir", data_dir, "--duration", duration, "--rate", 200,
              timeout=120)
    wall = time.monotonic() - t0
    reported = float(re.search(r" in ([0-9.]+) s ", p.stderr).group(1))
    return wall, reported


def up_seconds(data_dir, duration):
    t0 = time.monotonic()
    p = kappa("up", "--data-dir", data_dir, "--duration", duration, "--json", *EPHEMERAL,
              timeout=120)
    wall = time.monotonic() - t0
    return wall, json.loads(p.stdout.strip().splitlines()[-1])["seconds"]


# A duration stops the command no earlier than it says (a lower bound, not a speed claim), and
# not a thousand times later: 1500 ms read as seconds would be 25 minutes.
@pytest.mark.parametrize("text", ["1500ms", "1.5s"])
def test_the_same_text_is_the_same_duration_in_every_command(tmp_path, text):
    wall, reported = produce_seconds(tmp_path / "c", text)
    assert reported >= 1.5 and wall < 60, (text, wall, reported)
    wall, reported = up_seconds(tmp_path / "u", text)
    assert reported >= 1.5 and wall < 60, (text, wall, reported)


def test_zero_means_no_limit_or_is_refused_where_it_means_nothing(tmp_path):
    # connect produce: 0 = no time limit (here --records stops it).
    p = kappa("connect", "produce", "--data-dir", tmp_path / "c", "--duration", "0",
              "--records", 5, timeout=60)
    assert "produced 5 records" in p.stderr, p.stderr
    # kappa up: a producing time of zero is a mistake, said before anything is opened.
    p = kappa("up", "--data-dir", tmp_path / "u", "--duration", "0s", check=False)
    assert p.returncode == 2 and "--duration: must be positive" in p.stderr, p.stderr
    assert not (tmp_path / "u").exists()


def test_sizes_take_bytes_or_binary_units(tmp_path):
    d = tmp_path / "data"
    kappa("topics", "create", "t", "--data-dir", d)
    lines = "".join(f"{i}\n" for i in range(50))
    for size in ("65536", "64KiB", "64 KiB"):
        p = kappa("produce", "t", "--data-dir", d, "--batch-bytes", size, input=lines)
        assert "50 records" in p.stderr, p.stderr
    # The range check sees bytes, whatever the form.
    p = kappa("produce", "t", "--data-dir", d, "--batch-bytes", "1000B", input=lines, check=False)
    assert p.returncode != 0 and "--batch-bytes must be between 1024" in p.stderr, p.stderr


def test_ttl_is_a_duration_of_whole_seconds(tmp_path):
    d = tmp_path / "data"
    kappa("tables", "create", "ks.t", "--columns", "id int, v text", "--partition-key", "id",
          "--data-dir", d)
    p = kappa("tables", "insert", "ks.t", "--ttl", "1500ms", "--data-dir", d, input="{}\n",
              check=False)
    assert p.returncode == 2 and "--ttl: a TTL is whole seconds" in p.stderr, p.stderr
    kappa("tables", "insert", "ks.t", "--ttl", "1h", "--data-dir", d,
          input='{"id": 1, "v": "kept"}\n')
    kappa("tables", "insert", "ks.t", "--ttl", "1s", "--data-dir", d,
          input='{"id": 2, "v": "expires"}\n')
    time.sleep(2.2)  # past the 1 s TTL (expiry is a lower bound on time, never earlier)
    rows = [json.loads(l) for l in kappa("tables", "scan", "ks.t", "--json", "--data-dir", d)
            .stdout.splitlines()]
    assert rows == [{"id": 1, "v": "kept"}], rows


def test_bootstrap_lists_go_through_the_one_host_port_parser(tmp_path):
    for cmd in (["topics", "list"], ["groups", "list"], ["consume", "t"]):
        p = kappa(*cmd, "--bootstrap", "127.0.0.1:1,b", check=False, timeout=60)
        assert p.returncode == 2, (cmd, p.stderr)
        assert "error: --bootstrap: 'b': expected HOST:PORT" in p.stderr, p.stderr
    p = kappa("topics", "list", "--bootstrap", "::1:9092", check=False, timeout=60)
    assert p.returncode == 2 and "[::1]:9092" in p.stderr, p.stderr
