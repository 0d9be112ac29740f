"""kappa's JSON Schema checker (the registry's JSON schema type) held against an independent
implementation: for every schema below, in every draft kappa supports, kappa accepts it
exactly when python3-jsonschema's check_schema does. Regular expressions, which
python3-jsonschema does not check, are held against Python's `re` instead. Drives
build/src/registry/registry_schema_tool (a test-only executable)."""
import json
import os
import re
import subprocess
from pathlib import Path

import pytest
from jsonschema.validators import validator_for

ROOT = Path(__file__).resolve().parents[2]
TOOL = Path(os.environ.get("KAPPA_SCHEMA_TOOL") or
            Path(os.environ.get("KAPPA_BIN", ROOT / "build" / "kappa")).parent /
            "src" / "registry" / "registry_schema_tool")

DRAFTS = {
    "draft-04": "http://json-schema.org/draft-04/schema#",
    "draft-06": "http://json-schema.org/draft-06/schema#",
    "draft-07": "http://json-schema.org/draft-07/schema#",
    "2020-12": "https://json-schema.org/draft/2020-12/schema",
}

# Keyword/value pairs, valid in some drafts and not in others.
FRAGMENTS = [
    {}, {"type": "string"}, {"type": ["string", "null"]}, {"type": "strin"}, {"type": []},
    {"type": ["string", "string"]}, {"type": 5},
    {"properties": {"a": {"type": "integer"}}}, {"properties": {"a": True}}, {"properties": {"a": 5}},
    {"properties": []}, {"required": ["a"]}, {"required": []}, {"required": ["a", "a"]},
    {"required": "a"}, {"required": [1]},
    {"items": {"type": "string"}}, {"items": [{"type": "string"}]}, {"items": []}, {"items": 5},
    {"items": True}, {"prefixItems": [{}]}, {"prefixItems": []}, {"additionalItems": False},
    {"additionalItems": 5}, {"additionalProperties": False}, {"additionalProperties": {"type": "string"}},
    {"additionalProperties": "no"}, {"enum": [1, "a", None]}, {"enum": []}, {"enum": [1, 1]},
    {"enum": "a"}, {"const": {"x": [1]}},
    {"anyOf": [{"type": "string"}]}, {"anyOf": []}, {"allOf": {}}, {"oneOf": [5]}, {"not": {}},
    {"not": True}, {"not": 5},
    {"maxLength": 3}, {"maxLength": -1}, {"maxLength": 1.0}, {"maxLength": 1.5}, {"minItems": "1"},
    {"maxProperties": 2}, {"minProperties": -3}, {"maxContains": 2}, {"minContains": -1},
    {"maximum": 3}, {"maximum": "3"}, {"minimum": 1.5}, {"exclusiveMaximum": 3},
    {"exclusiveMaximum": True}, {"exclusiveMinimum": False}, {"multipleOf": 2},
    {"multipleOf": 0}, {"multipleOf": -1}, {"multipleOf": 0.5},
    {"uniqueItems": True}, {"uniqueItems": "yes"}, {"readOnly": True}, {"readOnly": "x"},
    {"title": "t", "description": "d"}, {"title": 5}, {"description": []}, {"format": "date"},
    {"format": 5}, {"$comment": "c"}, {"$comment": 5}, {"examples": [1]}, {"examples": 1},
    {"default": {"anything": True}},
    {"contains": {"type": "string"}}, {"contains": 5}, {"propertyNames": {"maxLength": 3}},
    {"propertyNames": 5}, {"if": {}, "then": {}, "else": {}}, {"if": 5}, {"then": []},
    {"definitions": {"a": {"type": "string"}}}, {"definitions": {"a": 1}}, {"$defs": {"a": {}}},
    {"$defs": {"a": 1}}, {"dependencies": {"a": ["b"]}}, {"dependencies": {"a": {"required": ["b"]}}},
    {"dependencies": {"a": ["b", "b"]}}, {"dependencies": {"a": 5}}, {"dependencies": []},
    {"dependentRequired": {"a": ["b"]}}, {"dependentRequired": {"a": ["b", "b"]}},
    {"dependentSchemas": {"a": {}}}, {"dependentSchemas": {"a": 5}},
    {"unevaluatedProperties": False}, {"unevaluatedItems": 5}, {"contentMediaType": "text/plain"},
    {"contentEncoding": 5}, {"$anchor": "node"}, {"$anchor": "1bad"}, {"$id": 5},
    {"x-vendor": {"anything": [1, 2]}},
]


def kappa_accepts(schema):
    p = subprocess.run([str(TOOL), "check", "JSON", "-"], input=json.dumps(schema),
                       capture_output=True, text=True, timeout=30)
    assert p.returncode in (0, 1), p.stderr
    return p.returncode == 0, p.stdout.strip()


def python_accepts(schema):
    try:
        validator_for(schema).check_schema(schema)
        return True
    except Exception:  # jsonschema.exceptions.SchemaError
        return False


def cases():
    for draft, uri in DRAFTS.items():
        for i, frag in enumerate(FRAGMENTS):
            yield f"{draft}-{i}-top", {"$schema": uri, **frag}
            # The same keyword one level down, where only the schema's own rules apply.
            yield f"{draft}-{i}-nested", {"$schema": uri, "properties": {"p": frag}}


CASES = dict(cases())


@pytest.fixture(scope="module")
def verdicts():
    """kappa's verdict on every case, from one run of the tool (one schema per line)."""
    assert TOOL.exists(), f"{TOOL} is missing: cmake --build build --target registry_schema_tool"
    lines = "".join(json.dumps(s) + "\n" for s in CASES.values())
    p = subprocess.run([str(TOOL), "check-lines", "JSON", "-"], input=lines,
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    out = p.stdout.splitlines()
    assert len(out) == len(CASES)
    return {name: (line.startswith("OK "), line) for name, line in zip(CASES, out)}


@pytest.mark.parametrize("name", list(CASES))
def test_agrees_with_python_jsonschema(verdicts, name):
    schema = CASES[name]
    ours, out = verdicts[name]
    theirs = python_accepts(schema)
    assert ours == theirs, f"kappa {'accepts' if ours else 'rejects'} {schema}: {out}"


@pytest.mark.parametrize("pattern", ["^[a-z]+$", "(unclosed", "a{2,1}", "[z-a]", "\\d+(?:x)?", "*a"])
def test_patterns_agree_with_python_re(pattern):
    try:
        re.compile(pattern)
        valid = True
    except re.error:
        valid = False
    for schema in ({"pattern": pattern}, {"patternProperties": {pattern: {}}}):
        ours, out = kappa_accepts({"$schema": DRAFTS["draft-07"], **schema})
        assert ours == valid, f"{schema}: {out}"


def test_canonical_form_is_sorted_compact_json():
    ours, out = kappa_accepts({"type": "object", "properties": {"b": {}, "a": {"type": "string"}}})
    assert ours
    canonical = out[len("OK "):]
    assert canonical == '{"properties":{"a":{"type":"string"},"b":{}},"type":"object"}'
    assert json.loads(canonical) == {"type": "object", "properties": {"b": {}, "a": {"type": "string"}}}


def test_compatibility_messages_on_the_command_line(tmp_path):
    w = tmp_path / "w.json"
    r = tmp_path / "r.json"
    w.write_text(json.dumps({"type": "object", "properties": {"age": {"type": "number"}}}))
    r.write_text(json.dumps({"type": "object", "properties": {"age": {"type": "integer"}}}))
    p = subprocess.run([str(TOOL), "compat", "JSON", str(w), str(r)], capture_output=True,
                       text=True, timeout=30)
    assert p.returncode == 1
    assert p.stdout.strip() == ("Found incompatible change: Difference{jsonPath='#/properties/age', "
                                "type=TYPE_NARROWED}")
    p = subprocess.run([str(TOOL), "compat", "JSON", str(r), str(w)], capture_output=True,
                       text=True, timeout=30)
    assert p.returncode == 0 and p.stdout == ""
