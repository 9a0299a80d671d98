#!/usr/bin/env bash
# Eviction latency during a large maxmemory drop, redis-server vs cinnabar-server (issue 6).
#
#   bash benches/evict_latency.sh                        # 4M keys x 250 B (~1.3 GB each)
#   FILL_KEYS=1000000 MODES=probe bash benches/evict_latency.sh
#
# Env: FILL_KEYS (4000000), VALUE_SIZE (250), TARGET (maxmemory to drop to, bytes;
# default 64 MiB), POLICY (allkeys-lru), MODES ("probe idle"), POLL_MS (50),
# TIMEOUT_S (120), SERVERS ("redis cinnabar"), CINNABAR_BIN (skip the build).
#
# For each server and mode: a fresh server is filled with `redis-cli --pipe`
# (FILL_KEYS SETs of VALUE_SIZE bytes), the policy is set, then one connection sends
# CONFIG SET maxmemory TARGET (its own latency is reported) and polls INFO every POLL_MS
# until used_memory <= maxmemory (drain time). In "probe" mode another connection times
# sequential SETs throughout (p50/p99/max during the drain); in "idle" mode nothing else
# runs, so the drain time shows the background eviction (Redis's eviction time proc).
set -euo pipefail
# shellcheck source=benches/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap bench_cleanup EXIT

FILL_KEYS="${FILL_KEYS:-4000000}"
VALUE_SIZE="${VALUE_SIZE:-250}"
TARGET="${TARGET:-67108864}"
POLICY="${POLICY:-allkeys-lru}"
MODES="${MODES:-probe idle}"
SERVERS="${SERVERS:-redis cinnabar}"
PY="$BENCH_ROOT/benches/evict_latency.py"

build_cinnabar
echo "fill: $FILL_KEYS keys x $VALUE_SIZE B, policy $POLICY, drop to maxmemory $TARGET"
printf '%-6s %-9s %9s %9s %8s %9s %8s %8s %8s %8s %9s\n' mode server used_MB keys cfgset_ms drain_s p50_ms p99_ms max_ms probes evicted
for mode in $MODES; do
    for kind in $SERVERS; do
        PORT="$(free_port)"
        start_server "$kind" "$PORT"
        wait_ready "$PORT" "$SERVER_PID"
        redis-cli -p "$PORT" CONFIG SET maxmemory-policy "$POLICY" >/dev/null
        python3 "$PY" gen "$FILL_KEYS" "$VALUE_SIZE" | redis-cli -p "$PORT" --pipe >/dev/null
        out="$(python3 "$PY" drop "$PORT" "$TARGET" "$mode")"
        stop_server "$SERVER_PID"
        python3 - "$mode" "$kind" "$out" <<'PY'
import json, sys
mode, kind, r = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
drain = "%.2f" % r["drain_s"] if r["drain_s"] is not None else "timeout"
print("%-6s %-9s %9.0f %9d %8.2f %9s %8.3f %8.3f %8.2f %8d %9d" % (
    mode, kind, r["used_before"] / 2**20, r["keys_before"], r["config_set_ms"], drain,
    r["probe_p50_ms"], r["probe_p99_ms"], r["probe_max_ms"], r["probes_during"],
    r["evicted_keys"]))
PY
    done
done
