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
