"""kappa's RecordBatch v2 bytes against an independent implementation: kafka-python's
DefaultRecordBatch (pure Python). Batches kappa writes are parsed and CRC-checked by
kafka-python; batches kafka-python builds are served by kappa after being placed in a
segment file (kappa's recovery scan CRC-checks them at open)."""
import glob
import json
import os
import struct

from kafka.record.default_records import DefaultRecordBatch, DefaultRecordBatchBuilder

from conftest import kappa


def segment_batches(path):
    data = open(path, "rb").read()
    pos = 0
    while pos < len(data):
        (length,) = struct.unpack(">i", data[pos + 8:pos + 12])
        yield DefaultRecordBatch(data[pos:pos + 12 + length])
        pos += 12 + length


def test_kappa_batches_parse_in_kafka_python(data_dir):
    for codec in ("none", "gzip"):
        topic = "t-" + codec
        kappa("topics", "create", topic, "--data-dir", data_dir)
        lines = "".join(f"k{i}|value-{i}\n" for i in range(500)) + "no-key-line\n"
        kappa("produce", topic, "--key-separator", "|", "--compression", codec,
              "--batch-bytes", "4096", "--data-dir", data_dir, input=lines)
        seg = os.path.join(data_dir, "log", "topics", topic, "0", "00000000000000000000.log")
        got = []
        batches = 0
        for b in segment_batches(seg):
            assert b.validate_crc(), "kafka-python rejects the CRC"
            assert b.magic == 2
            assert b.compression_type == {"none": 0, "gzip": 1}[codec]
            batches += 1
            for r in b:
                got.append((r.offset, r.key, r.value))
        assert batches > 1
        expect = [(i, f"k{i}".encode(), f"value-{i}".encode()) for i in range(500)]
        expect.append((500, None, b"no-key-line"))
        assert got == expect


def test_kafka_python_batches_are_served_by_kappa(data_dir):
    kappa("topics", "create", "ext", "--data-dir", data_dir)
    seg = os.path.join(data_dir, "log", "topics", "ext", "0", "00000000000000000000.log")
    out = bytearray()
    offset = 0
    expect = []
    for codec in (DefaultRecordBatch.CODEC_NONE, DefaultRecordBatch.CODEC_GZIP):
        b = DefaultRecordBatchBuilder(magic=2, compression_type=codec, is_transactional=0,
                                      producer_id=-1, producer_epoch=-1, base_sequence=-1,
                                      batch_size=1 << 20)
        for i in range(5):
            key = None if i == 0 else f"key{i}".encode()
            value = None if i == 1 else f"v{codec}-{i}\nline2".encode()
            headers = [("h", b"x"), ("n", None)] if i == 2 else []
            b.append(i, timestamp=1_700_000_000_000 + i, key=key, value=value, headers=headers)
            expect.append({"offset": offset + i, "timestamp": 1_700_000_000_000 + i,
                           "key": key.decode() if key else None,
                           "value": value.decode() if value else None,
                           "headers": [["h", "x"], ["n", None]] if headers else None})
        batch = bytearray(b.build())
        batch[0:8] = struct.pack(">q", offset)  # the log assigns base offsets
        out += batch
        offset += 5
    with open(seg, "wb") as f:
        f.write(out)
    p = kappa("consume", "ext", "--from-beginning", "--json", "--data-dir", data_dir)
    recs = [json.loads(l) for l in p.stdout.splitlines()]
    assert len(recs) == 10
    for r, e in zip(recs, expect):
        assert r["offset"] == e["offset"]
        assert r["timestamp"] == e["timestamp"]
        assert r["key"] == e["key"]
        assert r["value"] == e["value"]
        assert r.get("headers") == e["headers"]
    # And appends continue after them.
    kappa("produce", "ext", "--data-dir", data_dir, input="after\n")
    tail = kappa("consume", "ext", "--offset", "10", "--data-dir", data_dir).stdout
    assert tail == "after\n"
