"""Runs each libFuzzer target (fuzz/kafka_*.cc) for a bounded time. The fuzz build is a
separate clang build in build-fuzz/ (configured and built here on first use)."""
import os
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build-fuzz")
SECONDS = int(os.environ.get("KAPPA_FUZZ_SECONDS", "10"))


@pytest.fixture(scope="module")
def fuzz_build():
    if not os.path.exists(os.path.join(BUILD, "build.ninja")):
        subprocess.run(["cmake", "-S", os.path.join(ROOT, "fuzz"), "-B", BUILD, "-G", "Ninja",
                        "-DCMAKE_C_COMPILER=clang", "-DCMAKE_CXX_COMPILER=clang++"],
                       check=True, capture_output=True, timeout=300)
    p = subprocess.run(["cmake", "--build", BUILD, "-j2"], capture_output=True, text=True,
                       timeout=1800)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    return BUILD


@pytest.mark.parametrize("target", ["kafka_request_fuzzer", "kafka_record_batch_fuzzer"])
def test_fuzzer_runs_clean(fuzz_build, target, tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    p = subprocess.run([os.path.join(fuzz_build, target), f"-max_total_time={SECONDS}",
                        "-rss_limit_mb=2048", "-print_final_stats=1", str(corpus)],
                       capture_output=True, text=True, timeout=SECONDS + 120, cwd=tmp_path)
    assert p.returncode == 0, p.stderr[-5000:]
    assert "Done" in p.stderr
