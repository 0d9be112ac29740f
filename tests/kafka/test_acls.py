"""Kafka ACLs (issue 24) on `kappa broker --acls`: the ACL APIs as kafka-python's
KafkaAdminClient calls them (CreateAcls, DescribeAcls, DeleteAcls; confluent-kafka 1.7 has no
ACL admin API), denied produce/consume/group access as confluent-kafka and kafka-python report
it, Metadata listing only what a user may describe, and the ACL file surviving a restart.
Users log in with SASL (fix/sec-kafka), so each client has its own principal."""
import os
import time

import pytest

from test_sasl import SaslBroker, users

PASSWORDS = {"admin": "admin-Secret-0", "alice": "alice-Secret-1", "bob": "bob-Secret-2"}


def start(tmp_path):
    return SaslBroker(tmp_path, extra=["--acls", "--super-user", "admin"]).start()


@pytest.fixture
def ab(tmp_path):
    data = str(tmp_path / "data")
    for name, pw in PASSWORDS.items():
        users("add", name, "--data-dir", data, "--password-stdin", input=pw + "\n")
    b = start(tmp_path)
    yield b
    b.stop()


def kp_common(b, user):
    return dict(bootstrap_servers=b.sasl, security_protocol="SASL_PLAINTEXT",
                sasl_mechanism="PLAIN", sasl_plain_username=user,
                sasl_plain_password=PASSWORDS[user])


def admin(b, user="admin"):
    from kafka.admin import KafkaAdminClient
    return KafkaAdminClient(**kp_common(b, user), request_timeout_ms=15000)


def acl(principal, op, perm, rtype, name, pattern=None):
    from kafka.admin import ACL, ACLResourcePatternType, ResourcePattern
    return ACL(principal=principal, host="*", operation=op, permission_type=perm,
               resource_pattern=ResourcePattern(rtype, name,
                                                pattern or ACLResourcePatternType.LITERAL))


def grant_alice_and_bob(a):
    """alice: WRITE+READ on orders*, READ on group app; bob: READ on group app only."""
    from kafka.admin import ACLOperation as Op, ACLPermissionType as P, ResourceType as RT
    from kafka.admin import ACLResourcePatternType as PT
    res = a.create_acls([
        acl("User:alice", Op.WRITE, P.ALLOW, RT.TOPIC, "orders", PT.PREFIXED),
        acl("User:alice", Op.READ, P.ALLOW, RT.TOPIC, "orders", PT.PREFIXED),
        acl("User:alice", Op.READ, P.ALLOW, RT.GROUP, "app"),
        acl("User:bob", Op.READ, P.ALLOW, RT.GROUP, "app"),
        acl("User:bob", Op.WRITE, P.DENY, RT.TOPIC, "*"),
    ])
    assert not res["failed"], res["failed"]
    assert len(res["succeeded"]) == 5


def create_topics(a, *names):
    """Topics made by the super user: alice may write and read orders*, not create topics
    (auto-creation needs CREATE, as in Kafka)."""
    from kafka.admin import NewTopic
    a.create_topics([NewTopic(n, 1, 1) for n in names])


def produce_all(p, topic, values):
    """Produces and returns the delivery errors (flush() alone counts failed records as
    done)."""
    errors = []
    for v in values:
        p.produce(topic, v, on_delivery=lambda e, m: e and errors.append(e))
    assert p.flush(30) == 0
    return errors


def confluent_conf(b, user):
    return {"bootstrap.servers": b.sasl, "security.protocol": "SASL_PLAINTEXT",
            "sasl.mechanisms": "SCRAM-SHA-512", "sasl.username": user,
            "sasl.password": PASSWORDS[user]}


def test_acl_apis_with_kafka_python_admin(ab):
    from kafka.admin import ACLFilter, ACLOperation as Op, ACLPermissionType as P
    from kafka.admin import ACLResourcePatternType as PT, ResourcePatternFilter, ResourceType as RT
    from kafka.errors import ClusterAuthorizationFailedError
    a = admin(ab)
    grant_alice_and_bob(a)
    everything = ACLFilter(principal=None, host=None, operation=Op.ANY, permission_type=P.ANY,
                           resource_pattern=ResourcePatternFilter(RT.ANY, None, PT.ANY))
    acls, err = a.describe_acls(everything)
    assert err.errno == 0
    got = sorted((x.principal, x.operation.name, x.permission_type.name,
                  x.resource_pattern.resource_type.name, x.resource_pattern.resource_name,
                  x.resource_pattern.pattern_type.name) for x in acls)
    assert got == sorted([
        ("User:alice", "WRITE", "ALLOW", "TOPIC", "orders", "PREFIXED"),
        ("User:alice", "READ", "ALLOW", "TOPIC", "orders", "PREFIXED"),
        ("User:alice", "READ", "ALLOW", "GROUP", "app", "LITERAL"),
        ("User:bob", "READ", "ALLOW", "GROUP", "app", "LITERAL"),
        ("User:bob", "WRITE", "DENY", "TOPIC", "*", "LITERAL"),
    ])
    # MATCH: what applies to the topic orders-eu (the prefix and the wildcard).
    match = ACLFilter(principal=None, host=None, operation=Op.ANY, permission_type=P.ANY,
                      resource_pattern=ResourcePatternFilter(RT.TOPIC, "orders-eu", PT.MATCH))
    acls, _ = a.describe_acls(match)
    assert sorted(x.resource_pattern.resource_name for x in acls) == ["*", "orders", "orders"]
    # A user without ALTER on the cluster may not change ACLs, nor list them without DESCRIBE.
    alice = admin(ab, "alice")
    res = alice.create_acls([acl("User:alice", Op.ALL, P.ALLOW, RT.TOPIC, "*")])
    assert not res["succeeded"]
    assert res["failed"][0][1] is ClusterAuthorizationFailedError  # kafka-python gives the class
    with pytest.raises(ClusterAuthorizationFailedError):
        alice.describe_acls(everything)
    alice.close()
    # DeleteAcls returns what it removed; bob's bindings go, alice's stay.
    bobs = ACLFilter(principal="User:bob", host=None, operation=Op.ANY, permission_type=P.ANY,
                     resource_pattern=ResourcePatternFilter(RT.ANY, None, PT.ANY))
    (flt, removed, err), = a.delete_acls([bobs])
    assert err.errno == 0
    assert sorted(x[0].operation.name for x in removed) == ["READ", "WRITE"]
    acls, _ = a.describe_acls(everything)
    assert {x.principal for x in acls} == {"User:alice"}
    a.close()
    stored = os.path.join(ab.data_dir, "security", "acls")
    assert os.stat(stored).st_mode & 0o777 == 0o600


def test_denied_produce_and_consume_give_the_clients_errors(ab):
    from confluent_kafka import Consumer, KafkaError, Producer
    a = admin(ab)
    grant_alice_and_bob(a)
    create_topics(a, "orders-1")
    a.close()
    # alice may write orders-1; bob is denied WRITE everywhere.
    p = Producer(confluent_conf(ab, "alice"))
    assert produce_all(p, "orders-1", [f"o{i}".encode() for i in range(20)]) == []
    errors = []
    bp = Producer({**confluent_conf(ab, "bob"), "message.timeout.ms": 10000})
    bp.produce("orders-1", b"nope", on_delivery=lambda e, m: errors.append(e))
    bp.flush(30)
    assert [e.code() for e in errors] == [KafkaError.TOPIC_AUTHORIZATION_FAILED], errors
    # alice produces to a topic outside her prefix: denied too (and not auto-created).
    errors.clear()
    p.produce("payments", b"x", on_delivery=lambda e, m: errors.append(e))
    p.flush(30)
    assert [e.code() for e in errors] == [KafkaError.TOPIC_AUTHORIZATION_FAILED], errors

    # Metadata lists only what a user may describe: alice sees orders-1, bob nothing.
    from confluent_kafka.admin import AdminClient
    assert "orders-1" in AdminClient(confluent_conf(ab, "alice")).list_topics(timeout=10).topics
    assert AdminClient(confluent_conf(ab, "bob")).list_topics(timeout=10).topics == {}

    # bob may join group app but not READ orders-1: the consumer reports the topic error.
    c = Consumer({**confluent_conf(ab, "bob"), "group.id": "app",
                  "auto.offset.reset": "earliest"})
    c.subscribe(["orders-1"])
    codes = set()
    deadline = time.time() + 30
    while KafkaError.TOPIC_AUTHORIZATION_FAILED not in codes and time.time() < deadline:
        m = c.poll(0.5)
        if m is not None and m.error():
            codes.add(m.error().code())
    c.close()
    assert KafkaError.TOPIC_AUTHORIZATION_FAILED in codes, codes
    # A group nobody granted: GROUP_AUTHORIZATION_FAILED.
    c = Consumer({**confluent_conf(ab, "alice"), "group.id": "other",
                  "auto.offset.reset": "earliest"})
    c.subscribe(["orders-1"])
    codes = set()
    deadline = time.time() + 30
    while KafkaError.GROUP_AUTHORIZATION_FAILED not in codes and time.time() < deadline:
        m = c.poll(0.5)
        if m is not None and m.error():
            codes.add(m.error().code())
    c.close()
    assert KafkaError.GROUP_AUTHORIZATION_FAILED in codes, codes
    # alice consumes in group app: everything she wrote.
    c = Consumer({**confluent_conf(ab, "alice"), "group.id": "app",
                  "auto.offset.reset": "earliest"})
    c.subscribe(["orders-1"])
    got = []
    deadline = time.time() + 60
    while len(got) < 20 and time.time() < deadline:
        m = c.poll(0.5)
        if m is not None and not m.error():
            got.append(m.value().decode())
    c.close()
    assert got == [f"o{i}" for i in range(20)]


def test_acls_survive_restart_and_cli_changes_are_seen(ab, tmp_path):
    from confluent_kafka import KafkaError, KafkaException, Producer
    a = admin(ab)
    grant_alice_and_bob(a)
    create_topics(a, "orders-after")
    a.close()
    ab.stop()
    b = start(tmp_path)
    try:
        p = Producer(confluent_conf(b, "alice"))
        assert produce_all(p, "orders-after", [b"kept"]) == []
        # The ACL file changed by someone else (a second broker process's admin would do the
        # same): a rewrite is picked up within a second, without a restart.
        path = os.path.join(b.data_dir, "security", "acls")
        text = open(path).read().replace('"resource_name": "orders"', '"resource_name": "invoices"')
        tmp = path + ".edit"
        with open(tmp, "w") as f:
            f.write(text)
        os.chmod(tmp, 0o600)
        os.rename(tmp, path)
        time.sleep(1.2)
        errors = []
        try:  # librdkafka reports it at once when its metadata already says so
            p.produce("orders-after", b"now denied", on_delivery=lambda e, m: errors.append(e))
            p.flush(30)
        except KafkaException as e:
            errors.append(e.args[0])
        assert [e.code() for e in errors] == [KafkaError.TOPIC_AUTHORIZATION_FAILED], errors
    finally:
        b.stop()
