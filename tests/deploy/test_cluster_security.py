"""The cluster file's security, without Docker: gen-certs.sh makes certificates whose names and
addresses are the compose file's (openssl x509 -text); no Kafka listener takes clients without
TLS and a SCRAM login, by the image's own env-to-properties rule; every Cassandra node requires
TLS and passwords; the kappa configs reach both over TLS with passwords that only come from
Docker secrets; and the three entrypoint scripts (Kafka, Cassandra, kappa) do what they say,
run here against stand-ins for the images' programs."""
import os
import re
import shutil
import subprocess

import pytest
import yaml

from conftest import KAPPA, kappa
from deploy_common import COMPOSE_FILES, CONFIGS, DEPLOY, ROOT, compose, run


CLUSTER_FILE = os.path.join(DEPLOY, "compose", "docker-compose.cluster.yml")
GEN_CERTS = os.path.join(DEPLOY, "compose", "gen-certs.sh")
KAFKA_START = os.path.join(DEPLOY, "compose", "kafka", "start.sh")
CASSANDRA_ENTRYPOINT = os.path.join(DEPLOY, "compose", "cassandra", "entrypoint.sh")
CASSANDRA_SECURITY = os.path.join(DEPLOY, "compose", "cassandra", "security.yaml")
KAPPA_ENTRYPOINT = os.path.join(DEPLOY, "compose", "kappa", "entrypoint.sh")
PLACEHOLDER = re.compile(r"^\$\{secret:([A-Za-z0-9_.-]+)\}$")

# The apache/kafka image turns KAFKA_* variables into server.properties
# (kafka.docker.KafkaDockerWrapper, Kafka 3.7+): these are not properties; for the others
# "KAFKA_" is removed, the name lower-cased, "_" becomes ".", then "..." "-" and ".." "_".
KAFKA_IMAGE_NOT_PROPERTIES = {
    "KAFKA_VERSION", "KAFKA_HEAP_OPTS", "KAFKA_LOG4J_OPTS", "KAFKA_OPTS", "KAFKA_JMX_OPTS",
    "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_GC_LOG_OPTS", "KAFKA_LOG4J_ROOT_LOGLEVEL",
    "KAFKA_LOG4J_LOGGERS", "KAFKA_TOOLS_LOG4J_LOGLEVEL", "KAFKA_JMX_HOSTNAME"}


def kafka_image_properties(env):
    props = {}
    for k, v in env.items():
        if k.startswith("KAFKA_") and k not in KAFKA_IMAGE_NOT_PROPERTIES:
            key = k.replace("KAFKA_", "").lower().replace("_", ".").replace("...", "-").replace("..", "_")
            props[key] = str(v)
    return props


def listener_map(value):
    """'NAME://host:port,...' -> {NAME: port}"""
    out = {}
    for entry in value.split(","):
        name, rest = entry.split("://", 1)
        out[name] = int(rest.rsplit(":", 1)[1])
    return out


def services_of(doc, image):
    return {n: s for n, s in doc["services"].items() if s.get("image", "").split(":")[0] == image}


def secret_targets(svc):
    """{target path under /run/secrets: secret name} of a service."""
    out = {}
    for s in svc.get("secrets", []):
        target = s.get("target") or s["source"]
        out[target if target.startswith("/") else "/run/secrets/" + target] = s["source"]
    return out


@pytest.fixture(scope="module")
def secrets_dir(tmp_path_factory):
    """What deploy/compose/gen-certs.sh makes, in a temporary folder."""
    d = tmp_path_factory.mktemp("compose") / "secrets"
    p = run("bash", GEN_CERTS, str(d))
    assert p.returncode == 0, p.stdout + p.stderr
    return d


def san(cert):
    """(DNS names, IP addresses) of a certificate, as `openssl x509 -noout -text` prints them."""
    p = run("openssl", "x509", "-noout", "-text", "-in", str(cert))
    assert p.returncode == 0, p.stderr
    m = re.search(r"X509v3 Subject Alternative Name:.*?\n\s*(.*)\n", p.stdout)
    assert m, p.stdout
    entries = [e.strip() for e in m.group(1).split(",")]
    dns = {e[len("DNS:"):] for e in entries if e.startswith("DNS:")}
    ips = {e[len("IP Address:"):] for e in entries if e.startswith("IP Address:")}
    return dns, ips, p.stdout


def test_gen_certs_names_match_the_compose_file(secrets_dir, tmp_path):
    doc = compose(CLUSTER_FILE)
    d = secrets_dir
    assert os.stat(d).st_mode & 0o777 == 0o700
    assert os.stat(d / "ca.key").st_mode & 0o777 == 0o600
    # Every secret file the compose file mounts is made.
    for name, spec in doc["secrets"].items():
        rel = os.path.relpath(spec["file"], os.path.join(DEPLOY, "compose", "secrets"))
        assert not rel.startswith(".."), (name, spec)
        assert (d / rel).is_file(), (name, rel)
    nets = {n: s for n, s in doc["services"].items()}
    for prefix, count in (("kafka", 3), ("cassandra", 3), ("kappa", 3)):
        for n in range(1, count + 1):
            host = f"{prefix}-{n}"
            assert nets[host]["hostname"] == host
            cert = d / f"{host}.crt"
            dns, ips, text = san(cert)
            assert dns == {host}, (host, dns)
            v = run("openssl", "verify", "-CAfile", str(d / "ca.crt"), str(cert))
            assert v.returncode == 0, v.stdout + v.stderr
            assert "TLS Web Server Authentication" in text
            if prefix == "cassandra":
                # Clients and peers reach a node at the address it announces: its fixed one.
                fixed = nets[host]["networks"]["default"]["ipv4_address"]
                assert ips == {fixed}, (host, ips, fixed)
            else:
                assert ips == set(), (host, ips)
            if prefix in ("kafka", "cassandra"):  # also the node's client certificate
                assert "TLS Web Client Authentication" in text
    for n in (1, 2, 3):
        # Kafka's PEM keystore: an unencrypted PKCS#8 key (Kafka needs no password for it) and
        # the chain, the key matching the certificate.
        pem = (d / f"kafka-{n}.pem").read_text()
        assert pem.startswith("-----BEGIN PRIVATE KEY-----") and pem.count("BEGIN CERTIFICATE") == 2
        key_pub = run("openssl", "pkey", "-pubout", "-in", str(d / f"kafka-{n}.pem")).stdout
        cert_pub = run("openssl", "x509", "-pubkey", "-noout", "-in", str(d / f"kafka-{n}.pem")).stdout
        assert key_pub and key_pub == cert_pub
        # Cassandra's PKCS#12 keystore opens with its password and holds the node's certificate.
        p12 = str(d / f"cassandra-{n}.p12")
        pw = "file:" + str(d / "cassandra_keystore_password")
        certs = run("openssl", "pkcs12", "-in", p12, "-passin", pw, "-nokeys", "-clcerts")
        assert certs.returncode == 0, certs.stderr
        assert f"CN = cassandra-{n}" in certs.stdout or f"CN=cassandra-{n}" in certs.stdout
        if shutil.which("keytool"):  # Java (Cassandra's) reads it as a key entry
            k = run("keytool", "-list", "-storetype", "PKCS12", "-keystore", p12,
                    "-storepass:file", str(d / "cassandra_keystore_password"))
            assert k.returncode == 0 and "PrivateKeyEntry" in k.stdout, k.stdout + k.stderr
        # kappa's HTTPS listener: key matching the first certificate of the chain.
        key_pub = run("openssl", "pkey", "-pubout", "-in", str(d / f"kappa-{n}.key")).stdout
        cert_pub = run("openssl", "x509", "-pubkey", "-noout", "-in", str(d / f"kappa-{n}.crt")).stdout
        assert key_pub and key_pub == cert_pub
    for name in ("kafka_kappa_password", "cassandra_kappa_password", "cassandra_admin_password",
                 "cassandra_keystore_password", "kappa_admin_password"):
        assert re.fullmatch(r"[0-9a-f]{48}\n", (d / name).read_text()), name
    # A second run keeps every file (a running cluster's users and keys stay valid).
    before = {f.name: f.read_bytes() for f in d.iterdir()}
    p = run("bash", GEN_CERTS, str(d))
    assert p.returncode == 0, p.stderr
    assert {f.name: f.read_bytes() for f in d.iterdir()} == before
    # Another network prefix: the compose file and the certificates move together.
    other = tmp_path / "other"
    env = dict(os.environ, KAPPA_NET_PREFIX="10.77.5")
    assert run("bash", GEN_CERTS, str(other), env=env).returncode == 0
    moved = yaml.safe_load(run("docker-compose", "-f", CLUSTER_FILE, "config", env=env).stdout)
    for n in (1, 2, 3):
        fixed = moved["services"][f"cassandra-{n}"]["networks"]["default"]["ipv4_address"]
        assert fixed == f"10.77.5.2{n}"
        assert san(other / f"cassandra-{n}.crt")[1] == {fixed}
    assert moved["networks"]["default"]["ipam"]["config"][0]["subnet"] == "10.77.5.0/24"


def test_no_kafka_listener_takes_clients_without_tls_and_a_login():
    """Every Kafka node of every compose file, as the image turns its variables into
    server.properties: each listener is TLS; the SSL ones (broker, controller) require a
    client certificate; the one kappa's bootstrap names is SASL_SSL with SCRAM-SHA-512."""
    kafkas = 0
    for f in COMPOSE_FILES:
        doc = compose(f)
        for name, svc in services_of(doc, "apache/kafka").items():
            kafkas += 1
            env = svc["environment"]
            props = kafka_image_properties(env)
            protocols = dict(e.split(":") for e in props["listener.security.protocol.map"].split(","))
            listeners = listener_map(props["listeners"])
            advertised = listener_map(props["advertised.listeners"])
            for listener in listeners:
                assert protocols[listener] in ("SSL", "SASL_SSL"), (name, listener, protocols)
                if protocols[listener] == "SSL":
                    assert props[f"listener.name.{listener.lower()}.ssl.client.auth"] == "required", \
                        (name, listener)
            assert set(advertised) <= set(listeners)
            # What kappa connects to (log.bootstrap: kafka-N:9092) is the SASL_SSL listener.
            client = [l for l, port in advertised.items() if port == 9092]
            assert client and protocols[client[0]] == "SASL_SSL", (name, advertised)
            assert props["sasl.enabled.mechanisms"] == "SCRAM-SHA-512"
            jaas = props[f"listener.name.{client[0].lower()}.scram-sha-512.sasl.jaas.config"]
            assert jaas.startswith("org.apache.kafka.common.security.scram.ScramLoginModule required")
            # Keys and CA are PEM files mounted as secrets.
            mounted = secret_targets(svc)
            assert props["ssl.keystore.type"] == "PEM" and props["ssl.truststore.type"] == "PEM"
            assert mounted[props["ssl.keystore.location"]] == f"{name.replace('-', '_')}_keystore"
            assert mounted[props["ssl.truststore.location"]] == "kappa_ca"
            assert "ssl.keystore.password" not in props  # PEM keystores refuse one
            # The image's configure script would demand JKS files and password files for an
            # advertised listener whose text holds "SSL://", and a JAAS file for "SASL_": the
            # listener names keep it out.
            assert "SSL://" not in env["KAFKA_ADVERTISED_LISTENERS"]
            assert "SASL_" not in env["KAFKA_ADVERTISED_LISTENERS"]
            # It runs the start script (SCRAM user at format time), mounted.
            assert svc["command"] == ["/bin/bash", "/etc/kafka/kappa/start.sh"]
            vols = {v.split(":")[1]: v.split(":")[0] for v in svc["volumes"]}
            assert os.path.samefile(vols["/etc/kafka/kappa"], os.path.dirname(KAFKA_START))
            assert "kafka_kappa_password" in mounted.values()
            assert "9094" in svc["healthcheck"]["test"][1]
    assert kafkas == 3


def test_kafka_start_formats_with_the_scram_user(tmp_path):
    """deploy/compose/kafka/start.sh with stand-ins for kafka-storage.sh and the image's run:
    the server.properties it formats with are the image's own from the same variables, the
    SCRAM user comes in an @file (not on the command line), then the image's start runs."""
    svc = compose(CLUSTER_FILE)["services"]["kafka-2"]
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "kafka_kappa_password").write_text("0123456789abcdef0123456789abcdef\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (bin_dir / "kafka-storage.sh").write_text(f"""#!/bin/bash
printf '%s\\n' "$@" > {out}/args
while [[ $# -gt 0 ]]; do
  case $1 in --config) cp "$2" {out}/server.properties; shift ;; @*) cat "${{1#@}}" > {out}/atfile ;; esac
  shift
done
""")
    (bin_dir / "kafka-storage.sh").chmod(0o755)
    run_script = tmp_path / "run"
    run_script.write_text(f"#!/bin/bash\necho started > {out}/started\n")
    run_script.chmod(0o755)
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path),
           **{k: str(v) for k, v in svc["environment"].items()},
           "KAPPA_SECRETS_DIR": str(secrets), "KAPPA_KAFKA_BIN": str(bin_dir),
           "KAPPA_KAFKA_RUN": str(run_script)}
    p = subprocess.run(["bash", KAFKA_START], env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert (out / "started").read_text() == "started\n"
    args = (out / "args").read_text().split("\n")
    assert args[:2] == ["format", "--ignore-formatted"]
    assert args[args.index("--cluster-id") + 1] == svc["environment"]["CLUSTER_ID"]
    assert not any("0123456789abcdef" in a for a in args)
    assert (out / "atfile").read_text().split("\n")[:2] == [
        "--add-scram", "SCRAM-SHA-512=[name=kappa,password=0123456789abcdef0123456789abcdef]"]
    written = dict(l.split("=", 1) for l in (out / "server.properties").read_text().splitlines())
    assert written == kafka_image_properties(svc["environment"])
    assert written["node.id"] == "2" and written["process.roles"] == "broker,controller"
    # A password kafka-storage would split is refused, naming the secret.
    (secrets / "kafka_kappa_password").write_text("a,b=c\n")
    p = subprocess.run(["bash", KAFKA_START], env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 1 and "kafka_kappa_password" in p.stderr


def test_cassandra_nodes_require_tls_and_passwords():
    sec = yaml.safe_load(open(CASSANDRA_SECURITY))
    assert sec["authenticator"] == "PasswordAuthenticator"
    assert sec["authorizer"] == "CassandraAuthorizer"
    client = sec["client_encryption_options"]
    assert client["enabled"] is True and client["optional"] is False  # TLS only on 9042
    server = sec["server_encryption_options"]
    assert server["internode_encryption"] == "all" and server["optional"] is False
    assert server["require_client_auth"] is True and server["require_endpoint_verification"] is True
    for opts in (client, server):
        assert PLACEHOLDER.match(opts["keystore_password"]), opts
        assert set(opts["accepted_protocols"]) <= {"TLSv1.2", "TLSv1.3"}
    nodes = 0
    for f in COMPOSE_FILES:
        for name, svc in services_of(compose(f), "cassandra").items():
            if name == "cassandra-setup":
                assert svc["entrypoint"] == ["/bin/bash", "/etc/cassandra-kappa/setup.sh"]
                continue
            nodes += 1
            # The node starts through the script that applies security.yaml, mounted.
            assert svc["entrypoint"] == ["/bin/bash", "/etc/cassandra-kappa/entrypoint.sh"]
            assert svc["command"] == ["cassandra", "-f"]
            vols = {v.split(":")[1]: v.split(":")[0] for v in svc["volumes"]}
            assert os.path.samefile(vols["/etc/cassandra-kappa"], os.path.dirname(CASSANDRA_SECURITY))
            mounted = secret_targets(svc)
            assert mounted["/run/secrets/cassandra_keystore"] == f"{name.replace('-', '_')}_keystore"
            assert {"kappa_ca", "cassandra_keystore_password"} <= set(mounted.values())
            assert svc["networks"]["default"]["ipv4_address"]
    assert nodes == 3


SAMPLE_CASSANDRA_YAML = """\
cluster_name: 'Test Cluster'
num_tokens: 16
authenticator: AllowAllAuthenticator
authorizer: AllowAllAuthorizer
# Server (internode) encryption.
server_encryption_options:
  # Set to a valid keystore if internode_encryption is not none
  internode_encryption: none
  keystore: conf/.keystore
# a comment at the start of a line inside a block
  keystore_password: cassandra
client_encryption_options:
  enabled: false

  keystore: conf/.keystore
  keystore_password: cassandra
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:7000"
listen_address: localhost
"""


def test_cassandra_entrypoint_merges_security_into_cassandra_yaml(tmp_path, secrets_dir):
    """deploy/compose/cassandra/entrypoint.sh on a cassandra.yaml shaped like the image's:
    security.yaml's top-level keys replace the image's, everything else stays, the secrets are
    filled in, the keystore and a truststore holding the CA are in place, a restart gives the
    same file, and the image's entrypoint runs last with the same arguments."""
    conf = tmp_path / "conf"
    conf.mkdir()
    (conf / "cassandra.yaml").write_text(SAMPLE_CASSANDRA_YAML)
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    shutil.copy(secrets_dir / "ca.crt", secrets / "kappa_ca")
    shutil.copy(secrets_dir / "cassandra-1.p12", secrets / "cassandra_keystore")
    shutil.copy(secrets_dir / "cassandra_keystore_password", secrets / "cassandra_keystore_password")
    password = (secrets / "cassandra_keystore_password").read_text().strip()
    path = [os.environ["PATH"]]
    if not shutil.which("keytool"):  # a stand-in that only writes the file
        fake = tmp_path / "fakebin"
        fake.mkdir()
        (fake / "keytool").write_text("#!/bin/bash\nwhile [[ $1 != -keystore ]]; do shift; done\necho x > \"$2\"\n")
        (fake / "keytool").chmod(0o755)
        path.insert(0, str(fake))
    nxt = tmp_path / "next"
    nxt.write_text(f"#!/bin/bash\nprintf '%s\\n' \"$@\" > {tmp_path}/next.args\n")
    nxt.chmod(0o755)
    env = {"PATH": os.pathsep.join(path), "HOME": str(tmp_path), "CASSANDRA_CONF": str(conf),
           "KAPPA_SECRETS_DIR": str(secrets), "KAPPA_CASSANDRA_SECURITY": CASSANDRA_SECURITY,
           "KAPPA_CASSANDRA_NEXT": str(nxt)}
    results = []
    for _ in range(2):
        p = subprocess.run(["bash", CASSANDRA_ENTRYPOINT, "cassandra", "-f"], env=env,
                           capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        results.append((conf / "cassandra.yaml").read_text())
    assert results[0] == results[1]
    assert (tmp_path / "next.args").read_text() == "cassandra\n-f\n"
    merged = yaml.safe_load(results[0])
    want = yaml.safe_load(open(CASSANDRA_SECURITY))
    for opts in ("client_encryption_options", "server_encryption_options"):
        for k in ("keystore_password", "truststore_password"):
            want[opts][k] = password
    for key, value in want.items():
        assert merged[key] == value, key
    sample = yaml.safe_load(SAMPLE_CASSANDRA_YAML)
    for key in ("cluster_name", "num_tokens", "seed_provider", "listen_address"):
        assert merged[key] == sample[key], key
    assert not [l for l in results[0].splitlines() if "${secret:" in l and not l.lstrip().startswith("#")]
    assert os.stat(conf / "cassandra.yaml").st_mode & 0o777 == 0o600
    assert (conf / "tls" / "keystore.p12").read_bytes() == (secrets / "cassandra_keystore").read_bytes()
    if shutil.which("keytool"):
        k = run("keytool", "-list", "-storetype", "PKCS12", "-keystore", str(conf / "tls" / "truststore.p12"),
                "-storepass:file", str(secrets / "cassandra_keystore_password"))
        assert k.returncode == 0 and "trustedCertEntry" in k.stdout, k.stdout + k.stderr


def is_loopback(address):
    host = address.rsplit(":", 1)[0].strip("[]")
    return host in ("localhost", "::1") or host.startswith("127.")


def test_kappa_configs_reach_the_clusters_over_tls_with_secret_passwords():
    """Every deploy config: a Kafka log over SASL_SSL, every Cassandra sink over TLS with a
    login, every password a ${secret:NAME} of a secret the compose file mounts, no listener
    off loopback without TLS, and no `insecure`."""
    doc = compose(CLUSTER_FILE)
    kappa_secrets = set()
    for name, svc in services_of(doc, "kappa").items():
        kappa_secrets |= set(secret_targets(svc).values())
        assert svc["entrypoint"] == ["/bin/bash", "/usr/local/lib/kappa/entrypoint.sh"]
    external = 0
    for f in CONFIGS:
        cfg = yaml.safe_load(open(f))
        passwords = []
        log = cfg.get("log", {})
        if log.get("type") == "kafka":
            external += 1
            props = log["properties"]
            assert props["security.protocol"] == "SASL_SSL", f
            assert props["sasl.mechanisms"] == "SCRAM-SHA-512", f
            assert props["ssl.ca.location"] == "/run/secrets/kappa_ca", f
            assert props.get("ssl.endpoint.identification.algorithm", "https") == "https", f
            passwords.append(props["sasl.password"])
        for job in cfg.get("jobs", []):
            sink = job.get("sink", {})
            if sink.get("type") == "cassandra":
                assert sink["tls"]["ca"] == "/run/secrets/kappa_ca", f
                assert sink["username"], f
                passwords.append(sink["password"])
        for pw in passwords:
            m = PLACEHOLDER.match(pw)
            assert m, (f, "a password in the config file instead of a Docker secret")
            assert m.group(1) in kappa_secrets, (f, m.group(1))
        assert not cfg.get("security", {}).get("insecure"), f
        assert not cfg.get("auth", {}).get("insecure_kafka"), f
        assert "cql_users" not in cfg.get("auth", {}), f  # passwords in clear
        for listener, value in cfg.get("listeners", {}).items():
            if listener not in ("kafka", "cql", "http", "console") or value == "off":
                continue
            for address in str(value).split(","):
                address = address.strip()
                secure = address.startswith(("https://", "tls://", "SASL_SSL://", "SSL://"))
                plain = address.split("://", 1)[-1]
                assert secure or is_loopback(plain), (f, listener, address)
                if listener == "kafka" and address.startswith("SSL://"):
                    pytest.fail(f"{f}: SSL:// Kafka listener without SASL")
    assert external >= 2  # cluster.yaml and cluster-worker.yaml


def test_compose_files_hold_no_secrets():
    """Passwords and keys are Docker secrets: files of deploy/compose/secrets, none in an
    environment variable or a command line of the compose files."""
    for f in COMPOSE_FILES:
        doc = compose(f)
        for name, spec in doc.get("secrets", {}).items():
            assert os.path.dirname(spec["file"]) == os.path.join(DEPLOY, "compose", "secrets"), spec
        for name, svc in doc["services"].items():
            for k, v in (svc.get("environment") or {}).items():
                assert not re.search(r"PASSWORD|SECRET|CREDENTIAL", k), (f, name, k)
                assert "password=" not in str(v).lower(), (f, name, k)
            for arg in (svc.get("command") or []) + (svc.get("entrypoint") or []):
                assert "password" not in str(arg).lower(), (f, name, arg)
    ignored = open(os.path.join(ROOT, ".dockerignore")).read().split()
    assert "deploy/compose/secrets" in ignored  # never sent into an image build
    kept = run("git", "-C", ROOT, "check-ignore", "deploy/compose/secrets/ca.key")
    assert kept.returncode == 0, "deploy/compose/secrets/ must be ignored by git"


def test_kappa_entrypoint_fills_secrets_adds_the_user_and_runs_up(tmp_path, secrets_dir):
    """deploy/compose/kappa/entrypoint.sh with each worker's command of the compose file (and
    --check, a local data directory): the config passes `kappa up --check` once its secrets
    are filled in, the copy differs from the file only in them, the HTTP user exists; a missing
    or unsafe secret stops it with the secret's name."""
    doc = compose(CLUSTER_FILE)
    render = tmp_path / "render"
    render.mkdir()
    env = dict(os.environ, KAPPA=KAPPA, KAPPA_SECRETS_DIR=str(secrets_dir), KAPPA_RENDER_DIR=str(render))
    for name, svc in services_of(doc, "kappa").items():
        cmd = list(svc["command"])
        config_in_container = cmd[cmd.index("--config") + 1]
        source = {v.split(":")[1]: v.split(":")[0] for v in svc["volumes"]}[config_in_container]
        cmd[cmd.index("--config") + 1] = source
        data = tmp_path / name
        p = subprocess.run(["bash", KAPPA_ENTRYPOINT, *cmd, "--check", "--data-dir", str(data)],
                           env=env, capture_output=True, text=True, timeout=120)
        assert p.returncode == 0 and "OK" in p.stdout, p.stdout + p.stderr
        rendered = render / os.path.basename(source)
        assert os.stat(rendered).st_mode & 0o777 == 0o600
        original, filled = open(source).read().splitlines(), rendered.read_text().splitlines()
        assert len(original) == len(filled)
        changed = [(a, b) for a, b in zip(original, filled) if a != b]
        assert len(changed) == 2, changed  # the Kafka and the Cassandra password
        for a, b in changed:
            secret = re.search(r"\$\{secret:([a-z_]+)\}", a).group(1)
            assert b == a.replace("${secret:%s}" % secret, (secrets_dir / secret).read_text().strip())
        assert kappa("users", "list", "--data-dir", data).stdout.split() == ["admin"]
    source = os.path.join(DEPLOY, "config", "cluster-worker.yaml")
    bad = tmp_path / "bad-secrets"
    shutil.copytree(secrets_dir, bad)
    (bad / "cassandra_kappa_password").write_text("it's\"bad\n")
    env["KAPPA_SECRETS_DIR"] = str(bad)
    p = subprocess.run(["bash", KAPPA_ENTRYPOINT, "up", "--config", source, "--check",
                        "--data-dir", str(tmp_path / "bad")], env=env, capture_output=True, text=True)
    assert p.returncode == 1 and "cassandra_kappa_password" in p.stderr, p.stderr
    (bad / "cassandra_kappa_password").unlink()
    p = subprocess.run(["bash", KAPPA_ENTRYPOINT, "up", "--config", source, "--check",
                        "--data-dir", str(tmp_path / "bad")], env=env, capture_output=True, text=True)
    assert p.returncode == 1 and "gen-certs.sh" in p.stderr, p.stderr


def test_deploy_scripts_are_valid_bash():
    for script in (GEN_CERTS, KAFKA_START, CASSANDRA_ENTRYPOINT, KAPPA_ENTRYPOINT,
                   os.path.join(DEPLOY, "compose", "cassandra", "setup.sh")):
        p = run("bash", "-n", script)
        assert p.returncode == 0, (script, p.stderr)
        assert os.access(script, os.X_OK), script
