"""Every version of the group, config and admin APIs, hand-encoded from Kafka's JSON message
schemas (apache/kafka clients/src/main/resources/common/message), flexible versions
included: the shapes no installed client sends (KafkaJS picks any version up to the
advertised maximum). Each response must decode completely, with no byte left over, and
answer what Kafka answers."""
from confluent_kafka import Producer

from kwire import Conn, Dec, Enc

# key: (name, min, max, first flexible version)
RANGES = {
    8: ("OffsetCommit", 0, 8, 8), 9: ("OffsetFetch", 0, 8, 6), 10: ("FindCoordinator", 0, 4, 3),
    11: ("JoinGroup", 0, 9, 6), 12: ("Heartbeat", 0, 4, 4), 13: ("LeaveGroup", 0, 5, 4),
    14: ("SyncGroup", 0, 5, 4), 15: ("DescribeGroups", 0, 5, 5), 16: ("ListGroups", 0, 4, 3),
    21: ("DeleteRecords", 0, 2, 2), 32: ("DescribeConfigs", 0, 4, 4),
    33: ("AlterConfigs", 0, 2, 2), 35: ("DescribeLogDirs", 0, 4, 2),
    42: ("DeleteGroups", 0, 2, 2), 44: ("IncrementalAlterConfigs", 0, 1, 1),
    47: ("OffsetDelete", 0, 0, 99), 60: ("DescribeCluster", 0, 1, 0),
}


class Api:
    def __init__(self, conn, key):
        self.conn, self.key = conn, key
        self.flex_from = RANGES[key][3]

    def call(self, v, build, parse):
        flex = v >= self.flex_from
        e = Enc(flex)
        build(e)
        d = Dec(self.conn.call(self.key, v, e.done(), flexible=flex), flex)
        out = parse(d)
        d.end()
        return out


def join_v0(conn, group, session_ms=30000):
    e = (Enc().string(group).i32(session_ms).string("").string("consumer")
         .array([("range", b"\x00\x00\x00\x00\x00\x01\x00\x02sw\xff\xff\xff\xff")],
                lambda e, p: e.string(p[0]).bytes_(p[1])))
    d = Dec(conn.call(11, 0, e.done()))
    err, gen, proto, leader, member = d.i16(), d.i32(), d.string(), d.string(), d.string()
    d.array(lambda d: (d.string(), d.bytes_()))
    assert err == 0
    return gen, member


def sync_v0(conn, group, gen, member):
    e = Enc().string(group).i32(gen).string(member).array(
        [member], lambda e, m: e.string(m).bytes_(b"assigned"))
    d = Dec(conn.call(14, 0, e.done()))
    assert d.i16() == 0


def test_advertised_ranges(broker):
    adv = Conn(broker.bootstrap).api_versions()
    for key, (name, lo, hi, _) in RANGES.items():
        assert adv.get(key) == (lo, hi), f"{name} ({key}) advertises {adv.get(key)}"


def test_every_version_of_the_group_apis(broker):
    p = Producer({"bootstrap.servers": broker.bootstrap})
    for i in range(4):
        p.produce("sw", value=b"x", partition=0)
    p.flush(10)
    conn = Conn(broker.bootstrap)
    gen, member = join_v0(conn, "sweep")
    sync_v0(conn, "sweep", gen, member)

    # Heartbeat 0..4
    hb = Api(conn, 12)
    for v in range(5):
        def build(e, v=v):
            e.string("sweep").i32(gen).string(member)
            if v >= 3:
                e.string(None)
            e.tags()

        def parse(d, v=v):
            if v >= 1:
                d.i32()
            err = d.i16()
            d.tags()
            return err
        assert hb.call(v, build, parse) == 0, f"Heartbeat v{v}"

    # SyncGroup 0..5 (Stable: the current assignment again)
    sg = Api(conn, 14)
    for v in range(6):
        def build(e, v=v):
            e.string("sweep").i32(gen).string(member)
            if v >= 3:
                e.string(None)
            if v >= 5:
                e.string("consumer").string("range")
            e.array([], None).tags()

        def parse(d, v=v):
            if v >= 1:
                d.i32()
            err = d.i16()
            if v >= 5:
                assert (d.string(), d.string()) == ("consumer", "range")
            a = d.bytes_()
            d.tags()
            return err, a
        assert sg.call(v, build, parse) == (0, b"assigned"), f"SyncGroup v{v}"

    # OffsetCommit 0..8 (v0 has no generation: a group-less commit to an active group is
    # UNKNOWN_MEMBER_ID, as Kafka answers)
    oc = Api(conn, 8)
    for v in range(9):
        def build(e, v=v):
            e.string("sweep")
            if v >= 1:
                e.i32(gen).string(member)
            if v >= 7:
                e.string(None)
            if 2 <= v <= 4:
                e.i64(-1)

            def part(e, p):
                e.i32(0).i64(10 + v)
                if v >= 6:
                    e.i32(-1)
                if v == 1:
                    e.i64(-1)
                e.string("m").tags()
            e.array(["sw"], lambda e, t: e.string(t).array([0], part).tags()).tags()

        def parse(d, v=v):
            if v >= 3:
                d.i32()
            topics = d.array(lambda d: (d.string(), d.array(
                lambda d: (d.i32(), d.i16(), d.tags())[:2]), d.tags())[:2])
            d.tags()
            return topics[0][1][0][1]
        assert oc.call(v, build, parse) == (25 if v == 0 else 0), f"OffsetCommit v{v}"

    # OffsetFetch 0..8: the last commit (offset 18, by v8); v2+ null topics = all; v8 batches
    of = Api(conn, 9)
    for v in range(9):
        def topics_enc(e, null):
            if null:
                e.array(None, None)
            else:
                e.array(["sw"], lambda e, t: e.string(t).array([0], lambda e, p: e.i32(p)).tags())

        def build(e, v=v):
            null = v >= 2
            if v <= 7:
                e.string("sweep")
                topics_enc(e, null)
            else:
                e.array(["sweep", "nobody"], lambda e, g: (e.string(g), topics_enc(e, False), e.tags()))
            if v >= 7:
                e.boolean(False)
            e.tags()

        def parts(d, v=v):
            idx, off = d.i32(), d.i64()
            if v >= 5:
                d.i32()
            md, err = d.string(), d.i16()
            d.tags()
            return idx, off, md, err

        def topics_dec(d):
            return d.array(lambda d: (d.string(), d.array(parts), d.tags())[:2])

        def parse(d, v=v):
            if v >= 3:
                d.i32()
            if v <= 7:
                t = topics_dec(d)
                if v >= 2:
                    assert d.i16() == 0
                d.tags()
                return t
            groups = d.array(lambda d: (d.string(), topics_dec(d), d.i16(), d.tags())[:3])
            d.tags()
            assert groups[1] == ("nobody", [("sw", [(0, -1, "", 0)])], 0)  # Kafka: no metadata = ""
            return groups[0][1]
        assert of.call(v, build, parse) == [("sw", [(0, 18, "m", 0)])], f"OffsetFetch v{v}"

    # FindCoordinator 0..4
    fc = Api(conn, 10)
    for v in range(5):
        def build(e, v=v):
            if v <= 3:
                e.string("sweep")
            if v >= 1:
                e.i8(0)
            if v >= 4:
                e.array(["sweep", "other"], lambda e, k: e.string(k))
            e.tags()

        def parse(d, v=v):
            if v >= 1:
                d.i32()
            if v <= 3:
                err = d.i16()
                if v >= 1:
                    d.string()
                node, host, port = d.i32(), d.string(), d.i32()
                d.tags()
                return [(err, port)]
            cs = d.array(lambda d: (d.string(), d.i32(), d.string(), d.i32(), d.i16(),
                                    d.string(), d.tags()))
            d.tags()
            return [(c[4], c[3]) for c in cs]
        assert all(e == 0 and p == broker.port for e, p in fc.call(v, build, parse)), f"FC v{v}"

    # DescribeGroups 0..5
    dg = Api(conn, 15)
    for v in range(6):
        def build(e, v=v):
            e.array(["sweep"], lambda e, g: e.string(g))
            if v >= 3:
                e.boolean(True)
            e.tags()

        def member_dec(d, v=v):
            mid = d.string()
            if v >= 4:
                d.string()
            d.string(), d.string(), d.bytes_()
            a = d.bytes_()
            d.tags()
            return mid, a

        def group(d, v=v):
            err, gid, state, ptype, pdata = d.i16(), d.string(), d.string(), d.string(), d.string()
            members = d.array(member_dec)
            if v >= 3:
                d.i32()
            d.tags()
            return err, gid, state, ptype, pdata, members

        def parse(d, v=v):
            if v >= 1:
                d.i32()
            g = d.array(group)
            d.tags()
            return g
        assert dg.call(v, build, parse) == [
            (0, "sweep", "Stable", "consumer", "range", [(member, b"assigned")])], f"DG v{v}"

    # ListGroups 0..4 (v4: states filter, case-insensitive)
    lg = Api(conn, 16)
    for v in range(5):
        for states, expect in ([[], True], [["STABLE"], True], [["Empty"], False]):
            if states and v < 4:
                continue

            def build(e, v=v, states=states):
                if v >= 4:
                    e.array(states, lambda e, s: e.string(s))
                e.tags()

            def parse(d, v=v):
                if v >= 1:
                    d.i32()
                assert d.i16() == 0
                gs = d.array(lambda d: (d.string(), d.string(), d.string() if v >= 4 else None,
                                        d.tags())[:3])
                d.tags()
                return gs
            groups = lg.call(v, build, parse)
            found = [g for g in groups if g[0] == "sweep"]
            assert bool(found) == expect, f"ListGroups v{v} {states}: {groups}"
            if found and v >= 4:
                assert found[0][2] == "Stable"

    # JoinGroup 0..9 in fresh groups: v4+ first answers MEMBER_ID_REQUIRED with the new id
    jg = Api(conn, 11)
    for v in range(10):
        def build(e, v=v, mid=""):
            e.string(f"j{v}").i32(30000)
            if v >= 1:
                e.i32(30000)
            e.string(mid)
            if v >= 5:
                e.string(None)
            e.string("consumer").array([("range", b"md")], lambda e, p: (
                e.string(p[0]).bytes_(p[1]).tags()))
            if v >= 8:
                e.string("sweep test")
            e.tags()

        def parse(d, v=v):
            if v >= 2:
                d.i32()
            err, gen_ = d.i16(), d.i32()
            if v >= 7:
                d.string()
            proto, leader = d.string(), d.string()
            if v >= 9:
                d.boolean()
            mid = d.string()
            members = d.array(lambda d: (d.string(), d.string() if v >= 5 else None,
                                         d.bytes_(), d.tags())[0])
            d.tags()
            return err, gen_, proto, leader, mid, members
        err, gen_, proto, leader, mid, members = jg.call(v, build, parse)
        if v >= 4:
            assert err == 79 and mid, f"JoinGroup v{v}"
            err, gen_, proto, leader, mid2, members = jg.call(
                v, lambda e, v=v, mid=mid: build(e, v, mid), parse)
            assert mid2 == mid
        assert err == 0 and proto == "range" and leader == mid and members == [mid], f"JG v{v}"

    # LeaveGroup 0..5 in fresh groups; v3+ by batch, v5 with a reason
    lv = Api(conn, 13)
    for v in range(6):
        _, mid = join_v0(conn, f"l{v}")

        def build(e, v=v, mid=mid):
            e.string(f"l{v}")
            if v <= 2:
                e.string(mid)
            else:
                def m(e, x):
                    e.string(x).string(None)
                    if v >= 5:
                        e.string("bye")
                    e.tags()
                e.array([mid, "stranger"], m)
            e.tags()

        def parse(d, v=v):
            if v >= 1:
                d.i32()
            err = d.i16()
            members = d.array(lambda d: (d.string(), d.string(), d.i16(), d.tags())[2]) if v >= 3 else None
            d.tags()
            return err, members
        assert lv.call(v, build, parse) == (0, [0, 25] if v >= 3 else None), f"LeaveGroup v{v}"

    # DeleteGroups 0..2: the groups left above are empty
    dl = Api(conn, 42)
    for v in range(3):
        def build(e, v=v):
            e.array([f"l{v}", "never-existed"], lambda e, g: e.string(g)).tags()

        def parse(d):
            d.i32()
            r = d.array(lambda d: (d.string(), d.i16(), d.tags())[:2])
            d.tags()
            return r
        assert dl.call(v, build, parse) == [(f"l{v}", 0), ("never-existed", 69)], f"DG v{v}"


def describe_topic_configs(conn, v, topic):
    dc = Api(conn, 32)

    def build(e):
        e.array([(2, topic)], lambda e, r: e.i8(r[0]).string(r[1]).array(None, None).tags())
        if v >= 1:
            e.boolean(False)
        if v >= 3:
            e.boolean(False)
        e.tags()

    def entry(d):
        name, value, ro = d.string(), d.string(), d.boolean()
        source = d.boolean() if v == 0 else d.i8()
        d.boolean()
        if v >= 1:
            d.array(lambda d: (d.string(), d.string(), d.i8(), d.tags()))
        if v >= 3:
            d.i8(), d.string()
        d.tags()
        return name, (value, ro, source)

    def parse(d):
        d.i32()
        res = d.array(lambda d: (d.i16(), d.string(), d.i8(), d.string(),
                                 dict(d.array(entry)), d.tags())[:5])
        d.tags()
        return res[0]
    return dc.call(v, build, parse)


def test_every_version_of_the_config_and_admin_apis(broker):
    p = Producer({"bootstrap.servers": broker.bootstrap})
    for i in range(8):
        p.produce("cfg", value=b"x" * 100, partition=0)
    p.flush(10)
    conn = Conn(broker.bootstrap)

    for v in range(5):
        err, msg, _, name, configs = describe_topic_configs(conn, v, "cfg")
        assert err == 0 and name == "cfg"
        assert configs["delete.retention.ms"][0] == "86400000"
        assert configs["retention.ms"][1] is False  # changeable

    ac = Api(conn, 33)
    for v in range(3):
        def build(e, v=v, value=str(100000 + v)):
            e.array([(2, "cfg"), (2, "missing"), (4, "0")], lambda e, r: (
                e.i8(r[0]).string(r[1]).array(
                    [("retention.ms", value), ("delete.retention.ms", "5")],
                    lambda e, c: e.string(c[0]).string(c[1]).tags()).tags()))
            e.boolean(False).tags()

        def parse(d):
            d.i32()
            r = d.array(lambda d: (d.i16(), d.string(), d.i8(), d.string(), d.tags())[:4])
            d.tags()
            return [(x[0], x[3]) for x in r]
        assert ac.call(v, build, parse) == [(0, "cfg"), (3, "missing"), (42, "0")]
        configs = describe_topic_configs(conn, 1, "cfg")[4]
        assert configs["retention.ms"] == (str(100000 + v), False, 1)  # DYNAMIC_TOPIC_CONFIG
        assert configs["delete.retention.ms"] == ("5", False, 1)

    iac = Api(conn, 44)
    for v in range(2):
        def build(e, v=v):
            e.array([(2, "cfg")], lambda e, r: e.i8(r[0]).string(r[1]).array(
                [("min.compaction.lag.ms", 0, str(v + 1)), ("delete.retention.ms", 1, None)],
                lambda e, c: e.string(c[0]).i8(c[1]).string(c[2]).tags()).tags())
            e.boolean(False).tags()

        def bad(e, v=v):
            e.array([(2, "cfg")], lambda e, r: e.i8(r[0]).string(r[1]).array(
                [("retention.ms", 2, "5")], lambda e, c: e.string(c[0]).i8(c[1]).string(c[2]).tags()).tags())
            e.boolean(False).tags()

        def parse(d):
            d.i32()
            r = d.array(lambda d: (d.i16(), d.string(), d.i8(), d.string(), d.tags())[:2])
            d.tags()
            return r[0]
        assert iac.call(v, build, parse) == (0, None)
        err, msg = iac.call(v, bad, parse)
        assert err == 40 and "not a list" in msg
        configs = describe_topic_configs(conn, 1, "cfg")[4]
        assert configs["min.compaction.lag.ms"] == (str(v + 1), False, 1)
        assert configs["delete.retention.ms"] == ("86400000", False, 5)  # back to default
        assert configs["retention.ms"][0] == "100002"  # untouched by the incremental change

    dr = Api(conn, 21)
    for v in range(3):
        def build(e, v=v):
            e.array([("cfg", [(0, v + 1), (7, 0)])], lambda e, t: e.string(t[0]).array(
                t[1], lambda e, p: e.i32(p[0]).i64(p[1]).tags()).tags())
            e.i32(1000).tags()

        def parse(d):
            d.i32()
            r = d.array(lambda d: (d.string(), d.array(
                lambda d: (d.i32(), d.i64(), d.i16(), d.tags())[:3]), d.tags())[:2])
            d.tags()
            return r
        assert dr.call(v, build, parse) == [("cfg", [(0, v + 1, 0), (7, -1, 3)])], f"DR v{v}"

    dld = Api(conn, 35)
    for v in range(5):
        def build(e, v=v):
            e.array([("cfg", [0])], lambda e, t: e.string(t[0]).array(t[1], lambda e, p: e.i32(p)).tags())
            e.tags()

        def parse(d, v=v):
            d.i32()
            if v >= 3:
                assert d.i16() == 0

            def result(d):
                err, path = d.i16(), d.string()
                topics = d.array(lambda d: (d.string(), d.array(
                    lambda d: (d.i32(), d.i64(), d.i64(), d.boolean(), d.tags())[:2]), d.tags())[:2])
                if v >= 4:
                    assert d.i64() > 0 and d.i64() >= 0
                d.tags()
                return err, path, topics
            r = d.array(result)
            d.tags()
            return r
        (err, path, topics), = dld.call(v, build, parse)
        assert err == 0 and path.endswith("log") and topics[0][0] == "cfg"
        assert topics[0][1][0][1] > 0  # bytes on disk

    dcl = Api(conn, 60)
    for v in range(2):
        for endpoint in ([1, 2] if v >= 1 else [1]):
            def build(e, v=v, endpoint=endpoint):
                e.boolean(False)
                if v >= 1:
                    e.i8(endpoint)
                e.tags()

            def parse(d, v=v):
                d.i32()
                err, msg = d.i16(), d.string()
                if v >= 1:
                    d.i8()
                cluster, controller = d.string(), d.i32()
                brokers = d.array(lambda d: (d.i32(), d.string(), d.i32(), d.string(), d.tags())[:3])
                d.i32()
                d.tags()
                return err, cluster, brokers
            err, cluster, brokers = dcl.call(v, build, parse)
            if endpoint == 1:
                assert err == 0 and brokers == [(0, "127.0.0.1", broker.port)] and cluster
            else:
                assert err == 115 and brokers == []


def test_offset_delete(broker):
    conn = Conn(broker.bootstrap)
    p = Producer({"bootstrap.servers": broker.bootstrap})
    p.produce("od", value=b"x")
    p.flush(10)
    commit = Enc().string("odg").i32(-1).string("").i64(-1).array(
        ["od"], lambda e, t: e.string(t).array([0], lambda e, p: e.i32(p).i64(1).string(""))).done()
    conn.call(8, 2, commit)
    od = Api(conn, 47)

    def build(e, group="odg"):
        e.string(group).array([("od", [0])], lambda e, t: e.string(t[0]).array(
            t[1], lambda e, p: e.i32(p)))

    def parse(d):
        err = d.i16()
        d.i32()
        return err, d.array(lambda d: (d.string(), d.array(lambda d: (d.i32(), d.i16()))))
    assert od.call(0, build, parse) == (0, [("od", [(0, 0)])])
    assert od.call(0, lambda e: build(e, "no-such-group"), parse) == (69, [])
    # A consumer group subscribed to the topic keeps its offsets.
    gen, member = join_v0(conn, "sub")  # subscribes to "sw"
    conn.call(8, 2, Enc().string("sub").i32(gen).string(member).i64(-1).array(
        ["od"], lambda e, t: e.string(t).array([0], lambda e, p: e.i32(p).i64(1).string(""))).done())

    def build_sub(e):
        e.string("sub").array([("sw", [0]), ("od", [0])], lambda e, t: e.string(t[0]).array(
            t[1], lambda e, p: e.i32(p)))
    assert od.call(0, build_sub, parse) == (0, [("sw", [(0, 86)]), ("od", [(0, 0)])])
