"""`kappa tables ...` end to end: create, insert, list, describe, scan, count, and reading a
data directory while another kappa process owns it (read-only secondary open)."""
import json
import subprocess
import time
import uuid

from conftest import KAPPA, kappa

USERS = "spark_streams.created_users"
USER_COLUMNS = ("id uuid, first_name text, last_name text, gender text, address text, "
                "post_code text, email text, username text, registered_date timestamp, "
                "phone text, picture text")


def make_users(data_dir, n):
    kappa("tables", "create", USERS, "--columns", USER_COLUMNS, "--partition-key", "id",
          "--data-dir", data_dir)
    rows = []
    for i in range(n):
        rows.append({"id": str(uuid.UUID(int=i + 1)), "first_name": f"First{i}",
                     "last_name": f"Last {i}\nnewline", "email": f"u{i}@example.com",
                     "registered_date": "2024-05-01T12:00:00.000Z"})
    kappa("tables", "insert", USERS, "--data-dir", data_dir,
          input="".join(json.dumps(r) + "\n" for r in rows))
    return rows


def test_list_on_a_fresh_directory_prints_nothing(data_dir):
    p = kappa("tables", "list", "--data-dir", data_dir)
    assert p.stdout == ""
    p = kappa("tables", "list", "--json", "--data-dir", data_dir)
    assert p.stdout == ""


def test_create_insert_list_scan_count(data_dir):
    rows = make_users(data_dir, 25)

    out = kappa("tables", "list", "--data-dir", data_dir).stdout.splitlines()
    assert len(out) == 1 and out[0].startswith(USERS + " (id uuid, first_name text")
    listed = [json.loads(l) for l in kappa("tables", "list", "--json", "--data-dir",
                                           data_dir).stdout.splitlines()]
    assert listed[0]["keyspace"] == "spark_streams"
    assert listed[0]["table"] == "created_users"
    assert listed[0]["columns"][0] == {"name": "id", "type": "uuid", "kind": "partition_key",
                                       "position": 0}
    assert len(listed[0]["columns"]) == 11

    assert kappa("tables", "count", USERS, "--data-dir", data_dir).stdout.strip() == "25"

    text = kappa("tables", "scan", USERS, "--limit", "10", "--data-dir", data_dir).stdout
    lines = text.splitlines()
    assert len(lines) == 10  # one row per line, newlines inside values escaped
    assert all(l.startswith("id=") and "first_name='First" in l for l in lines)
    assert "\\n" in lines[0]

    objs = [json.loads(l) for l in kappa("tables", "scan", USERS, "--limit", "0", "--json",
                                         "--data-dir", data_dir).stdout.splitlines()]
    assert len(objs) == 25
    by_id = {o["id"]: o for o in objs}
    for r in rows:
        o = by_id[r["id"]]
        assert o["first_name"] == r["first_name"]
        assert o["last_name"] == r["last_name"]
        assert o["registered_date"] == "2024-05-01 12:00:00.000Z"
        assert o["gender"] is None

    desc = kappa("tables", "describe", USERS, "--data-dir", data_dir).stdout
    assert desc.startswith("CREATE TABLE spark_streams.created_users (")
    assert "    id uuid PRIMARY KEY," in desc  # Cassandra's layout for a lone partition key


def test_clustered_table_scans_in_clustering_order(data_dir):
    kappa("tables", "create", "ks.events", "--columns", "p text, ts bigint, v int",
          "--partition-key", "p", "--clustering", "ts desc", "--data-dir", data_dir)
    lines = "".join(json.dumps({"p": "a", "ts": t, "v": t * 2}) + "\n" for t in range(5))
    kappa("tables", "insert", "ks.events", "--data-dir", data_dir, input=lines)
    objs = [json.loads(l) for l in kappa("tables", "scan", "ks.events", "--json",
                                         "--data-dir", data_dir).stdout.splitlines()]
    assert [o["ts"] for o in objs] == [4, 3, 2, 1, 0]
    # Upserts: writing a key again replaces, never fails.
    kappa("tables", "insert", "ks.events", "--data-dir", data_dir,
          input=json.dumps({"p": "a", "ts": 4, "v": 99}) + "\n")
    assert kappa("tables", "count", "ks.events", "--data-dir", data_dir).stdout.strip() == "5"
    first = json.loads(kappa("tables", "scan", "ks.events", "--json", "--limit", "1",
                             "--data-dir", data_dir).stdout)
    assert first == {"p": "a", "ts": 4, "v": 99}


def test_errors_are_readable(data_dir):
    make_users(data_dir, 1)
    p = kappa("tables", "scan", "nope.table", "--data-dir", data_dir, check=False)
    assert p.returncode != 0 and "keyspace 'nope' does not exist" in p.stderr
    p = kappa("tables", "count", "notqualified", "--data-dir", data_dir, check=False)
    assert p.returncode != 0 and "KEYSPACE.TABLE" in p.stderr
    p = kappa("tables", "insert", USERS, "--data-dir", data_dir, check=False,
              input='{"id": "not-a-uuid"}\n')
    assert p.returncode != 0 and "line 1" in p.stderr and "uuid" in p.stderr
    p = kappa("tables", "insert", USERS, "--data-dir", data_dir, check=False,
              input='{"id": "%s", "age": 3}\n' % uuid.uuid4())
    assert p.returncode != 0 and "no column 'age'" in p.stderr
    # Nothing of the failed inserts was stored.
    assert kappa("tables", "count", USERS, "--data-dir", data_dir).stdout.strip() == "1"
    p = kappa("tables", "scan", USERS, "--data-dir", data_dir + "-missing", check=False)
    assert p.returncode != 0 and "no table store" in p.stderr


def test_reads_while_another_process_owns_the_directory(data_dir):
    make_users(data_dir, 3)
    # A writer that stays open: `tables insert` commits every 1000 rows and holds the
    # data-dir lock until its stdin closes.
    writer = subprocess.Popen([KAPPA, "tables", "insert", USERS, "--data-dir", data_dir],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        for i in range(2500):
            writer.stdin.write(json.dumps({"id": str(uuid.uuid4()), "first_name": "w"}) + "\n")
        writer.stdin.flush()
        deadline = time.time() + 60
        count = None
        while time.time() < deadline:
            count = kappa("tables", "count", USERS, "--data-dir", data_dir).stdout.strip()
            if count == "2003":
                break
            time.sleep(0.1)
        assert count == "2003"  # two committed batches, read while the writer is open
        scan = kappa("tables", "scan", USERS, "--limit", "5", "--data-dir", data_dir)
        assert len(scan.stdout.splitlines()) == 5
        # A second writer is refused with the owner named.
        p = kappa("tables", "insert", USERS, "--data-dir", data_dir, check=False, input="")
        assert p.returncode != 0 and "in use by pid" in p.stderr
        assert "kappa tables insert" in p.stderr
    finally:
        writer.stdin.close()
        writer.wait(timeout=60)
    assert writer.returncode == 0, writer.stderr
    assert kappa("tables", "count", USERS, "--data-dir", data_dir).stdout.strip() == "2503"
