#!/usr/bin/env bash
# Streams, bitmaps, HyperLogLog and geo beside redis-server, in one run: throughput
# (with the cinnabar/redis ratio) and memory per stream entry.
#
#   bash benches/types_bench.sh
#   N=200000 CLIENTS=50 PIPELINES="1 16" MEM_ENTRIES=1000000 bash benches/types_bench.sh
#
# Per -P value and server (a fresh server each time):
#   xadd       redis-benchmark XADD s * f __rand_int__
#   pfadd      redis-benchmark PFADD hll __rand_int__ (random elements, -r 100M)
#   setbit     SETBIT bm <random offset < 1M> 1 (benches/types_driver.py: redis-benchmark
#              pads __rand_int__ with zeros, which SETBIT rejects as an offset)
#   bitcount   redis-benchmark BITCOUNT bm (the 125 KB bitmap the setbit test made)
#   geoadd     redis-benchmark GEOADD geo <lon> <lat> m:__rand_int__ into a key already
#              holding GEO_POINTS points spread over 1x1 degree (0-1 E, 0-1 N; the
#              coordinates are `__rand_int__e-9`, as the 12 digits are zero-padded)
#   geosearch  GEOSEARCH geo FROMLONLAT <random point> BYRADIUS 2 km ASC COUNT 10
# Then, once per server (fresh): MEM_ENTRIES pipelined `XADD mem * f <12 digits>`, the
# growth of RSS and of INFO used_memory per entry; then XGROUP CREATE mem g 0 and
# XREADGROUP+XACK by XR_CONSUMERS consumers reading COUNT 100 batches and acking each
# batch in the same write as the next read, entries/s over the whole stream.
#
# Env: N (requests per test, default 100000; BITCOUNT runs N/10), CLIENTS (50),
# PIPELINES ("1 16"), GEO_POINTS (100000), MEM_ENTRIES (1000000), XR_CONSUMERS (4),
# RUNS (passes, alternating servers; each figure is the median, default 1),
# CINNABAR_BIN (a prebuilt server instead of building one).
#
# Client and servers share the machine's cores, so absolute numbers are noisy: compare
# the ratio within one run, and see benches/types_callgrind.sh for repeatable figures.
# The Python drivers are the bottleneck in places: SETBIT at -P 1 (both servers then
# show about the client's speed) and XREADGROUP+XACK (one Python process parsing every
# reply); benches/types_callgrind.sh measures the servers' work for those.
set -euo pipefail

# shellcheck source=benches/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap bench_cleanup EXIT

N="${N:-100000}"
CLIENTS="${CLIENTS:-50}"
PIPELINES="${PIPELINES:-1 16}"
GEO_POINTS="${GEO_POINTS:-100000}"
MEM_ENTRIES="${MEM_ENTRIES:-1000000}"
XR_CONSUMERS="${XR_CONSUMERS:-4}"
RUNS="${RUNS:-1}"
DRIVER="$(dirname "${BASH_SOURCE[0]}")/types_driver.py"

require_tools redis-server redis-benchmark redis-cli python3
build_cinnabar

raw="$(mktemp)"
trap 'bench_cleanup; rm -f "$raw"' EXIT

# rb PORT PIPELINE N RANGE CMD... -> requests per second of a redis-benchmark run.
rb() {
    local port="$1" pipeline="$2" n="$3" range="$4"
    shift 4
    redis-benchmark -h 127.0.0.1 -p "$port" -n "$n" -c "$CLIENTS" -P "$pipeline" -r "$range" \
        --csv "$@" 2>/dev/null |
        python3 -c 'import csv, sys; rows = [r for r in csv.reader(sys.stdin) if r and r[0] != "test"]; print(rows[-1][1] if rows else 0)'
}

# cli PORT ARGS...: one command, its reply on stdout.
cli() {
    local port="$1"
    shift
    redis-cli -h 127.0.0.1 -p "$port" "$@"
}

# expect WHAT GOT WANT: fails the run when a server did not do the work (redis-benchmark
# ignores error replies, and a server that answers every command with an error is fast).
expect() {
    if [ "$2" != "$3" ]; then
        echo "$1: got '$2', expected '$3'" >&2
        exit 1
    fi
}

# run_pass KIND PIPELINE: a fresh server, every throughput test; appends
# "test pipeline kind rps" lines to $raw.
run_pass() {
    local kind="$1" p="$2" port v
    port="$(free_port)"
    start_server "$kind" "$port"
    wait_ready "$port" "$SERVER_PID"
    v="$(rb "$port" "$p" "$N" 1000000 XADD s '*' f __rand_int__)"
    echo "xadd $p $kind $v" >>"$raw"
    expect "$kind XLEN s" "$(cli "$port" XLEN s)" "$N"
    v="$(rb "$port" "$p" "$N" 100000000 PFADD hll __rand_int__)"
    echo "pfadd $p $kind $v" >>"$raw"
    expect "$kind TYPE hll" "$(cli "$port" TYPE hll)" string
    v="$(python3 "$DRIVER" setbit "$port" "$N" "$CLIENTS" "$p" 1000000)"
    echo "setbit $p $kind $v" >>"$raw"
    local ones
    ones="$(cli "$port" BITCOUNT bm)"
    [ "$ones" -gt 0 ] || expect "$kind BITCOUNT bm" "$ones" ">0"
    v="$(rb "$port" "$p" $((N / 10)) 1 BITCOUNT bm)"
    echo "bitcount $p $kind $v" >>"$raw"
    redis-benchmark -h 127.0.0.1 -p "$port" -n "$GEO_POINTS" -c 4 -P 64 -r 1000000000 \
        GEOADD geo __rand_int__e-9 __rand_int__e-9 p:__rand_int__ >/dev/null 2>&1
    v="$(rb "$port" "$p" "$N" 1000000000 GEOADD geo __rand_int__e-9 __rand_int__e-9 m:__rand_int__)"
    echo "geoadd $p $kind $v" >>"$raw"
    local card
    card="$(cli "$port" ZCARD geo)"
    [ "$card" -gt "$GEO_POINTS" ] || expect "$kind ZCARD geo" "$card" ">$GEO_POINTS"
    expect "$kind GEOSEARCH" "$(cli "$port" GEOSEARCH geo FROMLONLAT 0.5 0.5 BYRADIUS 2 km ASC COUNT 10 | wc -l)" 10
    v="$(rb "$port" "$p" "$N" 1000000000 GEOSEARCH geo FROMLONLAT __rand_int__e-9 __rand_int__e-9 \
        BYRADIUS 2 km ASC COUNT 10)"
    echo "geosearch $p $kind $v" >>"$raw"
    stop_server "$SERVER_PID"
}

# rss_kib PID
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
used_memory() { cli "$1" INFO memory | tr -d '\r' | awk -F: '/^used_memory:/ {print $2}'; }

# stream_pass KIND: a fresh server; memory per stream entry, then XREADGROUP+XACK.
stream_pass() {
    local kind="$1" port rss0 rss1 um0 um1 v
    port="$(free_port)"
    start_server "$kind" "$port"
    wait_ready "$port" "$SERVER_PID"
    rss0="$(rss_kib "$SERVER_PID")"
    um0="$(used_memory "$port")"
    redis-benchmark -h 127.0.0.1 -p "$port" -n "$MEM_ENTRIES" -c 1 -P 64 -r 1000000 \
        XADD mem '*' f __rand_int__ >/dev/null 2>&1
    expect "$kind XLEN mem" "$(cli "$port" XLEN mem)" "$MEM_ENTRIES"
    rss1="$(rss_kib "$SERVER_PID")"
    um1="$(used_memory "$port")"
    echo "mem_rss - $kind $(((rss1 - rss0) * 1024))" >>"$raw"
    echo "mem_used - $kind $((um1 - um0))" >>"$raw"
    cli "$port" XGROUP CREATE mem g 0 >/dev/null
    v="$(python3 "$DRIVER" xreadgroup "$port" mem g "$XR_CONSUMERS" 100)"
    expect "$kind entries read" "${v#* }" "$MEM_ENTRIES"
    echo "xreadgroup - $kind ${v%% *}" >>"$raw"
    stop_server "$SERVER_PID"
}

echo "types: -n $N -c $CLIENTS, -P in ($PIPELINES); $MEM_ENTRIES stream entries" >&2
for ((run = 1; run <= RUNS; run++)); do
    for p in $PIPELINES; do
        for kind in redis cinnabar; do
            echo "  run $run -P $p: $kind..." >&2
            run_pass "$kind" "$p"
        done
    done
    for kind in redis cinnabar; do
        echo "  run $run streams memory + XREADGROUP: $kind..." >&2
        stream_pass "$kind"
    done
done

echo
echo "redis: $(redis-server --version | awk '{print $3}')  cinnabar: $("$CINNABAR_BIN" --version 2>/dev/null | head -n 1)"
echo "$(nproc) cores; -c $CLIENTS, -n $N; XREADGROUP: $XR_CONSUMERS consumers, COUNT 100; median of $RUNS run(s)"
python3 - "$raw" "$MEM_ENTRIES" <<'PY'
import statistics
import sys

rows, order = {}, []
for line in open(sys.argv[1]):
    test, p, kind, v = line.split()
    if (test, p) not in rows:
        rows[(test, p)] = {}
        order.append((test, p))
    rows[(test, p)].setdefault(kind, []).append(float(v))
for row in rows.values():
    for kind in row:
        row[kind] = statistics.median_low(row[kind])
entries = int(sys.argv[2])
label = {
    "xadd": "XADD s * f <r> (rps)",
    "pfadd": "PFADD hll <r> (rps)",
    "setbit": "SETBIT bm <r> 1 (rps)",
    "bitcount": "BITCOUNT bm, 125 KB (rps)",
    "geoadd": "GEOADD (rps)",
    "geosearch": "GEOSEARCH 2 km COUNT 10 (rps)",
    "xreadgroup": "XREADGROUP+XACK (entries/s)",
    "mem_rss": "RSS growth / stream entry (B)",
    "mem_used": "used_memory / stream entry (B)",
}
print(f"{'test':<32}{'-P':>4}{'redis':>14}{'cinnabar':>14}{'ratio':>8}")
print("-" * 72)
for test, p in order:
    r, c = rows[(test, p)].get("redis"), rows[(test, p)].get("cinnabar")
    if test.startswith("mem_"):
        r, c = r / entries, c / entries
        # lower is better: ratio is redis/cinnabar so that >= 1.0 means "no worse"
        ratio = r / c if c else float("inf")
        print(f"{label[test]:<32}{p:>4}{r:>14.1f}{c:>14.1f}{ratio:>8.2f}")
    else:
        ratio = c / r if r else 0.0
        print(f"{label[test]:<32}{p:>4}{r:>14,.0f}{c:>14,.0f}{ratio:>8.2f}")
print("ratio: cinnabar/redis for throughput, redis/cinnabar for memory (>= 1.0: Cinnabar no worse)")
PY
