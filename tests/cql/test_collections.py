"""In-place updates of non-frozen collections through the DataStax Python driver, literals and
bind markers: the values read back are the ones Cassandra gives for the same statements."""
import threading

import pytest
from cassandra import InvalidRequest
from cassandra.cluster import Cluster
from cassandra.concurrent import execute_concurrent_with_args
from cassandra.query import BatchStatement

from cql_server import CqlServer


@pytest.fixture
def session(tmp_path):
    server = CqlServer(str(tmp_path / "data"))
    cluster = Cluster(["127.0.0.1"], port=server.port)
    sess = cluster.connect()
    sess.execute("CREATE KEYSPACE ks WITH replication = "
                 "{'class': 'SimpleStrategy', 'replication_factor': '1'}")
    sess.set_keyspace("ks")
    sess.execute("CREATE TABLE c (k int PRIMARY KEY, l list<int>, s set<text>, "
                 "m map<text, int>, fl frozen<list<int>>)")
    yield sess
    cluster.shutdown()
    assert server.stop() == 0


def get(session, col, k=1):
    return getattr(session.execute(f"SELECT {col} FROM c WHERE k = {k}").one(), col)


def test_list_operations_with_literals(session):
    session.execute("INSERT INTO c (k, l) VALUES (1, [1, 2])")
    session.execute("UPDATE c SET l = l + [3, 2] WHERE k = 1")
    assert get(session, "l") == [1, 2, 3, 2]
    session.execute("UPDATE c SET l = [0] + l WHERE k = 1")
    assert get(session, "l") == [0, 1, 2, 3, 2]
    session.execute("UPDATE c SET l = l - [2] WHERE k = 1")  # every occurrence
    assert get(session, "l") == [0, 1, 3]
    session.execute("UPDATE c SET l[1] = 10 WHERE k = 1")
    assert get(session, "l") == [0, 10, 3]
    session.execute("DELETE l[0] FROM c WHERE k = 1")
    assert get(session, "l") == [10, 3]
    with pytest.raises(InvalidRequest, match="List index 5 out of bound, list has size 2"):
        session.execute("UPDATE c SET l[5] = 1 WHERE k = 1")
    session.execute("UPDATE c SET l = l - [10, 3] WHERE k = 1")
    assert get(session, "l") is None  # an emptied collection is null
    session.execute("UPDATE c SET l = l + [7] WHERE k = 2")  # no row yet
    assert get(session, "l", 2) == [7]


def test_set_and_map_operations_with_literals(session):
    session.execute("INSERT INTO c (k, s, m) VALUES (1, {'a'}, {'x': 1})")
    session.execute("UPDATE c SET s = s + {'c', 'b', 'a'} WHERE k = 1")
    assert get(session, "s") == {"a", "b", "c"}
    session.execute("UPDATE c SET s = s - {'a', 'zz'} WHERE k = 1")
    assert get(session, "s") == {"b", "c"}
    session.execute("DELETE s['b'] FROM c WHERE k = 1")
    assert get(session, "s") == {"c"}
    session.execute("UPDATE c SET m = m + {'y': 2, 'x': 3} WHERE k = 1")
    assert get(session, "m") == {"x": 3, "y": 2}
    session.execute("UPDATE c SET m['x'] = 5, m['z'] = 9 WHERE k = 1")
    assert get(session, "m") == {"x": 5, "y": 2, "z": 9}
    session.execute("DELETE m['y'] FROM c WHERE k = 1")
    assert get(session, "m") == {"x": 5, "z": 9}
    session.execute("UPDATE c SET m = m - {'x'} WHERE k = 1")
    assert get(session, "m") == {"z": 9}
    session.execute("UPDATE c SET m['z'] = null WHERE k = 1")
    assert get(session, "m") is None


def test_operations_with_bind_markers(session):
    session.execute("INSERT INTO c (k, l, s, m) VALUES (1, [1], {'a'}, {'x': 1})")
    append = session.prepare("UPDATE c SET l = l + ? WHERE k = ?")
    prepend = session.prepare("UPDATE c SET l = ? + l WHERE k = ?")
    set_index = session.prepare("UPDATE c SET l[?] = ? WHERE k = ?")
    del_index = session.prepare("DELETE l[?] FROM c WHERE k = ?")
    session.execute(append, ([2, 3], 1))
    session.execute(prepend, ([0], 1))
    session.execute(set_index, (1, 11, 1))
    session.execute(del_index, (3, 1))
    assert get(session, "l") == [0, 11, 2]
    assert [c.name for c in set_index.column_metadata] == ["idx(l)", "value(l)", "k"]
    add = session.prepare("UPDATE c SET s = s + ?, m = m + ? WHERE k = ?")
    remove = session.prepare("UPDATE c SET s = s - ?, m = m - ? WHERE k = ?")
    put = session.prepare("UPDATE c SET m[?] = ? WHERE k = ?")
    del_key = session.prepare("DELETE m[?], s[?] FROM c WHERE k = ?")
    session.execute(add, ({"b", "c"}, {"y": 2}, 1))
    session.execute(remove, ({"a"}, {"x"}, 1))
    session.execute(put, ("z", 26, 1))
    session.execute(del_key, ("y", "c", 1))
    assert get(session, "s") == {"b"} and get(session, "m") == {"z": 26}
    assert [c.name for c in put.column_metadata] == ["key(m)", "value(m)", "k"]
    # An unset or null operand changes nothing.
    session.execute(append, (None, 1))
    assert get(session, "l") == [0, 11, 2]


def test_frozen_and_invalid_forms_are_refused(session):
    with pytest.raises(InvalidRequest, match="for frozen collection column fl"):
        session.execute("UPDATE c SET fl = fl + [1] WHERE k = 1")
    with pytest.raises(InvalidRequest, match="for frozen collection column fl"):
        session.execute("DELETE fl[0] FROM c WHERE k = 1")
    with pytest.raises(InvalidRequest, match="non list column s"):
        session.execute("UPDATE c SET s = {'a'} + s WHERE k = 1")
    with pytest.raises(InvalidRequest, match="Non-frozen collections are not allowed inside"):
        session.execute("CREATE TABLE bad (k int PRIMARY KEY, x list<list<int>>)")
    with pytest.raises(InvalidRequest, match="non-frozen collection type for PRIMARY KEY"):
        session.execute("CREATE TABLE bad (k list<int> PRIMARY KEY, v int)")
    types = {r.column_name: r.type for r in session.execute(
        "SELECT column_name, type FROM system_schema.columns "
        "WHERE keyspace_name = 'ks' AND table_name = 'c'")}
    assert types["l"] == "list<int>" and types["fl"] == "frozen<list<int>>"
    session.execute("UPDATE c SET fl = [1, 2] WHERE k = 1")  # a whole value is fine
    assert get(session, "fl") == [1, 2]


def test_concurrent_appends_keep_every_element(session):
    """Read-modify-writes of one row are serialized: no append is lost, also between
    connections served by different server threads (the server runs two)."""
    clusters = [Cluster(["127.0.0.1"], port=session.cluster.port) for _ in range(3)]
    sessions = [c.connect("ks") for c in clusters]
    try:
        def run(n):
            add = sessions[n].prepare("UPDATE c SET s = s + ?, l = l + ? WHERE k = 1")
            args = [({f"e{n}-{i}"}, [n * 100 + i]) for i in range(60)]
            results = execute_concurrent_with_args(sessions[n], add, args, concurrency=8)
            assert all(ok for ok, _ in results)

        threads = [threading.Thread(target=run, args=(n,)) for n in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for c in clusters:
            c.shutdown()
    assert get(session, "s") == {f"e{n}-{i}" for n in range(3) for i in range(60)}
    assert sorted(get(session, "l")) == sorted(n * 100 + i for n in range(3) for i in range(60))


def test_in_batches_and_conditions(session):
    session.execute("INSERT INTO c (k, l, m) VALUES (1, [1], {'a': 1})")
    session.execute("BEGIN BATCH UPDATE c SET l = l + [2] WHERE k = 1; "
                    "UPDATE c SET m['b'] = 2 WHERE k = 1; "
                    "INSERT INTO c (k, s) VALUES (3, {'q'}) APPLY BATCH")
    assert get(session, "l") == [1, 2] and get(session, "m") == {"a": 1, "b": 2}
    batch = BatchStatement()
    batch.add(session.prepare("UPDATE c SET s = s + ? WHERE k = ?"), ({"r"}, 3))
    batch.add(session.prepare("DELETE l[?] FROM c WHERE k = ?"), (0, 1))
    session.execute(batch)
    assert get(session, "s", 3) == {"q", "r"} and get(session, "l") == [2]
    # A failing element operation fails the whole batch.
    with pytest.raises(InvalidRequest, match="out of bound"):
        session.execute("BEGIN BATCH UPDATE c SET s = s + {'lost'} WHERE k = 3; "
                        "DELETE l[9] FROM c WHERE k = 1 APPLY BATCH")
    assert get(session, "s", 3) == {"q", "r"}
    rs = session.execute("UPDATE c SET l = l + [3] WHERE k = 1 IF EXISTS")
    assert rs.was_applied and get(session, "l") == [2, 3]
    rs = session.execute("UPDATE c SET l = l + [4] WHERE k = 99 IF EXISTS")
    assert not rs.was_applied
    assert session.execute("SELECT * FROM c WHERE k = 99").one() is None
