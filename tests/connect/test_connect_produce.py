"""kappa connect produce: a producer task into the embedded log (count, keys, stop, DLQ)."""
import json
import signal
import subprocess
import time
import uuid

from conftest import KAPPA, kappa


def end_offsets(data_dir, topic):
    out = kappa("topics", "describe", topic, "--data-dir", data_dir).stdout
    rows = [l.split() for l in out.splitlines() if l.strip() and l.split()[0].isdigit()]
    return {int(r[0]): int(r[2]) for r in rows}


def consume_json(data_dir, topic):
    out = kappa("consume", topic, "--from-beginning", "--json", "--data-dir", data_dir).stdout
    return [json.loads(l) for l in out.splitlines()]


def test_produce_a_count_keyed_by_id(data_dir):
    p = kappa("connect", "produce", "--data-dir", data_dir, "--records", 2500,
              "--partitions", 3, "--seed", "t")
    assert "produced 2500 records" in p.stderr
    assert sum(end_offsets(data_dir, "users_created").values()) == 2500
    recs = consume_json(data_dir, "users_created")
    assert len(recs) == 2500
    keys = set()
    for r in recs:
        value = json.loads(r["value"])
        assert value["id"] == r["key"]
        assert uuid.UUID(r["key"]).version == 4
        keys.add(r["key"])
    assert len(keys) == 2500
    assert {r["partition"] for r in recs} == {0, 1, 2}
    # A second run appends; nothing is overwritten.
    kappa("connect", "produce", "--data-dir", data_dir, "--records", 500)
    assert sum(end_offsets(data_dir, "users_created").values()) == 3000


def test_ctrl_c_stops_cleanly(data_dir):
    proc = subprocess.Popen([KAPPA, "connect", "produce", "--data-dir", data_dir, "--rate",
                             "20000"], stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 30
        # Wait until something is stored (read-only describe works while it owns the dir).
        while time.time() < deadline:
            try:
                if sum(end_offsets(data_dir, "users_created").values()) > 0:
                    break
            except AssertionError:
                pass
            time.sleep(0.1)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    produced = int(err.split("produced ")[-1].split(" records")[0])
    assert produced > 0
    assert sum(end_offsets(data_dir, "users_created").values()) == produced


def test_mapping_errors_go_to_the_dead_letter_topic(data_dir, tmp_path):
    m = tmp_path / "m.yaml"
    m.write_text("mappings:\n  m:\n    fields:\n      id: uuid()\n"
                 "      middle: name.middle\n")
    p = kappa("connect", "produce", "--data-dir", data_dir, "--mapping", m, "--duration",
              "300ms", "--results", 10, "--dlq", "users_created.dlq")
    assert "produced 0 records" in p.stderr
    dead = consume_json(data_dir, "users_created.dlq")
    assert len(dead) >= 10
    first = dead[0]
    assert first["key"] is None
    headers = dict(first["headers"])  # [[key, value], ...]
    assert headers["error"] == "field 'middle': path 'name.middle' not found"
    assert headers["mapping"] == "m"
    assert "login" in json.loads(first["value"])  # the raw user


def test_bad_mapping_file_fails_before_touching_the_log(data_dir, tmp_path):
    m = tmp_path / "m.yaml"
    m.write_text("mappings:\n  m:\n    fields:\n      id: uuid(\n")
    p = kappa("connect", "produce", "--data-dir", data_dir, "--mapping", m, check=False)
    assert p.returncode != 0
    assert f"{m}:4:16: missing ')' to close uuid( in mapping m.fields.id" in p.stderr
