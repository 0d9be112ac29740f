#!/usr/bin/python3
"""A client watching the console's overview, for docs/benchmarks/console.md: keeps the live
feed (/api/console/overview/stream, one event a second) open as the page does, and also GETs
/api/console/overview and the full 15-minute /api/console/overview/series every second
(more than the page, which loads the series once). Runs until killed or --seconds pass;
prints how many answers it got.

    scripts/console-poll.py http://127.0.0.1:9021 [--seconds N] [--wait]
"""
import argparse
import json
import sys
import threading
import time
import urllib.error
import urllib.request


def stream(base, counts, stop):
    while not stop.is_set():
        try:
            with urllib.request.urlopen(base + "/api/console/overview/stream", timeout=10) as r:
                for line in r:
                    if stop.is_set():
                        return
                    if line.startswith(b"data: "):
                        json.loads(line[6:])
                        counts["events"] += 1
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("--seconds", type=float, default=0)
    ap.add_argument("--wait", action="store_true", help="wait for the console to answer first")
    a = ap.parse_args()
    if a.wait:
        while True:
            try:
                urllib.request.urlopen(a.base + "/api/console/session", timeout=2).read()
                break
            except (OSError, urllib.error.URLError):
                time.sleep(0.1)
    counts = {"events": 0, "gets": 0, "errors": 0}
    stop = threading.Event()
    t = threading.Thread(target=stream, args=(a.base, counts, stop), daemon=True)
    t.start()
    end = time.time() + a.seconds if a.seconds else None
    try:
        while end is None or time.time() < end:
            for path in ("/api/console/overview", "/api/console/overview/series"):
                try:
                    json.loads(urllib.request.urlopen(a.base + path, timeout=10).read())
                    counts["gets"] += 1
                except (OSError, urllib.error.URLError, ValueError):
                    counts["errors"] += 1
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    stop.set()
    print(json.dumps(counts), file=sys.stderr)


if __name__ == "__main__":
    main()
