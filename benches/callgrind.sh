#!/usr/bin/env bash
# Instructions per request, a repeatable performance figure (throughput on a shared
# 2-core machine is noisy; user-space instruction counts are not).
#
#   bash benches/callgrind.sh
#   N=20000 CLIENTS=10 PIPELINE=16 TESTS=set,get bash benches/callgrind.sh
#
# For each server (redis-server, release cinnabar-server): run it under
# `valgrind --tool=callgrind` twice, once idle (start, answer a PING, stop) and once
# driven by `redis-benchmark -t TESTS -n N -c CLIENTS -P PIPELINE`; subtract the idle
# total from the loaded one and divide by the number of requests. The result counts
# the server's own instructions (parsing, dispatch, the data structures, replies),
# not the kernel's.
#
# Env: TESTS (default set,get), N (requests per test, default 50000), CLIENTS (10),
# PIPELINE (16), CINNABAR_BIN (a prebuilt server instead of building one).
set -euo pipefail

# shellcheck source=benches/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap bench_cleanup EXIT

TESTS="${TESTS:-set,get}"
N="${N:-50000}"
CLIENTS="${CLIENTS:-10}"
PIPELINE="${PIPELINE:-16}"

require_tools valgrind redis-server redis-benchmark redis-cli python3
build_cinnabar

work="$(mktemp -d)"
trap 'bench_cleanup; rm -rf "$work"' EXIT

ntests="$(tr ',' '\n' <<<"$TESTS" | grep -c .)"
requests=$((N * ntests))

# instructions KIND LOADED: total instructions of one run under callgrind.
instructions() {
    local kind="$1" loaded="$2" port out total
    port="$(free_port)"
    out="$work/$kind.$loaded.callgrind"
    start_server "$kind" "$port" valgrind --tool=callgrind --callgrind-out-file="$out"
    wait_ready "$port" "$SERVER_PID" 180
    if [ "$loaded" = 1 ]; then
        redis-benchmark -h 127.0.0.1 -p "$port" -t "$TESTS" -n "$N" -c "$CLIENTS" \
            -P "$PIPELINE" -q >"$work/$kind.bench" 2>&1
        if [[ ",$TESTS," == *,set,* ]]; then
            # Check that the server did the work (redis-benchmark ignores error replies).
            local len
            len="$(redis-cli -h 127.0.0.1 -p "$port" STRLEN key:__rand_int__ 2>&1)"
            if [ "$len" != 3 ]; then
                echo "$kind did not store the SET value (STRLEN: $len)" >&2
                return 1
            fi
        fi
    fi
    stop_server "$SERVER_PID"
    total="$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$out" | head -n 1)"
    if [ -z "$total" ]; then
        echo "no callgrind summary for $kind (loaded=$loaded) in $out" >&2
        return 1
    fi
    echo "$total"
}

echo "callgrind: redis-benchmark -t $TESTS -n $N -c $CLIENTS -P $PIPELINE ($requests requests)" >&2
declare -A per_request
for kind in redis cinnabar; do
    echo "  $kind: idle run..." >&2
    idle="$(instructions "$kind" 0)"
    echo "  $kind: loaded run..." >&2
    loaded="$(instructions "$kind" 1)"
    per_request[$kind]=$(((loaded - idle) / requests))
    printf '  %s: idle %d, loaded %d instructions\n' "$kind" "$idle" "$loaded" >&2
done

echo
echo "redis: $(redis-server --version | awk '{print $3}')  cinnabar: $("$CINNABAR_BIN" --version 2>/dev/null | head -n 1)"
printf '%-10s %22s\n' server "instructions/request"
printf '%-10s %22d\n' redis "${per_request[redis]}" cinnabar "${per_request[cinnabar]}"
python3 -c "import sys; r, c = map(int, sys.argv[1:]); print(f'ratio (cinnabar/redis): {c / r:.2f}' if r > 0 else '')" \
    "${per_request[redis]}" "${per_request[cinnabar]}"
