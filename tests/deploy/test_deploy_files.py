"""The deployment files under deploy/, checked with the tools that read them, without Docker
or systemd running: Debian's docker-compose validates every compose file, systemd-analyze
verifies the unit (and scores its sandboxing), promtool checks Prometheus' config, the
Dockerfile's inputs exist and its helpers work against a real `kappa up` (the HEALTHCHECK
script on /ready, the runtime-package list from ldd), every config under deploy/config passes
`kappa up --check` and runs config/kappa.yaml's pipeline, and `kappa up` tells systemd it is
ready over NOTIFY_SOCKET (Type=notify).

The secured cluster file (certificates, Kafka, Cassandra and the entrypoints) is checked in
test_cluster_security.py."""
import os
import re
import shutil
import signal
import socket
import subprocess
import time

import yaml

from conftest import KAPPA, free_port, kappa, wait_for_port
from deploy_common import (COMPOSE_FILES, CONFIGS, DEPLOY, DOCKERFILE, ROOT, UNIT, compose,
                           run)


def test_every_compose_file_is_valid():
    assert len(COMPOSE_FILES) >= 2, COMPOSE_FILES
    for f in COMPOSE_FILES:
        p = run("docker-compose", "-f", f, "config", "-q")
        assert p.returncode == 0 and p.stderr == "", (f, p.stderr)


def test_compose_files_mount_existing_configs_and_run_them():
    """Every bind mount of the compose files exists, and each kappa service runs `up` with a
    config it mounts; the cluster file has the shape docs/deploy.md describes."""
    for f in COMPOSE_FILES:
        doc = compose(f)
        for name, svc in doc["services"].items():
            mounted = {}
            for v in svc.get("volumes", []):
                src, dst = v.split(":")[:2]
                if src.startswith("/"):  # docker-compose config makes bind sources absolute
                    assert os.path.exists(src), (f, name, src)
                    mounted[dst] = src
            if svc.get("image") == "kappa:latest":
                assert svc["build"]["dockerfile"] == "deploy/docker/Dockerfile"
                assert os.path.samefile(svc["build"]["context"], ROOT)
                cmd = svc["command"]
                assert cmd[0] == "up", cmd
                config = cmd[cmd.index("--config") + 1]
                assert config in mounted, (name, config, mounted)
                assert "healthcheck" in svc and "kappa-healthcheck" in svc["healthcheck"]["test"][1]
                assert any(v.endswith(":/var/lib/kappa:rw") for v in svc["volumes"]), svc["volumes"]
    cluster = compose(os.path.join(DEPLOY, "compose", "docker-compose.cluster.yml"))["services"]
    images = sorted(s["image"].split(":")[0] for s in cluster.values())
    # cassandra-setup (the roles) runs the cassandra image once.
    assert images == ["apache/kafka"] * 3 + ["cassandra"] * 4 + ["kappa"] * 3 + ["prom/prometheus"]
    for n in (1, 2, 3):
        env = cluster[f"kafka-{n}"]["environment"]
        assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"  # KRaft, no ZooKeeper
        assert env["KAFKA_NODE_ID"] == str(n) or env["KAFKA_NODE_ID"] == n


def test_prometheus_config_is_valid_and_scrapes_every_kappa():
    f = os.path.join(DEPLOY, "prometheus", "prometheus.yml")
    p = run("promtool", "check", "config", f)
    assert p.returncode == 0, p.stdout + p.stderr
    job = next(j for j in yaml.safe_load(open(f))["scrape_configs"] if j["job_name"] == "kappa")
    targets = [t for sc in job["static_configs"] for t in sc["targets"]]
    cluster = compose(os.path.join(DEPLOY, "compose", "docker-compose.cluster.yml"))["services"]
    kappas = [n for n, s in cluster.items() if s.get("image") == "kappa:latest"]
    expected = []
    for n in kappas:
        cmd = cluster[n]["command"]
        # The worker's HTTPS address (its list also has a plain loopback one for the healthcheck).
        https = [a for a in cmd[cmd.index("--http-listen") + 1].split(",") if a.startswith("https://")]
        assert len(https) == 1, cmd
        expected.append(https[0][len("https://"):])
    assert sorted(targets) == sorted(expected)
    # Scraped over HTTPS, checked against the CA that Prometheus gets as a secret.
    assert job["scheme"] == "https"
    assert job["tls_config"]["ca_file"] == "/run/secrets/kappa_ca"
    assert "kappa_ca" in [s["source"] for s in cluster["prometheus"]["secrets"]]


def test_systemd_unit_verifies_and_is_sandboxed(tmp_path):
    """systemd-analyze verify checks the unit as systemd would load it; --root points it at a
    tree holding the system's units and the ExecStart binary, since this machine has no
    /usr/local/bin/kappa. `security --offline` scores the sandboxing (0 safest, 10 unsafe)."""
    root = tmp_path / "root"
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    unit_text = open(UNIT).read()
    exec_start = re.search(r"^ExecStart=(\S+)", unit_text, re.M).group(1)
    binary = root / exec_start.lstrip("/")
    binary.parent.mkdir(parents=True)
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    (root / "etc/systemd/system").mkdir(parents=True)
    shutil.copy(UNIT, root / "etc/systemd/system/kappa.service")
    p = run("systemd-analyze", "verify", f"--root={root}", "kappa.service")
    # Unknown keys and bad values are only warnings (exit 0): none may be printed.
    assert p.returncode == 0 and p.stderr.strip() == "" and p.stdout.strip() == "", p.stderr
    p = run("systemd-analyze", "security", "--offline=true", f"--root={root}",
            "--threshold=20", "kappa.service")
    m = re.search(r"Overall exposure level for kappa.service: (\d+\.\d+)", p.stdout + p.stderr)
    assert m, p.stdout + p.stderr
    assert float(m.group(1)) <= 2.0, p.stdout
    for key in ("Type=notify", "DynamicUser=yes", "StateDirectory=kappa", "ProtectSystem=strict",
                "NoNewPrivileges=yes", "ReadWritePaths=/var/lib/kappa", "LimitNOFILE="):
        assert re.search("^" + re.escape(key), unit_text, re.M), key
    # The unit's data directory is the config's.
    assert "--data-dir /var/lib/kappa/data" in unit_text


def dockerfile_instructions():
    text = open(DOCKERFILE).read().replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_dockerfile_inputs_exist_and_are_in_the_build_context():
    ignored = [l.strip() for l in open(os.path.join(ROOT, ".dockerignore"))
               if l.strip() and not l.startswith("#")]
    copies = 0
    for ins in dockerfile_instructions():
        if not ins.startswith("COPY ") or "--from=" in ins:
            continue
        srcs = ins.split()[1:-1]
        for src in srcs:
            if src == ".":
                continue
            copies += 1
            assert os.path.exists(os.path.join(ROOT, src)), src
            top = src.split("/")[0]
            assert top not in ignored, (src, ignored)
    assert copies >= 3
    ins = dockerfile_instructions()
    froms = [i for i in ins if i.startswith("FROM ")]
    assert froms[0].startswith("FROM debian:12 ") and froms[-1] == "FROM debian:12-slim", froms
    users = [i for i in ins if i.startswith("USER ")]
    assert users and not users[-1].split()[1].startswith(("root", "0")), users
    for needed in ("VOLUME /var/lib/kappa", "EXPOSE 9092 9042 8081 9021", "HEALTHCHECK "):
        assert any(i.startswith(needed) for i in ins), needed
    # The scripts the build runs.
    for script in ("scripts/install-deps.sh", "deploy/docker/runtime-packages.sh",
                   "deploy/docker/healthcheck.sh"):
        assert os.access(os.path.join(ROOT, script), os.X_OK), script
    # The release preset the build stage uses exists and builds into build/.
    assert "cmake --preset release" in open(DOCKERFILE).read()


def test_runtime_packages_hold_every_library_of_kappa():
    p = run(os.path.join(DEPLOY, "docker", "runtime-packages.sh"), KAPPA)
    assert p.returncode == 0, p.stderr
    packages = p.stdout.split()
    assert "libc6" in packages and "librdkafka1" in packages, packages
    assert not any(pkg.endswith("-dev") for pkg in packages), packages
    # Real package names, installed here as in the build stage (one dpkg query each way).
    q = run("dpkg-query", "-W", "-f=${Package} ${Status}\n", *packages)
    installed = {l.split()[0] for l in q.stdout.splitlines() if l.endswith("install ok installed")}
    assert installed == set(packages), set(packages) - installed
    # Every library ldd resolves belongs to one of them.
    owned = set(run("dpkg-query", "-L", *packages).stdout.split())
    for line in run("ldd", KAPPA).stdout.splitlines():
        m = re.search(r"=> (/\S+)", line)
        if m:
            assert m.group(1) in owned or "/usr" + m.group(1) in owned, line


def test_deploy_configs_check_and_run_the_seed_pipeline(tmp_path):
    seed = yaml.safe_load(open(os.path.join(ROOT, "config", "kappa.yaml")))
    assert len(CONFIGS) >= 3, CONFIGS
    for i, f in enumerate(CONFIGS):
        # The cluster's HTTPS listener is off loopback: kappa up starts it only for a data
        # directory with a user (the compose entrypoint adds one), so check with one.
        data = tmp_path / f"data{i}"
        kappa("users", "add", "admin", "--data-dir", data, "--password-stdin",
              input="a-Long-test-password-1")
        p = kappa("up", "--check", "--config", f, "--data-dir", data)
        assert "OK" in p.stdout, p.stdout
        doc = yaml.safe_load(open(f))
        assert doc["data_dir"] == "/var/lib/kappa/data", f
        for key in ("durability", "retention", "store", "topics"):
            assert doc[key] == seed[key], (f, key)
        for key in ("sources", "mappings", "producers", "orchestrator", "dags"):
            if key in doc:
                assert doc[key] == seed[key], (f, key)
        # The table's schema is the seed's; the cluster only changes its replication.
        assert [t for ks in doc["keyspaces"] for t in ks["tables"]] == \
            [t for ks in seed["keyspaces"] for t in ks["tables"]]
        # The job is the seed's; the cluster adds its Cassandra sink.
        assert [{k: v for k, v in j.items() if k != "sink"} for j in doc["jobs"]] == seed["jobs"]
    cluster = yaml.safe_load(open(os.path.join(DEPLOY, "config", "cluster.yaml")))
    worker = yaml.safe_load(open(os.path.join(DEPLOY, "config", "cluster-worker.yaml")))
    for key in ("topics", "keyspaces", "jobs", "log", "listeners", "security"):
        assert cluster[key] == worker[key], key
    assert cluster["log"]["type"] == "kafka" and cluster["jobs"][0]["sink"]["type"] == "cassandra"
    for key in ("sources", "mappings", "producers", "dags"):
        assert key not in worker and key in cluster, key


def test_healthcheck_script_follows_ready(tmp_path):
    """The image's HEALTHCHECK against a real kappa up: healthy once it serves /ready,
    unhealthy when nothing listens."""
    script = os.path.join(DEPLOY, "docker", "healthcheck.sh")
    http = free_port()
    p = subprocess.Popen([KAPPA, "up", "--data-dir", str(tmp_path / "data"),
                          "--kafka-listen", "127.0.0.1:0", "--cql-listen", "127.0.0.1:0",
                          "--http-listen", f"127.0.0.1:{http}", "--console-listen", "off"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(http, timeout=60)
        # The HTTP listener opens before the others: until they serve, the script says
        # NOT_READY, as Docker's retries would see it; poll as they do.
        deadline = time.monotonic() + 60
        while True:
            ok = run(script, f"127.0.0.1:{http}")
            if ok.returncode == 0 or time.monotonic() > deadline:
                break
            assert ok.returncode == 1 and "NOT_READY" in ok.stderr, ok.stderr
            time.sleep(0.2)
        assert ok.returncode == 0, ok.stderr
        env = dict(os.environ, KAPPA_HEALTH_ADDR=f"127.0.0.1:{http}")
        assert run(script, env=env).returncode == 0
    finally:
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=60)
    down = run(script, f"127.0.0.1:{http}")
    assert down.returncode == 1 and "cannot connect" in down.stderr, down.stderr


def test_up_notifies_systemd_when_ready_and_when_stopping(tmp_path):
    """Type=notify: kappa up sends READY=1 to $NOTIFY_SOCKET once its listeners serve, and
    STOPPING=1 on SIGTERM."""
    sock_path = str(tmp_path / "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    sock.settimeout(90)
    http = free_port()
    env = dict(os.environ, NOTIFY_SOCKET=sock_path)
    p = subprocess.Popen([KAPPA, "up", "--data-dir", str(tmp_path / "data"),
                          "--kafka-listen", "127.0.0.1:0", "--cql-listen", "127.0.0.1:0",
                          "--http-listen", f"127.0.0.1:{http}", "--console-listen", "off"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        ready = sock.recv(4096).decode()
        assert ready.split("\n")[0] == "READY=1", ready
        # Ready means serving: /ready answers at once.
        h = run(os.path.join(DEPLOY, "docker", "healthcheck.sh"), f"127.0.0.1:{http}")
        assert h.returncode == 0, h.stderr
        p.send_signal(signal.SIGTERM)
        assert sock.recv(4096).decode() == "STOPPING=1"
        assert p.wait(timeout=60) == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        sock.close()


# --- The cluster file's security (docs/deploy.md, "Scale out") ---------------------------------
