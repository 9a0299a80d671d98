#!/usr/bin/env bash
# Cache hit ratio against redis-server on one deterministic trace (issue 6).
#
#   bash benches/hit_ratio.sh                      # 1M requests, 1M-key keyspace
#   REQUESTS=200000 POLICIES=allkeys-lru bash benches/hit_ratio.sh
#
# Env: REQUESTS (1000000), KEYSPACE (1000000), ZIPF_S (0.99), SEED (42), WINDOW (200),
# SAMPLES (maxmemory-samples, 5), POLICIES ("allkeys-lru allkeys-lfu"),
# MAXMEMORY (bytes; default: calibrated, see below), CINNABAR_BIN (skip the build),
# CINNABAR_MAXMEMORY (diagnostic: a different maxmemory for cinnabar only, e.g. one that
# makes it hold as many keys as Redis, to compare the eviction logic alone).
#
# Trace: REQUESTS key ranks from a bounded Zipf(ZIPF_S) over KEYSPACE keys, fixed seed
# (see benches/hit_ratio.py). Each request is GET key, and SET key <100 bytes> on a miss,
# pipelined in windows of WINDOW requests the same way on both servers.
#
# maxmemory: a fresh redis-server is filled with KEYSPACE/10 distinct keys of the trace's
# shape and its used_memory is taken as maxmemory, so exactly 10% of the keyspace fits on
# Redis. Both servers then get that same maxmemory (and the same policy and samples); a
# server that needs fewer bytes per key holds more keys, which the report shows.
set -euo pipefail
# shellcheck source=benches/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap bench_cleanup EXIT

REQUESTS="${REQUESTS:-1000000}"
KEYSPACE="${KEYSPACE:-1000000}"
ZIPF_S="${ZIPF_S:-0.99}"
SEED="${SEED:-42}"
WINDOW="${WINDOW:-200}"
SAMPLES="${SAMPLES:-5}"
POLICIES="${POLICIES:-allkeys-lru allkeys-lfu}"
PY="$BENCH_ROOT/benches/hit_ratio.py"
FIT=$((KEYSPACE / 10))

build_cinnabar
TMP="$(mktemp -d)"
trap 'bench_cleanup; rm -rf "$TMP"' EXIT

echo "trace: $(python3 "$PY" trace "$TMP/trace" "$REQUESTS" "$KEYSPACE" "$ZIPF_S" "$SEED")"

# fresh KIND: starts a server of that kind, sets PORT and SERVER_PID.
fresh() {
    PORT="$(free_port)"
    start_server "$1" "$PORT"
    wait_ready "$PORT" "$SERVER_PID"
}

field() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }

# Calibration: bytes per key on each server, maxmemory from Redis.
declare -A BPK
for kind in redis cinnabar; do
    fresh "$kind"
    base="$(redis-cli -p "$PORT" INFO memory | tr -d '\r' | awk -F: '/^used_memory:/ {print $2}')"
    out="$(python3 "$PY" fill "$PORT" "$FIT")"
    used="$(field "$out" used_memory)"
    BPK[$kind]="$(((used - base) / FIT))"
    echo "calibrate $kind: $FIT keys -> used_memory $used (baseline $base, $((BPK[$kind])) B/key)"
    if [ "$kind" = redis ]; then
        MAXMEMORY="${MAXMEMORY:-$used}"
    fi
    stop_server "$SERVER_PID"
done
echo "maxmemory=$MAXMEMORY samples=$SAMPLES window=$WINDOW"

printf '%-12s %-9s %9s %10s %12s %12s %10s\n' policy server hit_ratio keys_held used_memory evicted_keys seconds
declare -A RATIO
for policy in $POLICIES; do
    for kind in redis cinnabar; do
        fresh "$kind"
        mm="$MAXMEMORY"
        if [ "$kind" = cinnabar ] && [ -n "${CINNABAR_MAXMEMORY:-}" ]; then
            mm="$CINNABAR_MAXMEMORY"
        fi
        redis-cli -p "$PORT" CONFIG SET maxmemory "$mm" >/dev/null
        redis-cli -p "$PORT" CONFIG SET maxmemory-policy "$policy" >/dev/null
        redis-cli -p "$PORT" CONFIG SET maxmemory-samples "$SAMPLES" >/dev/null
        t0="$(date +%s.%N)"
        out="$(python3 "$PY" replay "$PORT" "$TMP/trace" "$WINDOW")"
        t1="$(date +%s.%N)"
        stop_server "$SERVER_PID"
        RATIO[$policy.$kind]="$(field "$out" hit_ratio)"
        printf '%-12s %-9s %9.4f %10s %12s %12s %10.1f\n' "$policy" "$kind" \
            "${RATIO[$policy.$kind]}" "$(field "$out" keys)" "$(field "$out" used_memory)" \
            "$(field "$out" evicted_keys)" "$(echo "$t1 - $t0" | bc)"
    done
done
for policy in $POLICIES; do
    python3 - "$policy" "${RATIO[$policy.redis]}" "${RATIO[$policy.cinnabar]}" <<'PY'
import sys
p, r, c = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
d = (c - r) * 100
verdict = "ok" if d >= -1.0 else "BELOW TARGET"
print(f"{p}: redis {r*100:.2f}%  cinnabar {c*100:.2f}%  difference {d:+.2f} points ({verdict}: target >= -1)")
PY
done
