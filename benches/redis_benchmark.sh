#!/usr/bin/env bash
# Throughput and latency, side by side: redis-benchmark against a fresh redis-server and
# a fresh release cinnabar-server, one after the other, with the same settings.
#
#   bash benches/redis_benchmark.sh
#   TESTS=set,get N=200000 CLIENTS=50 PIPELINES="1 16" RUNS=3 bash benches/redis_benchmark.sh
#
# Env: TESTS (redis-benchmark -t list, default set,get,incr,mset), N (requests per test,
# default 100000), CLIENTS (default 50), PIPELINES (the -P values, default "1 16"),
# RUNS (runs per server and setting, alternating servers; the median rps is reported,
# default 1), CSV_OUT (also write the raw rows to this file), CINNABAR_BIN (a prebuilt
# server to use instead of building target/release/cinnabar-server).
#
# Client and servers share the machine's cores, so absolute numbers are noisy: compare
# the ratio within one run, and see benches/callgrind.sh for a repeatable figure.
set -euo pipefail

# shellcheck source=benches/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap bench_cleanup EXIT

TESTS="${TESTS:-set,get,incr,mset}"
N="${N:-100000}"
CLIENTS="${CLIENTS:-50}"
PIPELINES="${PIPELINES:-1 16}"
RUNS="${RUNS:-1}"

require_tools redis-server redis-benchmark redis-cli python3
build_cinnabar

raw="$(mktemp)"
warnings="$(mktemp)"
trap 'bench_cleanup; rm -f "$raw" "$warnings"' EXIT

# run_one KIND PIPELINE RUN: starts a fresh server, benchmarks it, appends
# "kind,pipeline,run,<redis-benchmark csv row>" lines to $raw, stops the server.
run_one() {
    local kind="$1" pipeline="$2" run="$3" port
    port="$(free_port)"
    start_server "$kind" "$port"
    wait_ready "$port" "$SERVER_PID"
    redis-benchmark -h 127.0.0.1 -p "$port" -t "$TESTS" -n "$N" -c "$CLIENTS" \
        -P "$pipeline" --csv 2>/dev/null |
        grep -v '^"test"' |
        sed "s/^/$kind,$pipeline,$run,/" >>"$raw"
    verify "$kind" "$pipeline" "$port"
    stop_server "$SERVER_PID"
}

# verify KIND PIPELINE PORT: redis-benchmark ignores error replies, so check that the
# writes really happened (a server that answers every command with an error is fast).
verify() {
    local kind="$1" pipeline="$2" port="$3" got
    if [[ ",$TESTS," == *,incr,* ]]; then
        got="$(redis-cli -h 127.0.0.1 -p "$port" GET counter:__rand_int__ 2>&1)"
        [ "$got" = "$N" ] || echo "$kind -P $pipeline: after INCR, counter is '$got', expected $N" >>"$warnings"
    fi
    if [[ ",$TESTS," == *,set,* || ",$TESTS," == *,mset,* ]]; then
        got="$(redis-cli -h 127.0.0.1 -p "$port" STRLEN key:__rand_int__ 2>&1)"
        [ "$got" = 3 ] || echo "$kind -P $pipeline: after SET/MSET, STRLEN key is '$got', expected 3" >>"$warnings"
    fi
}

echo "redis-benchmark -t $TESTS -n $N -c $CLIENTS, -P in ($PIPELINES), $RUNS run(s) each" >&2
for pipeline in $PIPELINES; do
    for ((run = 1; run <= RUNS; run++)); do
        echo "  -P $pipeline run $run: redis..." >&2
        run_one redis "$pipeline" "$run"
        echo "  -P $pipeline run $run: cinnabar..." >&2
        run_one cinnabar "$pipeline" "$run"
    done
done

if [ -n "${CSV_OUT:-}" ]; then
    {
        echo 'server,pipeline,run,"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"'
        cat "$raw"
    } >"$CSV_OUT"
fi

echo
echo "redis: $(redis-server --version | awk '{print $3}')  cinnabar: $("$CINNABAR_BIN" --version 2>/dev/null | head -n 1)"
echo "$(nproc) cores; -c $CLIENTS, -n $N; rps = median of $RUNS run(s); p99 in ms (of the median run)"
python3 - "$raw" <<'PY'
import csv
import statistics
import sys

rows = {}
order = []
with open(sys.argv[1], newline="") as f:
    for rec in csv.reader(f):
        if len(rec) < 10:
            continue
        kind, pipeline, _run, test, rps = rec[0], int(rec[1]), rec[2], rec[3], float(rec[4])
        p99 = float(rec[9])
        key = (test, pipeline)
        if key not in rows:
            rows[key] = {"redis": [], "cinnabar": []}
            order.append(key)
        rows[key][kind].append((rps, p99))


def median_run(runs):
    if not runs:
        return None
    runs = sorted(runs)
    return runs[(len(runs) - 1) // 2]


header = f"{'test':<16}{'-P':>4}{'redis rps':>14}{'cinnabar rps':>14}{'ratio':>8}{'redis p99':>11}{'cinn. p99':>11}"
print(header)
print("-" * len(header))
ratios = []
for test, pipeline in order:
    r = median_run(rows[(test, pipeline)]["redis"])
    c = median_run(rows[(test, pipeline)]["cinnabar"])
    fmt = lambda v, spec: format(v, spec) if v is not None else "-"
    ratio = c[0] / r[0] if r and c and r[0] > 0 else None
    if ratio is not None:
        ratios.append(ratio)
    print(
        f"{test:<16}{pipeline:>4}"
        f"{fmt(r and r[0], '>14,.0f')}{fmt(c and c[0], '>14,.0f')}"
        f"{fmt(ratio, '>8.2f')}"
        f"{fmt(r and r[1], '>11.3f')}{fmt(c and c[1], '>11.3f')}"
    )
if ratios:
    print(f"geometric mean ratio (cinnabar/redis): {statistics.geometric_mean(ratios):.2f}")
missing = [k for k in order if not rows[k]["cinnabar"] or not rows[k]["redis"]]
if missing:
    print(f"no result from one server for: {missing}")
    sys.exit(1)
PY
if [ -s "$warnings" ]; then
    echo "WARNING: some results are not valid (the server did not do the work):"
    sed 's/^/  /' "$warnings"
    exit 1
fi
