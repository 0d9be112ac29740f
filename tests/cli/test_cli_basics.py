import pytest

from conftest import kappa


def test_version():
    p = kappa("--version")
    assert p.stdout.startswith("kappa ")


def test_help_lists_commands():
    p = kappa("--help")
    for cmd in ("topics", "tables", "bench"):
        assert cmd in p.stdout


def test_unknown_command_fails_with_message():
    p = kappa("no-such-command", check=False)
    assert p.returncode != 0
    assert p.stderr.strip() != ""


def test_jemalloc_keeps_large_buffers_cached():
    """kappa's own jemalloc options (src/cli/jemalloc_conf.cc) reach the allocator: large
    Fetch responses stay in the ordinary arenas instead of being mapped and unmapped per
    request. MALLOC_CONF in the environment is read after them, so users can still override."""
    import os
    env = dict(os.environ, MALLOC_CONF="confirm_conf:true")
    p = kappa("--version", env=env)
    if "<jemalloc>" not in p.stderr:
        pytest.skip("this kappa does not allocate through jemalloc (a sanitizer build)")
    assert "Set conf value: oversize_threshold:1073741824" in p.stderr, p.stderr
    assert p.stderr.index("oversize_threshold") < p.stderr.index("confirm_conf:true")
