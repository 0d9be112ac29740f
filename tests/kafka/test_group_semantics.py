"""Consumer-group semantics librdkafka relies on: static membership fencing, Kafka's
offset-commit validation, group.initial.rebalance.delay.ms and on-time session expiry."""
import time

from confluent_kafka import Consumer, KafkaError, Producer
from confluent_kafka.admin import AdminClient, NewTopic

from kwire import Conn, Dec, Enc


def create_topic(bootstrap, name, partitions):
    admin = AdminClient({"bootstrap.servers": bootstrap})
    admin.create_topics([NewTopic(name, num_partitions=partitions,
                                  replication_factor=1)])[name].result(timeout=30)
    return admin


def group_members(admin, group):
    groups = admin.list_groups(group, timeout=10)
    assert len(groups) == 1
    return groups[0].state, sorted(m.id for m in groups[0].members)


def test_second_static_instance_fences_the_first(broker):
    admin = create_topic(broker.bootstrap, "st", 2)
    errors = {"a": [], "b": []}

    def consumer(name):
        return Consumer({"bootstrap.servers": broker.bootstrap, "group.id": "static",
                         "group.instance.id": "instance-1", "session.timeout.ms": 6000,
                         "heartbeat.interval.ms": 300, "auto.offset.reset": "earliest",
                         "error_cb": lambda e: errors[name].append(e)})

    def poll(c, name, t):
        m = c.poll(t)
        if m is not None and m.error():
            errors[name].append(m.error())

    a = consumer("a")
    a.subscribe(["st"])
    deadline = time.time() + 30
    while not a.assignment() and time.time() < deadline:
        poll(a, "a", 0.2)
    assert len(a.assignment()) == 2
    b = consumer("b")  # a second process with the same group.instance.id
    b.subscribe(["st"])
    deadline = time.time() + 30
    while not b.assignment() and time.time() < deadline:
        poll(a, "a", 0.1)
        poll(b, "b", 0.1)
    assert len(b.assignment()) == 2, "the new instance did not take over the assignment"
    # The old instance's next heartbeat is FENCED_INSTANCE_ID: fatal, it stops. Before the
    # fix it got UNKNOWN_MEMBER_ID, rejoined, and the two stole the id from each other.
    deadline = time.time() + 15
    def fatal_errors(name):
        return [e for e in errors[name] if e.fatal() or e.code() == KafkaError._FATAL]

    while not fatal_errors("a") and time.time() < deadline:
        poll(a, "a", 0.1)
        poll(b, "b", 0.1)
    fatal = fatal_errors("a")
    assert fatal, f"the old instance was never fenced: {errors['a']}"
    assert "fenced" in fatal[0].str().lower()
    state, members = group_members(admin, "static")
    # The group ends stable with the new instance, and stays so (no stealing back).
    for _ in range(10):
        poll(b, "b", 0.2)
    assert group_members(admin, "static") == (state, members)
    assert state == "Stable" and len(members) == 1
    assert not [e for e in errors["b"] if e.code() != KafkaError._TRANSPORT]
    assert len(b.assignment()) == 2
    b.close()
    a.close()


def commit_v2(conn, group, generation, member, topic):
    """OffsetCommit v2 of offset 1 for topic partition 0; returns the partition error code."""
    body = (Enc().string(group).i32(generation).string(member).i64(-1)
            .array([topic], lambda e, t: e.string(t).array([0], lambda e, p: e.i32(p).i64(1).string("")))
            .done())
    d = Dec(conn.call(8, 2, body))
    topics = d.array(lambda d: (d.string(), d.array(lambda d: (d.i32(), d.i16()))))
    d.end()
    return topics[0][1][0][1]


def test_commit_from_outside_an_active_group_is_unknown_member(broker):
    create_topic(broker.bootstrap, "oc", 1)
    conn = Conn(broker.bootstrap)
    # No such group: a simple (standalone) commit is accepted, a generation is stale.
    assert commit_v2(conn, "simple", -1, "", "oc") == 0
    assert commit_v2(conn, "simple", 5, "m", "oc") == 22  # ILLEGAL_GENERATION
    c = Consumer({"bootstrap.servers": broker.bootstrap, "group.id": "active",
                  "auto.offset.reset": "earliest"})
    c.subscribe(["oc"])
    deadline = time.time() + 30
    while not c.assignment() and time.time() < deadline:
        c.poll(0.2)
    assert c.assignment()
    # The group has a member: a commit with generation -1 and no member id is refused with
    # UNKNOWN_MEMBER_ID (25), as Kafka does, not ILLEGAL_GENERATION.
    assert commit_v2(conn, "active", -1, "", "oc") == 25
    c.close()  # leaves: the group is Empty, standalone commits are fine again
    assert commit_v2(conn, "active", -1, "", "oc") == 0


def test_initial_rebalance_delay_gathers_the_first_members(broker_factory):
    b = broker_factory(extra=["--group-initial-rebalance-delay-ms", "2000"]).start()
    create_topic(b.bootstrap, "delay", 4)
    events = {"a": [], "b": []}

    def consumer(name):
        c = Consumer({"bootstrap.servers": b.bootstrap, "group.id": "gathered",
                      "auto.offset.reset": "earliest"})
        c.subscribe(["delay"], on_assign=lambda c, ps: events[name].append(("assign", len(ps))),
                    on_revoke=lambda c, ps: events[name].append(("revoke", len(ps))))
        return c

    start = time.time()
    ca = consumer("a")
    ca.poll(0.3)
    cb = consumer("b")  # arrives during the delay: same first generation
    while (not events["a"] or not events["b"]) and time.time() < start + 30:
        ca.poll(0.1)
        cb.poll(0.1)
    waited = time.time() - start
    assert waited >= 1.9, f"the first rebalance did not wait the initial delay ({waited:.2f}s)"
    # One rebalance for both: each got its share once, nobody had everything revoked.
    assert events["a"] == [("assign", 2)], events
    assert events["b"] == [("assign", 2)], events
    ca.close()
    cb.close()


def test_session_expires_on_time_so_delete_groups_succeeds(broker):
    conn = Conn(broker.bootstrap)
    proto = [("range", b"")]
    join = (Enc().string("expiring").i32(1000).string("").string("consumer")
            .array(proto, lambda e, p: e.string(p[0]).bytes_(p[1])).done())
    d = Dec(conn.call(11, 0, join))  # JoinGroup v0, session timeout 1 s
    assert d.i16() == 0
    gen, _, leader, member = d.i32(), d.string(), d.string(), d.string()
    sync = (Enc().string("expiring").i32(gen).string(member)
            .array([member], lambda e, m: e.string(m).bytes_(b"")).done())
    d = Dec(conn.call(14, 0, sync))
    assert d.i16() == 0
    synced = time.monotonic()  # the session's last activity (the broker saw it just before)

    def delete_groups():
        d = Dec(conn.call(42, 0, Enc().array(["expiring"], lambda e, g: e.string(g)).done()))
        d.i32()
        return d.array(lambda d: (d.string(), d.i16()))[0][1]

    time.sleep(max(0, synced + 0.8 - time.monotonic()))
    assert delete_groups() == 68  # NON_EMPTY_GROUP: the member is still in its session
    # The session ends 1 s after the SyncGroup; the group is empty right after that (it was
    # up to ~200 ms late when sessions were checked on a fixed 100 ms tick).
    time.sleep(max(0, synced + 1.06 - time.monotonic()))
    assert delete_groups() == 0
