"""Helpers for the run-history tests: the orchestrator_meta_tool binary (built next to
build/kappa by src/orchestrator/CMakeLists.txt) that writes a known history into a data
directory's store (keyspace kappa_meta) or writes runs in a loop until killed."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from conftest import KAPPA  # noqa: E402

TOOL = os.path.join(os.path.dirname(os.path.abspath(KAPPA)), "src", "orchestrator",
                    "orchestrator_meta_tool")


def meta_tool(*args, timeout=120):
    p = subprocess.run([TOOL, *map(str, args)], capture_output=True, text=True, timeout=timeout)
    assert p.returncode == 0, f"orchestrator_meta_tool {args}: {p.returncode}\n{p.stderr}"
    return json.loads(p.stdout)
