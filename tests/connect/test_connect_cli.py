"""kappa connect: the synthetic source, the HTTP source and the mapping language from the CLI."""
import http.server
import json
import threading

import pytest

from conftest import kappa

SEED_FIELDS = ["id", "first_name", "last_name", "gender", "address", "post_code", "email",
               "username", "dob", "registered_date", "phone", "picture"]


def sample(*args):
    return kappa("connect", "sample", "randomuser", *args).stdout


def test_sample_is_randomuser_shaped_and_deterministic():
    out = sample("--results", 3, "--seed", 42)
    page = json.loads(out)
    assert page["info"] == {"seed": "42", "results": 3, "page": 1, "version": "1.4"}
    assert len(page["results"]) == 3
    user = page["results"][0]
    assert list(user) == ["gender", "name", "location", "email", "login", "dob", "registered",
                          "phone", "cell", "id", "picture", "nat"]
    assert isinstance(user["location"]["street"]["number"], int)
    assert isinstance(user["location"]["coordinates"]["latitude"], str)
    assert sample("--results", 3, "--seed", 42) == out
    assert sample("--results", 3, "--seed", 42, "--page", 2) != out
    # One page per line with --pages.
    lines = sample("--results", 2, "--pages", 3, "--nat", "GB,CA").splitlines()
    assert len(lines) == 3
    for i, line in enumerate(lines):
        p = json.loads(line)
        assert p["info"]["page"] == i + 1
        for u in p["results"]:
            assert u["nat"] in ("GB", "CA")
            assert isinstance(u["location"]["postcode"], str)


def test_sample_bad_nationality_is_a_clear_error():
    p = kappa("connect", "sample", "randomuser", "--nat", "XX", check=False)
    assert p.returncode != 0
    assert "unknown nationality 'XX'" in p.stderr


def test_map_with_the_builtin_seed_mapping():
    page = sample("--results", 5, "--seed", "map")
    p = kappa("connect", "map", "--keys", input=page)
    lines = p.stdout.splitlines()
    assert len(lines) == 5
    users = json.loads(page)["results"]
    for line, user in zip(lines, users):
        key, value = line.split("\t", 1)
        rec = json.loads(value)
        assert list(rec) == SEED_FIELDS
        assert rec["id"] == key
        loc = user["location"]
        assert rec["address"] == (f"{loc['street']['number']} {loc['street']['name']}, "
                                  f"{loc['city']}, {loc['state']}, {loc['country']}")
        assert rec["post_code"] == str(loc["postcode"])
        assert rec["picture"] == user["picture"]["medium"]
        assert rec["username"] == user["login"]["username"]
    assert "mapped 5 users: 5 records, 0 errors" in p.stderr
    assert kappa("connect", "mapping").stdout.startswith("mappings:\n")


def test_map_reports_missing_fields_and_keeps_going():
    page = json.loads(sample("--results", 3))
    del page["results"][1]["location"]["city"]
    single_user = json.dumps(page["results"][2])
    p = kappa("connect", "map", input=json.dumps(page) + "\n" + single_user + "\n", check=False)
    assert p.returncode == 1
    assert ("stdin document 1, user 1: field 'address': path 'location.city' not found"
            in p.stderr)
    assert "mapped 4 users: 3 records, 1 errors" in p.stderr
    assert len(p.stdout.splitlines()) == 3
    # Not JSON at all: a clear error, no crash.
    p = kappa("connect", "map", input="this is not json\n", check=False)
    assert p.returncode == 1 and "stdin document 1" in p.stderr


def test_map_with_a_mapping_file(tmp_path):
    f = tmp_path / "m.yaml"
    f.write_text("mappings:\n  m:\n    fields:\n      who: upper(name.first)\n"
                 "      n: int(dob.age)\n")
    page = sample("--results", 2)
    p = kappa("connect", "map", "--mapping", f, input=page)
    recs = [json.loads(l) for l in p.stdout.splitlines()]
    assert len(recs) == 2 and all(r["who"].isupper() and isinstance(r["n"], int) for r in recs)

    f.write_text("mappings:\n  m:\n    fields:\n      id: uuidd()\n")
    p = kappa("connect", "map", "--mapping", f, input=page, check=False)
    assert p.returncode != 0
    assert f"{f}:4:11: unknown function 'uuidd' in mapping m.fields.id" in p.stderr


class _Handler(http.server.BaseHTTPRequestHandler):
    hits = {}
    page = b""

    def do_GET(self):
        path = self.path.split("?")[0]
        n = _Handler.hits[path] = _Handler.hits.get(path, 0) + 1
        if path == "/busy" and n == 1:
            self.send_response(429)
            self.send_header("Retry-After", "1")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/broken":
            body = b"<html>oops</html>"
        else:
            body = _Handler.page
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    _Handler.hits = {}
    _Handler.page = sample("--results", 2, "--seed", "srv").strip().encode()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=httpd.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    t.join()


def test_fetch_from_a_local_server(server):
    p = kappa("connect", "fetch", "--url", f"{server}/api/?results=2", "--pages", 2, "--rate", 0)
    pages = [json.loads(l) for l in p.stdout.splitlines()]
    assert len(pages) == 2 and all(len(pg["results"]) == 2 for pg in pages)
    # 429 with Retry-After, then a page.
    p = kappa("connect", "fetch", "--url", f"{server}/busy", "--rate", 0)
    assert json.loads(p.stdout)["info"]["seed"] == "srv"
    assert _Handler.hits["/busy"] >= 2  # the 429, then the page (it may prefetch one more)
    # A 200 that is not a page: retried, logged with a sample, then reported; no crash.
    p = kappa("connect", "fetch", "--url", f"{server}/broken", "--rate", 0, "--retries", 1,
              check=False)
    assert p.returncode == 1
    assert "not a randomuser page" in p.stderr and "<html>oops</html>" in p.stderr
    assert "gave up after 2 attempts" in p.stderr


def test_help_texts():
    for cmd in (["connect"], ["connect", "sample", "randomuser"], ["connect", "map"],
                ["connect", "fetch"], ["connect", "mapping"]):
        p = kappa(*cmd, "--help")
        assert "Usage" in p.stdout or "usage" in p.stdout.lower()
