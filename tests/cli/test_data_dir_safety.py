"""The data directory holds users' data: it and every file in it are owner-only, and the
commands that only read (topics, consume, jobs, groups, tables) write nothing into it."""
import hashlib
import json
import os
import stat

from conftest import kappa

EPHEMERAL = ["--kafka-listen", "127.0.0.1:0", "--cql-listen", "127.0.0.1:0",
             "--http-listen", "127.0.0.1:0"]


def snapshot(d):
    """path -> (mtime_ns, size, sha256) of every file and directory under d."""
    out = {}
    for root, dirs, files in os.walk(d):
        for name in dirs + files:
            p = os.path.join(root, name)
            st = os.lstat(p)
            digest = None
            if stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    digest = hashlib.sha256(f.read()).hexdigest()
            out[os.path.relpath(p, d)] = (st.st_mtime_ns, st.st_size, digest, st.st_mode)
    return out


def test_up_creates_the_data_directory_owner_only(tmp_path):
    d = str(tmp_path / "data")
    os.umask(0o022)  # a usual login umask; kappa must not rely on it
    kappa("up", "--data-dir", d, "--duration", "500ms", *EPHEMERAL, "--json", timeout=120)
    seen = 0
    for root, dirs, files in os.walk(d):
        for name in [""] + dirs + files:
            p = os.path.join(root, name)
            mode = stat.S_IMODE(os.lstat(p).st_mode)
            assert mode & 0o077 == 0, f"{p} has mode {oct(mode)}"
            seen += 1
    # The log, the offsets, RocksDB's files and the lock were all checked.
    assert seen > 20
    assert stat.S_IMODE(os.stat(d).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(os.path.join(d, "LOCK")).st_mode) == 0o600


def test_read_only_commands_write_nothing(tmp_path):
    d = str(tmp_path / "data")
    kappa("up", "--data-dir", d, "--duration", "500ms", *EPHEMERAL, "--json", timeout=120)
    # A group commit so that groups list/describe have something to read.
    kappa("consume", "users_created", "--from-beginning", "-n", "3", "--group", "g",
          "--data-dir", d)
    before = snapshot(d)
    reads = [
        ["topics", "list"], ["topics", "describe", "users_created"],
        ["consume", "users_created", "--from-beginning", "-n", "5"],
        ["consume", "users_created.dlq", "--from-beginning"],
        ["jobs", "list"], ["jobs", "status", "users_to_cassandra"],
        ["jobs", "status", "users_to_cassandra", "--json"],
        ["groups", "list"], ["groups", "describe", "g"],
        ["tables", "list"], ["tables", "count", "spark_streams.created_users"],
        ["tables", "scan", "spark_streams.created_users", "--limit", "2"],
    ]
    for args in reads:
        p = kappa(*args, "--data-dir", d, check=False)
        assert p.returncode == 0, (args, p.stderr)
    after = snapshot(d)
    assert after == before, {k: (before.get(k), after.get(k)) for k in set(before) | set(after)
                             if before.get(k) != after.get(k)}


def test_read_only_commands_on_a_missing_directory_create_nothing(tmp_path):
    d = tmp_path / "nothing-here"
    for args in (["topics", "list"], ["consume", "t", "--from-beginning"], ["jobs", "list"],
                 ["jobs", "status", "j"], ["groups", "list"]):
        p = kappa(*args, "--data-dir", d, check=False)
        assert p.returncode != 0 and "does not exist" in p.stderr, (args, p.stderr)
        assert not d.exists(), args
