"""kappa's .proto checking (the registry's PROTOBUF schema type) held against protoc: kappa
accepts a schema exactly when protoc compiles it, and reads the serialized
FileDescriptorProto protoc writes (base64, as confluent-kafka-python registers schemas) as
the same schema as the text. Drives build/src/registry/registry_schema_tool."""
import base64
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOL = Path(os.environ.get("KAPPA_SCHEMA_TOOL") or
            Path(os.environ.get("KAPPA_BIN", ROOT / "build" / "kappa")).parent /
            "src" / "registry" / "registry_schema_tool")

P3 = 'syntax = "proto3";\n'
SCHEMAS = [
    P3 + "package acme; message User { int64 id = 1; string name = 2; repeated string tags = 3; }",
    P3 + "message A { map<string, B> bs = 1; oneof pick { int32 x = 2; string y = 3; } }\nmessage B { bytes raw = 1; }",
    P3 + "message A { optional int32 z = 1; enum Color { RED = 0; GREEN = 1; } Color c = 2; }",
    P3 + 'import "google/protobuf/timestamp.proto";\nmessage E { google.protobuf.Timestamp at = 1; }',
    P3 + "message T { int32 v = 1; repeated T kids = 2; reserved 5 to 9; reserved \"old\"; }",
    'syntax = "proto2";\nmessage P { required int32 id = 1; optional string s = 2 [default = "x"]; extensions 100 to 199; }',
    "message NoSyntax { optional int32 a = 1; }",
    # invalid ones
    P3 + "message A { int32 a = 1 }",
    P3 + "message A { Unknown u = 1; }",
    P3 + "message A { int32 a = 1; int32 b = 1; }",
    P3 + "message A { required int32 a = 1; }",
    P3 + "message A { int32 a = 0; }",
    P3 + "message A { int32 a = 19000; }",
    P3 + "enum E { A = 1; }",
    P3 + "message A { int32 a = 1; } message A { int32 b = 1; }",
    P3 + "message A { optional int32 a = 1 [default = 3]; }",
    'syntax = "proto4";',
    P3 + 'import "missing.proto";',
    P3 + "message A { map<float, int32> m = 1; }",
    P3 + "message A { oneof o { repeated int32 r = 1; } }",
]


@pytest.fixture(scope="module", autouse=True)
def tool_exists():
    assert TOOL.exists(), f"{TOOL} is missing: cmake --build build --target registry_schema_tool"


def kappa(text):
    p = subprocess.run([str(TOOL), "check", "PROTOBUF", "-"], input=text, capture_output=True,
                       text=True, timeout=30)
    assert p.returncode in (0, 1), p.stderr
    return p.returncode == 0, p.stdout.strip()


def protoc(tmp_path, text):
    src = tmp_path / "schema.proto"
    src.write_text(text)
    out = tmp_path / "set.pb"
    p = subprocess.run(["protoc", f"-I{tmp_path}", "-I/usr/include", f"--descriptor_set_out={out}",
                        str(src)], capture_output=True, text=True, timeout=60)
    return p.returncode == 0, p.stderr, out


@pytest.mark.parametrize("text", SCHEMAS, ids=range(len(SCHEMAS)))
def test_agrees_with_protoc(tmp_path, text):
    ours, out = kappa(text)
    theirs, err, _ = protoc(tmp_path, text)
    assert ours == theirs, f"kappa: {out}\nprotoc: {err}"


def single_file(descriptor_set):
    """The one FileDescriptorProto in a FileDescriptorSet (field 1, length-delimited)."""
    assert descriptor_set[0] == 0x0A
    length, shift, i = 0, 0, 1
    while True:
        b = descriptor_set[i]
        length |= (b & 0x7F) << shift
        shift += 7
        i += 1
        if b < 0x80:
            break
    assert i + length == len(descriptor_set), "expected exactly one file"
    return descriptor_set[i:i + length]


@pytest.mark.parametrize("text", SCHEMAS[:7], ids=range(7))
def test_protoc_descriptor_in_base64_is_the_same_schema(tmp_path, text):
    ok, err, out = protoc(tmp_path, text)
    assert ok, err
    encoded = base64.standard_b64encode(single_file(out.read_bytes())).decode("ascii")
    ours_text, canonical_text = kappa(text)
    ours_b64, canonical_b64 = kappa(encoded)
    assert ours_text and ours_b64, canonical_b64
    assert canonical_b64 == canonical_text
