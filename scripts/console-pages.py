#!/usr/bin/python3
"""docs/benchmarks/console.md: issue 23's "a page is usable in under 200 ms on loopback, and a
topic with 100 partitions or a table with a million rows does not slow it". Starts one
`kappa up` (default config, console on a free port), makes a topic of 100 partitions with 20
records in each (confluent-kafka) and a table of 1,000,000 rows (the DataStax driver,
concurrent inserts), then times the pages in Chromium with scripts/console-pages.js.

    scripts/console-pages.py [--kappa build/kappa] [--rows 1000000] [--runs 5]
"""
import argparse
import os
import subprocess
import tempfile
import time

from cassandra.cluster import Cluster
from cassandra.concurrent import execute_concurrent_with_args
from confluent_kafka import Producer
from confluent_kafka.admin import AdminClient, NewTopic

from console_up import free_port, start_kappa_up

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kappa", default=os.path.join(ROOT, "build", "kappa"))
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    a = ap.parse_args()
    kafka, cql, console = free_port(), free_port(), free_port()
    with tempfile.TemporaryDirectory(prefix="kappa-pages-") as d:
        proc, base = start_kappa_up(a.kappa, os.path.join(d, "data"), console,
                                    kafka=f"127.0.0.1:{kafka}", cql=f"127.0.0.1:{cql}")
        try:
            boot = f"127.0.0.1:{kafka}"
            admin = AdminClient({"bootstrap.servers": boot})  # alive until the result
            admin.create_topics([NewTopic("wide", 100, 1)])["wide"].result(30)
            p = Producer({"bootstrap.servers": boot})
            for part in range(100):
                for i in range(20):
                    p.produce("wide", f'{{"partition": {part}, "i": {i}}}'.encode(), partition=part)
            assert p.flush(60) == 0
            cluster = Cluster(["127.0.0.1"], port=cql, protocol_version=4)
            s = cluster.connect()
            s.execute("CREATE KEYSPACE IF NOT EXISTS bench WITH replication = "
                      "{'class': 'SimpleStrategy', 'replication_factor': 1}")
            s.execute("CREATE TABLE IF NOT EXISTS bench.users (id int PRIMARY KEY, name text, "
                      "email text)")
            ins = s.prepare("INSERT INTO bench.users (id, name, email) VALUES (?, ?, ?)")
            t0 = time.time()
            for start in range(0, a.rows, 50_000):
                args = [(i, f"user {i}", f"user{i}@example.com")
                        for i in range(start, min(a.rows, start + 50_000))]
                execute_concurrent_with_args(s, ins, args, concurrency=64)
                print(f"\r{min(a.rows, start + 50_000)}/{a.rows} rows", end="", flush=True)
            print(f" in {time.time() - t0:.0f} s")
            n = s.execute("SELECT count(*) FROM bench.users").one()[0]
            assert n == a.rows, n
            cluster.shutdown()
            env = dict(os.environ, NODE_PATH=os.path.join(ROOT, "tests", "console", "node_modules"))
            subprocess.run(["node", os.path.join(HERE, "console-pages.js"), base, "wide", "bench",
                            "users", str(a.runs), str(a.rows)], env=env, check=True)
        finally:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
