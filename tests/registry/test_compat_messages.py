"""Verbose compatibility reasons name the schemas as Confluent does: in a BACKWARD check the
new schema reads the old one's data, in a FORWARD check the old one reads the new one's
(`kappa registry` with urllib; the seam flag ParsedSchema::ReadIncompatibilities(writer,
reader_is_new))."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from registry_server import RegistryServer  # noqa: E402


def record(fields):
    return {"schema": json.dumps({"type": "record", "name": "U", "fields": fields})}


def test_verbose_reasons_say_new_and_old(tmp_path):
    srv = RegistryServer(tmp_path / "data")
    try:
        v1 = record([{"name": "a", "type": "int"}])
        added = record([{"name": "a", "type": "int"}, {"name": "age", "type": "int"}])
        removed = record([{"name": "b", "type": ["null", "int"], "default": None}])
        assert srv.json("POST", "/subjects/back/versions", v1)[0] == 200
        st, out = srv.json("POST", "/compatibility/subjects/back/versions/latest?verbose=true",
                           added)
        assert st == 200 and out["is_compatible"] is False
        assert ("{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'age' "
                "at path '/fields/1' in the new schema has no default value and is missing in "
                "the old schema', additionalInfo:'age'}") in out["messages"], out
        assert "{compatibility: 'BACKWARD'}" in out["messages"]

        assert srv.json("PUT", "/config/fwd", {"compatibility": "FORWARD"})[0] == 200
        assert srv.json("POST", "/subjects/fwd/versions", v1)[0] == 200
        st, out = srv.json("POST", "/compatibility/subjects/fwd/versions/latest?verbose=true",
                           removed)
        assert st == 200 and out["is_compatible"] is False
        assert any("The field 'a' at path '/fields/0' in the old schema has no default value "
                   "and is missing in the new schema" in m for m in out["messages"]), out
        # The registration itself is refused with the same reasons (409).
        st, err = srv.json("POST", "/subjects/fwd/versions", removed)
        assert st == 409 and err["error_code"] == 409
        assert "in the old schema has no default value" in err["message"]
    finally:
        srv.stop()
