"""What the deploy tests share: the paths under deploy/ and how they run the tools."""
import glob
import os
import subprocess

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEPLOY = os.path.join(ROOT, "deploy")
COMPOSE_FILES = sorted(glob.glob(os.path.join(DEPLOY, "compose", "*.yml")))
CONFIGS = sorted(glob.glob(os.path.join(DEPLOY, "config", "*.yaml")))
UNIT = os.path.join(DEPLOY, "systemd", "kappa.service")
DOCKERFILE = os.path.join(DEPLOY, "docker", "Dockerfile")


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, timeout=120, **kw)


def compose(f):
    p = run("docker-compose", "-f", f, "config")
    assert p.returncode == 0, p.stderr
    return yaml.safe_load(p.stdout)
