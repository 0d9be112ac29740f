#!/usr/bin/python3
"""docs/benchmarks/console.md: what a watching client costs the process, in CPU time, which
this machine measures far more tightly than throughput (runs of `kappa bench pipeline` spread
by +-15%, the process's CPU time over a window by a few ms).

One `kappa up` (the default config: the seed pipeline) with the console on a free port runs
for the whole measurement. Windows of --window seconds alternate: nobody watching, then
scripts/console-poll.py watching (the overview's live feed open, the overview and the
15-minute series fetched every second: more than the page does). Each window's CPU is the
process's utime + stime (/proc/PID/stat) over it; the console's cost is the mean of the
watched windows minus the mean of the unwatched ones, in ms of CPU per second.

    scripts/console-cpu.py [--kappa build/kappa] [--pairs 6] [--window 5]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

from console_up import free_port, start_kappa_up

HERE = os.path.dirname(os.path.abspath(__file__))
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kappa", default=os.path.join(HERE, "..", "build", "kappa"))
    ap.add_argument("--pairs", type=int, default=6)
    ap.add_argument("--window", type=float, default=5.0)
    ap.add_argument("--settle", type=float, default=5.0, help="seconds before the first window")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="kappa-cpu-") as d:
        proc, base = start_kappa_up(a.kappa, os.path.join(d, "data"), free_port())
        try:
            time.sleep(a.settle)
            rows = {"unwatched": [], "watched": []}
            for i in range(a.pairs):
                for mode in ("unwatched", "watched"):
                    poller = None
                    if mode == "watched":
                        poller = subprocess.Popen(
                            [sys.executable, os.path.join(HERE, "console-poll.py"), base],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    c0, t0 = cpu_seconds(proc.pid), time.monotonic()
                    time.sleep(a.window)
                    c1, t1 = cpu_seconds(proc.pid), time.monotonic()
                    if poller:
                        poller.terminate()
                        poller.wait()
                    ms_per_s = (c1 - c0) / (t1 - t0) * 1000
                    rows[mode].append(ms_per_s)
                    print(f"pair {i + 1} {mode:9} {ms_per_s:7.1f} ms CPU/s", flush=True)
            mean = {k: sum(v) / len(v) for k, v in rows.items()}
            print(f"mean unwatched {mean['unwatched']:.1f} ms/s, watched {mean['watched']:.1f} ms/s,"
                  f" difference {mean['watched'] - mean['unwatched']:+.1f} ms/s"
                  f" ({(mean['watched'] - mean['unwatched']) / 20:+.2f}% of the 2 cores)")
        finally:
            proc.terminate()
            proc.wait()


if __name__ == "__main__":
    main()
