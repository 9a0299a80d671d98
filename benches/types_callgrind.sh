#!/usr/bin/env bash
# Instructions per request for the stream, bitmap, HyperLogLog and geo loads of
# benches/types_bench.sh, on redis-server and the release cinnabar-server (throughput on
# a shared 2-core machine is noisy; user-space instruction counts are repeatable).
#
#   bash benches/types_callgrind.sh
#   N=20000 PIPELINE=16 TESTS=xadd,pfadd bash benches/types_callgrind.sh
#
# Each server runs once under `valgrind --tool=callgrind`; every test prepares its data
# (untimed), then `callgrind_control --dump` starts a fresh count, the load runs, and a
# second dump closes it: that dump's total divided by the requests of the load is the
# figure (the server's own instructions: parsing, dispatch, the data structure, replies,
# not the kernel's), less the server's idle rate (timers, measured first) times the
# load's wall time. Tests, in order (later ones use earlier data):
#   xadd       XADD s * f <12 digits>                       N requests
#   xreadgroup XREADGROUP COUNT 100 + XACK by 4 consumers   per entry, over N entries
#   pfadd      PFADD hll <random>                           N
#   setbit     SETBIT bm <random offset < 1M> 1             N
#   bitcount   BITCOUNT bm (125 KB)                         N/20
#   geoadd     GEOADD geo <lon> <lat> m:<r> (GEO_POINTS already there)   N
#   geosearch  GEOSEARCH geo FROMLONLAT <r> BYRADIUS 2 km ASC COUNT 10   N/5
#
# Env: TESTS (comma list, default all), N (default 20000), CLIENTS (10), PIPELINE (16),
# GEO_POINTS (100000), IDLE_S (seconds of the idle-rate measurement, default 5),
# CINNABAR_BIN (a prebuilt server instead of building one).
set -euo pipefail

# shellcheck source=benches/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap bench_cleanup EXIT

TESTS="${TESTS:-xadd,xreadgroup,pfadd,setbit,bitcount,geoadd,geosearch}"
N="${N:-20000}"
CLIENTS="${CLIENTS:-10}"
PIPELINE="${PIPELINE:-16}"
GEO_POINTS="${GEO_POINTS:-100000}"
IDLE_S="${IDLE_S:-5}"
DRIVER="$(dirname "${BASH_SOURCE[0]}")/types_driver.py"

require_tools valgrind callgrind_control redis-server redis-benchmark redis-cli python3
build_cinnabar

work="$(mktemp -d)"
trap 'bench_cleanup; rm -rf "$work"' EXIT

# dump LABEL: callgrind dumps (and zeroes) the counters of $SERVER_PID; the server
# only notices the request when it runs, so it is sent PINGs until the dump is done.
dump() {
    callgrind_control --dump="$1" "$SERVER_PID" >/dev/null 2>&1 &
    local ctl=$!
    while kill -0 "$ctl" 2>/dev/null; do
        redis-cli -h 127.0.0.1 -p "$PORT" PING >/dev/null 2>&1 || true
        sleep 0.1
    done
    wait "$ctl" || true
}

# rb N RANGE CMD...: a quiet redis-benchmark load.
rb() {
    local n="$1" range="$2"
    shift 2
    redis-benchmark -h 127.0.0.1 -p "$PORT" -n "$n" -c "$CLIENTS" -P "$PIPELINE" -r "$range" \
        "$@" >/dev/null 2>&1
}

# prep TEST: untimed data for a test.
prep() {
    case "$1" in
        xreadgroup)
            redis-benchmark -h 127.0.0.1 -p "$PORT" -n "$N" -c 1 -P 64 -r 1000000 \
                XADD q '*' f __rand_int__ >/dev/null 2>&1
            redis-cli -h 127.0.0.1 -p "$PORT" XGROUP CREATE q g 0 >/dev/null
            ;;
        bitcount)
            [ "$(redis-cli -h 127.0.0.1 -p "$PORT" EXISTS bm)" = 1 ] ||
                python3 "$DRIVER" setbit "$PORT" "$N" 4 64 1000000 >/dev/null
            ;;
        geoadd | geosearch)
            [ "$(redis-cli -h 127.0.0.1 -p "$PORT" EXISTS geo)" = 1 ] ||
                redis-benchmark -h 127.0.0.1 -p "$PORT" -n "$GEO_POINTS" -c 4 -P 64 -r 1000000000 \
                    GEOADD geo __rand_int__e-9 __rand_int__e-9 p:__rand_int__ >/dev/null 2>&1
            ;;
    esac
}

# load TEST: the measured load; prints the number of requests (entries for xreadgroup).
load() {
    case "$1" in
        xadd) rb "$N" 1000000 XADD s '*' f __rand_int__ && echo "$N" ;;
        xreadgroup)
            local out
            out="$(python3 "$DRIVER" xreadgroup "$PORT" q g 4 100)"
            echo "${out#* }"
            ;;
        pfadd) rb "$N" 100000000 PFADD hll __rand_int__ && echo "$N" ;;
        setbit) python3 "$DRIVER" setbit "$PORT" "$N" "$CLIENTS" "$PIPELINE" 1000000 >/dev/null && echo "$N" ;;
        bitcount) rb $((N / 20)) 1 BITCOUNT bm && echo $((N / 20)) ;;
        geoadd) rb "$N" 1000000000 GEOADD geo __rand_int__e-9 __rand_int__e-9 m:__rand_int__ && echo "$N" ;;
        geosearch)
            rb $((N / 5)) 1000000000 GEOSEARCH geo FROMLONLAT __rand_int__e-9 __rand_int__e-9 \
                BYRADIUS 2 km ASC COUNT 10 && echo $((N / 5))
            ;;
        *)
            echo "unknown test $1" >&2
            return 1
            ;;
    esac
}

# check TEST: the server did the work (redis-benchmark ignores error replies).
check() {
    local got
    case "$1" in
        xadd) got="$(redis-cli -h 127.0.0.1 -p "$PORT" XLEN s)" want="$N" ;;
        pfadd) got="$(redis-cli -h 127.0.0.1 -p "$PORT" TYPE hll)" want=string ;;
        setbit | bitcount) got="$(redis-cli -h 127.0.0.1 -p "$PORT" TYPE bm)" want=string ;;
        geoadd | geosearch) got="$(redis-cli -h 127.0.0.1 -p "$PORT" TYPE geo)" want=zset ;;
        *) return 0 ;;
    esac
    if [ "$got" != "$want" ]; then
        echo "$1 on $KIND: got '$got', expected '$want'" >&2
        return 1
    fi
}

# total LABEL: the instructions of the dump named LABEL.
total() {
    local file
    file="$(grep -l "^desc: Trigger: dump $1\$" "$out".* | head -n 1)"
    sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$file" | head -n 1
}

declare -A PER IDLE_RATE
IFS=',' read -r -a tests <<<"$TESTS"
echo "callgrind: -c $CLIENTS -P $PIPELINE, N=$N, tests $TESTS" >&2
for KIND in redis cinnabar; do
    PORT="$(free_port)"
    out="$work/$KIND.callgrind"
    start_server "$KIND" "$PORT" valgrind --tool=callgrind --callgrind-out-file="$out"
    wait_ready "$PORT" "$SERVER_PID" 180
    # The idle rate (timers: Redis's serverCron at hz 10, Cinnabar's expiry cycle),
    # subtracted from each load in proportion to its wall time, since a load lasts far
    # longer under valgrind than it would natively.
    dump start
    t0="$(date +%s.%N)"
    sleep "$IDLE_S"
    dump idle
    t1="$(date +%s.%N)"
    IDLE_RATE[$KIND]="$(python3 -c "print($(total idle) / ($t1 - $t0))")"
    for t in "${tests[@]}"; do
        echo "  $KIND: $t..." >&2
        prep "$t"
        dump "prep-$t"
        t0="$(date +%s.%N)"
        reqs="$(load "$t")"
        dump "load-$t"
        t1="$(date +%s.%N)"
        check "$t"
        PER[$KIND,$t]="$(python3 -c "print(max(0, round(($(total "load-$t") - ${IDLE_RATE[$KIND]} * ($t1 - $t0)) / $reqs)))")"
    done
    stop_server "$SERVER_PID"
done

echo
echo "redis: $(redis-server --version | awk '{print $3}')  cinnabar: $("$CINNABAR_BIN" --version 2>/dev/null | head -n 1)"
echo "instructions per request (xreadgroup: per entry read and acked); -c $CLIENTS -P $PIPELINE"
printf 'idle instructions/s subtracted: redis %.0f, cinnabar %.0f\n' "${IDLE_RATE[redis]}" "${IDLE_RATE[cinnabar]}"
printf '%-12s %12s %12s %8s\n' test redis cinnabar ratio
for t in "${tests[@]}"; do
    printf '%-12s %12d %12d %8.2f\n' "$t" "${PER[redis,$t]}" "${PER[cinnabar,$t]}" \
        "$(python3 -c "print(${PER[redis,$t]} / max(1, ${PER[cinnabar,$t]}))")"
done
echo "ratio: redis/cinnabar instructions (>= 1.0: Cinnabar does no more work per request)"
