"""`kappa bench registry` runs both cases against its in-process registry and against a
running `kappa registry` (twice: a kept registry gets new subjects each run), and reports them
as JSON. Figures are not asserted (docs/benchmarks/registry.md has them)."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.dirname(__file__))
from conftest import kappa  # noqa: E402
from registry_server import RegistryServer  # noqa: E402


def run(*args):
    p = kappa("bench", "registry", "--seconds", "0.5", "--schemas", "50", "--ids", "5",
              "--json", *args, timeout=120)
    cases = {c["case"]: c for c in map(json.loads, p.stdout.splitlines())}
    assert set(cases) == {"get_by_id", "register"}, p.stdout
    assert cases["get_by_id"]["requests"] > 0 and cases["get_by_id"]["errors"] == 0, cases
    assert cases["register"]["requests"] == 50 and cases["register"]["errors"] == 0, cases
    assert cases["get_by_id"]["p99_ms"] >= cases["get_by_id"]["p50_ms"] > 0, cases
    return cases


def test_in_process():
    run()
    run("--curl", "--register-connections", "3")


def test_against_a_running_registry(tmp_path):
    reg = RegistryServer(tmp_path / "data")
    try:
        run("--registry", reg.url)
        run("--registry", reg.url)
        status, subjects = reg.json("GET", "/subjects")
        assert status == 200 and len(subjects) == 2 * (5 + 50), len(subjects)
    finally:
        reg.stop()
    p = kappa("bench", "registry", "--registry", "http://localhost:1", "--only", "get_by_id",
              check=False)
    assert p.returncode != 0 and "localhost:1" in p.stderr, p.stderr
