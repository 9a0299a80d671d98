#!/usr/bin/env python3
"""Eviction latency during a large maxmemory drop (driven by benches/evict_latency.sh).

  evict_latency.py gen N SIZE            RESP for N SETs of SIZE-byte values, to stdout
  evict_latency.py drop PORT TARGET MODE  CONFIG SET maxmemory TARGET and measure; JSON

MODE "probe": a second connection times sequential SETs (one in flight) from 1 s before
the drop until 1 s after used_memory first reads <= maxmemory. MODE "idle": no traffic
but the monitor's own INFO polls. In both modes the monitor connection sends the
CONFIG SET (timed alone), then polls INFO memory every POLL_MS (env, default 50 ms) until
used_memory <= maxmemory + 64 KiB (see SLACK) or TIMEOUT_S (env, default 120 s) passes.
"""

import json
import os
import sys
import threading
import time

from resp_client import Conn, cmd, info

# "Drained" means used_memory <= maxmemory + SLACK: Redis counts the polling client's own
# query and reply buffers, which keep it a few KiB over the limit after eviction ends.
SLACK = 64 * 1024


def gen(n, size):
    out = sys.stdout.buffer
    value = b"x" * size
    batch = []
    for i in range(n):
        batch.append(cmd(b"SET", b"fill:%d" % i, value))
        if len(batch) == 10000:
            out.write(b"".join(batch))
            batch = []
    out.write(b"".join(batch))


def pct(xs, p):
    if not xs:
        return 0.0
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p))]


def drop(port, target, mode):
    poll = float(os.environ.get("POLL_MS", "50")) / 1000.0
    timeout = float(os.environ.get("TIMEOUT_S", "120"))
    mon = Conn(port)
    before = info(mon)
    samples = []  # (start time, latency) of each probe SET
    stop = threading.Event()

    def prober():
        c = Conn(port)
        i = 0
        while not stop.is_set():
            t = time.perf_counter()
            c.call(b"SET", b"probe:%d" % (i % 1000), b"0123456789")
            samples.append((t, time.perf_counter() - t))
            i += 1

    th = None
    if mode == "probe":
        th = threading.Thread(target=prober, daemon=True)
        th.start()
        time.sleep(1.0)
    t0 = time.perf_counter()
    mon.call(b"CONFIG", b"SET", b"maxmemory", str(target).encode())
    t1 = time.perf_counter()
    reached = None
    polls = []
    while time.perf_counter() - t0 < timeout:
        tp = time.perf_counter()
        # INFO memory alone: Redis counts the INFO text built so far in used_memory.
        f = info(mon, b"memory")
        polls.append(time.perf_counter() - tp)
        if int(f["used_memory"]) <= target + SLACK:
            reached = time.perf_counter() - t0
            break
        time.sleep(poll)
    if th is not None:
        time.sleep(1.0)
        stop.set()
        th.join()
    after = info(mon)
    end = t0 + (reached if reached is not None else timeout)
    during = [lat for (t, lat) in samples if t0 <= t <= end]
    base = [lat for (t, lat) in samples if t < t0]
    ms = 1000.0
    print(
        json.dumps(
            {
                "used_before": int(before["used_memory"]),
                "keys_before": sum(
                    int(v.split(",")[0].split("=")[1]) for k, v in before.items() if k.startswith("db")
                ),
                "maxmemory": target,
                "config_set_ms": (t1 - t0) * ms,
                "drain_s": reached,
                "used_after": int(after["used_memory"]),
                "evicted_keys": int(after["evicted_keys"]),
                "info_poll_max_ms": max(polls) * ms if polls else 0.0,
                "probes_during": len(during),
                "probe_p50_ms": pct(during, 0.50) * ms,
                "probe_p99_ms": pct(during, 0.99) * ms,
                "probe_max_ms": max(during) * ms if during else 0.0,
                "baseline_p99_ms": pct(base, 0.99) * ms,
            }
        )
    )


def main():
    a = sys.argv[1:]
    if a and a[0] == "gen" and len(a) == 3:
        gen(int(a[1]), int(a[2]))
    elif a and a[0] == "drop" and len(a) == 4:
        drop(int(a[1]), int(a[2]), a[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
