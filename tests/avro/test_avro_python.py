"""kappa's Avro schema code (src/avro, driven through build/src/avro/avro_schema_tool)
against Apache Avro's own Python implementation (Debian's python3-avro 1.11): Parsing
Canonical Form, which schemas are invalid, and the compatibility checker
(avro.compatibility.ReaderWriterCompatibilityChecker, a port of the Java checker that
Confluent's registry uses), every pair checked both ways."""
import json
import os
import subprocess
import warnings

import pytest

import avro.schema
from avro.compatibility import ReaderWriterCompatibilityChecker, SchemaCompatibilityType

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
KAPPA = os.environ.get("KAPPA_BIN") or os.path.join(ROOT, "build", "kappa")
TOOL = os.path.join(os.path.dirname(KAPPA), "src", "avro", "avro_schema_tool")


def tool(requests):
    assert os.access(TOOL, os.X_OK), f"{TOOL} is not built (cmake --build build --target avro_schema_tool)"
    out = subprocess.run([TOOL], input=json.dumps(requests), capture_output=True, text=True,
                         timeout=60, check=True)
    answers = json.loads(out.stdout)
    assert len(answers) == len(requests)
    return answers


def rec(name, fields, **extra):
    return {"type": "record", "name": name, "fields": fields, **extra}


def field(name, type_, **extra):
    return {"name": name, "type": type_, **extra}


# Valid schemas whose canonical form python3-avro 1.11.1 computes per the spec. Left out on
# purpose, where python3-avro 1.11.1 departs from the spec: a primitive with a logicalType
# (it prints {"type":"int"}, the spec's [PRIMITIVES] says "int"), and a named type in the null
# namespace nested in a namespaced one (it prints the enclosing namespace), and a second use
# of a fixed with a dotted name from inside another namespace (it writes the fixed out again).
CANONICAL = [
    "null", {"type": "string"}, ["int", {"type": "boolean"}], [],
    rec("foo", [], namespace="x.y", doc="d", aliases=["a", "b"]),
    rec("a.b.foo", [], namespace="x.y"),
    rec("foo", [field("f1", "boolean", default=True, aliases=[]),
                field("f2", "int", order="descending", doc="Hello")]),
    {"type": "enum", "name": "foo", "namespace": "x.y.z", "symbols": ["A1", "A2"], "doc": "x"},
    {"type": "fixed", "name": "foo", "size": 15, "namespace": "q"},
    {"type": "array", "items": {"type": "null"}},
    {"type": "map", "values": {"type": "map", "values": ["null", "string"]}},
    rec("PigValue", [field("value", ["null", "int", "long", "PigValue"])]),
    rec("R", [field("x", rec("S", [field("a", "int")]), default={"a": 1})], namespace="n"),
    rec("R", [field("e", {"type": "enum", "name": "E", "symbols": ["A", "B"], "default": "B"}),
              field("e2", "E"), field("f", {"type": "fixed", "name": "o.F", "size": 2})],
        namespace="n"),
    rec("R", [field("x", ["int", "string", "R", {"type": "map", "values": "R"},
                          {"type": "array", "items": "int"}])]),
    rec("_x9", [field("_", "string", default="\u00e9\u4e2d")]),
    rec("R", [field("d", {"type": "fixed", "name": "D", "size": 16, "logicalType": "decimal",
                          "precision": 10, "scale": 2})]),
]

# Invalid schemas that both refuse (python3-avro does not check default values, so those are
# only in the C++ test).
INVALID = [
    '{', '42', '{"name":"x"}', '"Foo"', rec("R", [field("a", "Later")]),
    rec("1R", []), rec("int", []), {"type": "record", "name": "R"},
    rec("R", [field("a", "int"), field("a", "long")]), rec("R", [{"name": "a"}]),
    {"type": "enum", "name": "E", "symbols": ["A", "A"]},
    {"type": "enum", "name": "E", "symbols": ["A", "1"]},
    {"type": "fixed", "name": "F", "size": -1}, {"type": "fixed", "name": "F"},
    {"type": "array"}, ["int", "int"], ["null", ["int"]],
    rec("R", [field("a", rec("R", []))]),
]


def test_canonical_form_matches_python_avro():
    texts = [json.dumps(s) for s in CANONICAL]
    answers = tool([{"op": "parse", "schema": t} for t in texts])
    for t, a in zip(texts, answers):
        assert a["ok"], (t, a)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert a["canonical"] == avro.schema.parse(t).canonical_form, t


def test_invalid_schemas_refused_by_both():
    texts = [s if isinstance(s, str) else json.dumps(s) for s in INVALID]
    answers = tool([{"op": "parse", "schema": t} for t in texts])
    for t, a in zip(texts, answers):
        assert not a["ok"], t
        assert a["error"], t
        with pytest.raises(Exception):
            avro.schema.parse(t)


def enum(name, symbols, **extra):
    return {"type": "enum", "name": name, "symbols": symbols, **extra}


# Pairs (A, B), each checked as A reading B and B reading A. Left out: records with one
# unqualified name in two namespaces, which the spec and Java's checker match by the
# unqualified name and python3-avro 1.11.1 by the full name (the C++ matrix has that case).
PAIRS = [
    ("int", "long"), ("int", "float"), ("int", "double"), ("long", "float"), ("long", "double"),
    ("float", "double"), ("string", "bytes"), ("string", "int"), ("null", "boolean"),
    ({"type": "int", "logicalType": "date"}, "int"),
    (rec("R", [field("a", "int")]), rec("R", [field("a", "int"), field("b", "string", default="x")])),
    (rec("R", [field("a", "int")]), rec("R", [field("a", "int"), field("b", "string")])),
    (rec("R", [field("a", "int")]), rec("R", [field("a", "int"), field("b", ["null", "string"], default=None)])),
    (rec("R", [field("a", "int")]), rec("R", [field("a", "string")])),
    (rec("R", [field("a", "int")]), rec("R", [field("a", "long")])),
    (rec("R", [field("a", "int"), field("b", "long")]), rec("R", [field("b", "long"), field("a", "int")])),
    (rec("R", [field("new", "int", aliases=["old"])]), rec("R", [field("old", "int")])),
    (rec("A", []), rec("B", [])),
    (rec("R", []), {"type": "map", "values": "int"}),
    (enum("E", ["A", "B"]), enum("E", ["A", "B", "D", "C"])),
    (enum("E", ["A", "B"], default="A"), enum("E", ["A", "C"])),
    (enum("E", ["A"]), enum("F", ["A"])), (enum("E", ["A"]), "string"),
    ({"type": "fixed", "name": "F", "size": 4}, {"type": "fixed", "name": "F", "size": 8}),
    ({"type": "fixed", "name": "F", "size": 4}, {"type": "fixed", "name": "G", "size": 4}),
    ({"type": "fixed", "name": "F", "size": 4}, "bytes"),
    ({"type": "array", "items": "int"}, {"type": "array", "items": "long"}),
    ({"type": "map", "values": "string"}, {"type": "map", "values": "bytes"}),
    ({"type": "map", "values": "string"}, {"type": "map", "values": "boolean"}),
    ({"type": "array", "items": "int"}, {"type": "map", "values": "int"}),
    (["null", "int"], "int"), (["null", "int"], ["null", "int", "string"]),
    (["null", "long"], ["null", "int"]), (["int", "string"], ["string", "int"]),
    (["null", "string"], "int"), (["null", "double"], "float"),
    (rec("R", [field("a", ["null", "string"], default=None)]), rec("R", [field("a", "string")])),
    ([rec("A", []), rec("B", [])], [rec("A", [])]),
    (rec("R", [field("xs", {"type": "array", "items": rec("I", [field("k", "string"), field("v", "int")])})]),
     rec("R", [field("xs", {"type": "array", "items": rec("I", [field("k", "string"), field("v", "long")])})])),
    (rec("List", [field("v", "long"), field("next", ["null", "List"])]),
     rec("List", [field("v", "int"), field("next", ["null", "List"])])),
    (rec("A", [field("b", ["null", rec("B", [field("a", ["null", "A"]), field("n", "int")])])]),
     rec("A", [field("b", ["null", rec("B", [field("a", ["null", "A"]), field("n", "int"), field("m", "int")])])])),
    (rec("R", [field("m", {"type": "map", "values": rec("V", [field("x", "float")])})]),
     rec("R", [field("m", {"type": "map", "values": rec("V", [field("x", "int"), field("y", "int")])})])),
]


def python_verdict(reader, writer):
    result = ReaderWriterCompatibilityChecker().get_compatibility(
        avro.schema.parse(json.dumps(reader)), avro.schema.parse(json.dumps(writer)))
    if result.compatibility is SchemaCompatibilityType.compatible:
        return [], set()
    return sorted(t.name.upper() for t in result.incompatibilities), set(result.locations)


@pytest.mark.parametrize("a,b", PAIRS, ids=[str(i) for i in range(len(PAIRS))])
def test_compatibility_matches_python_avro_both_ways(a, b):
    answers = tool([{"op": "compat", "reader": json.dumps(r), "writer": json.dumps(w)}
                    for r, w in ((a, b), (b, a))])
    for (reader, writer), ours in zip(((a, b), (b, a)), answers):
        assert ours["ok"], ours
        types, locations = python_verdict(reader, writer)
        got = ours["incompatibilities"]
        assert sorted(i["type"] for i in got) == types, (reader, writer, got)
        # python3-avro adds "/" to the locations whenever an incompatible part is merged with a
        # compatible one, and restarts at "/" inside a writer's union (Java keeps the path):
        # its other locations must be ours.
        python_paths = locations - {"/"}
        if python_paths:
            assert {i["location"] for i in got} - {"/"} == python_paths, (reader, writer, got)
