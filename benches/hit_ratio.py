#!/usr/bin/env python3
"""Cache hit-ratio replay (driven by benches/hit_ratio.sh; standard library only).

  hit_ratio.py trace OUT REQUESTS KEYSPACE S SEED   write the access trace (key ranks)
  hit_ratio.py fill PORT FIT                        SET keys 0..FIT-1 (calibration)
  hit_ratio.py replay PORT TRACE WINDOW             replay; prints one JSON line

The trace is REQUESTS key ranks drawn from a bounded Zipf distribution over
KEYSPACE ranks (P(rank k) proportional to 1/k^S, k = 1..KEYSPACE) with Python's
Mersenne Twister seeded with SEED, so every run and both servers get the same
sequence. Rank k is the key "key:<(k * 2654435761) mod 2^32>" (a bijection, so
hot keys are spread over the hash table), and every value is 100 bytes.

Replay, in windows of WINDOW consecutive requests (the same procedure on both
servers): phase 1 pipelines a GET for the first occurrence of each distinct key
in the window; phase 2 pipelines a SET for each key whose GET missed, then the
GETs of the window's repeated occurrences (which therefore see the key their
first occurrence stored, as a sequential client would). Every GET reply counts:
hit = non-nil. The only departure from a strictly sequential replay is the
order of accesses inside one window.
"""

import array
import bisect
import json
import random
import sys

from resp_client import Conn, cmd, info

VALUE = b"v" * 100


def key_name(rank):
    return b"key:%d" % ((rank * 2654435761) & 0xFFFFFFFF)


def make_trace(out, requests, keyspace, s, seed):
    cum = []
    acc = 0.0
    for k in range(1, keyspace + 1):
        acc += 1.0 / k**s
        cum.append(acc)
    rng = random.Random(seed)
    total = cum[-1]
    ranks = array.array("I", (bisect.bisect_left(cum, rng.random() * total) for _ in range(requests)))
    with open(out, "wb") as f:
        ranks.tofile(f)
    distinct = len(set(ranks))
    print(json.dumps({"requests": requests, "keyspace": keyspace, "s": s, "seed": seed, "distinct": distinct}))


def fill(port, fit):
    c = Conn(port)
    batch = []
    for r in range(fit):
        batch.append(cmd(b"SET", key_name(r), VALUE))
        if len(batch) == 1000:
            c.pipeline(batch)
            batch = []
    c.pipeline(batch)
    f = info(c)
    print(json.dumps({"used_memory": int(f["used_memory"]), "keys": c.call(b"DBSIZE")}))


def replay(port, trace_path, window):
    ranks = array.array("I")
    with open(trace_path, "rb") as f:
        ranks.frombytes(f.read())
    c = Conn(port)
    gets = {}
    sets = {}
    hits = misses = nsets = 0
    n = len(ranks)
    for start in range(0, n, window):
        chunk = ranks[start : start + window]
        firsts = []
        repeats = []
        seen = set()
        for r in chunk:
            if r in seen:
                repeats.append(r)
            else:
                seen.add(r)
                firsts.append(r)
        cmds = []
        for r in firsts:
            g = gets.get(r)
            if g is None:
                g = gets[r] = cmd(b"GET", key_name(r))
            cmds.append(g)
        replies = c.pipeline(cmds)
        cmds2 = []
        for r, rep in zip(firsts, replies):
            if rep is None:
                misses += 1
                s = sets.get(r)
                if s is None:
                    s = sets[r] = cmd(b"SET", key_name(r), VALUE)
                cmds2.append(s)
            else:
                hits += 1
        nset = len(cmds2)
        nsets += nset
        for r in repeats:
            cmds2.append(gets[r])
        replies2 = c.pipeline(cmds2)
        for rep in replies2[nset:]:
            if rep is None:
                misses += 1
            else:
                hits += 1
    f = info(c)
    print(
        json.dumps(
            {
                "hits": hits,
                "misses": misses,
                "sets": nsets,
                "hit_ratio": hits / max(1, hits + misses),
                "used_memory": int(f["used_memory"]),
                "maxmemory": int(f.get("maxmemory", "0")),
                "evicted_keys": int(f["evicted_keys"]),
                "keys": c.call(b"DBSIZE"),
            }
        )
    )


def main():
    a = sys.argv[1:]
    if a and a[0] == "trace" and len(a) == 6:
        make_trace(a[1], int(a[2]), int(a[3]), float(a[4]), int(a[5]))
    elif a and a[0] == "fill" and len(a) == 3:
        fill(int(a[1]), int(a[2]))
    elif a and a[0] == "replay" and len(a) == 4:
        replay(int(a[1]), a[2], int(a[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
