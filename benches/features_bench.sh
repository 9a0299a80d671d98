#!/usr/bin/env bash
# Transactions, Pub/Sub fan-out and scripting hooks beside redis-server, in one run.
#
#   bash benches/features_bench.sh          # N=100000 requests per test
#
# 1. PUBLISH to a channel with 50 subscribers (redis-cli SUBSCRIBE processes reading):
#    redis-benchmark PUBLISH throughput.
# 2. MULTI + 10 SETs + EXEC: pipelined transactions from one raw client; transactions/s.
# 3. An atomic GET+SET: on Redis an EVAL of a Lua script, on Cinnabar the built-in hook
#    `cas` (FCALL cas 1 key v v does a GET and, as the value matches, a SET).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
trap 'pkill -P $$ redis-cli 2>/dev/null || true; bench_cleanup' EXIT
N="${N:-100000}"
build_cinnabar

start() { # start NAME -> prints port; server PID recorded for cleanup
    local port; port="$(free_port)"
    if [ "$1" = redis ]; then
        redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 &
    else
        "$CINNABAR_BIN" --port "$port" --bind 127.0.0.1 >/dev/null 2>&1 &
    fi
    BENCH_PIDS+=($!)
    wait_ready "$port" "$!"
    echo "$port"
}

rps() { # rps PORT CLIENTS COMMAND... -> requests per second
    local port="$1" clients="$2"
    shift 2
    redis-benchmark -p "$port" -n "$N" -c "$clients" --csv "$@" 2>/dev/null |
        python3 -c 'import csv, sys; rows = list(csv.reader(sys.stdin)); print(rows[-1][1] if rows else 0)'
}

tx_rate() { # tx_rate PORT -> MULTI/10xSET/EXEC transactions per second
    python3 - "$1" "$N" <<'PY'
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2]) // 10
def cmd(*a):
    out = b"*%d\r\n" % len(a)
    for x in a:
        x = x.encode()
        out += b"$%d\r\n%s\r\n" % (len(x), x)
    return out
tx = cmd("MULTI") + b"".join(cmd("SET", f"k{i}", "v") for i in range(10)) + cmd("EXEC")
reply = b"+OK\r\n" + b"+QUEUED\r\n" * 10 + b"*10\r\n" + b"+OK\r\n" * 10
s = socket.create_connection(("127.0.0.1", port))
batch = 100
t0 = time.perf_counter()
done = 0
while done < n:
    k = min(batch, n - done)
    s.sendall(tx * k)
    want = len(reply) * k
    got = 0
    while got < want:
        chunk = s.recv(1 << 20)
        if not chunk:
            raise SystemExit("connection closed")
        got += len(chunk)
    done += k
print(f"{n / (time.perf_counter() - t0):.0f}")
PY
}

declare -A R
for srv in redis cinnabar; do
    port="$(start "$srv")"
    for _ in $(seq 50); do
        redis-cli -p "$port" SUBSCRIBE news >/dev/null 2>&1 &
    done
    until [ "$(redis-cli -p "$port" PUBSUB NUMSUB news | tail -n 1)" = 50 ]; do sleep 0.05; done
    R[$srv,publish]="$(rps "$port" 10 PUBLISH news hello-subscribers)"
    pkill -P $$ redis-cli 2>/dev/null || true
    R[$srv,multi]="$(tx_rate "$port")"
    redis-cli -p "$port" SET k v >/dev/null
    if [ "$srv" = redis ]; then
        R[$srv,hook]="$(rps "$port" 50 EVAL \
            "if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('set', KEYS[1], ARGV[2]) return 1 end return 0" \
            1 k v v)"
    else
        R[$srv,hook]="$(rps "$port" 50 FCALL cas 1 k v v)"
    fi
    bench_cleanup
done
printf '%-36s %12s %12s %7s\n' test redis cinnabar ratio
for t in publish multi hook; do
    case $t in
        publish) label="PUBLISH to 50 subscribers (rps)" ;;
        multi) label="MULTI + 10 SET + EXEC (tx/s)" ;;
        hook) label="atomic GET+SET: EVAL vs hook (rps)" ;;
    esac
    printf '%-36s %12.0f %12.0f %7.2f\n' "$label" "${R[redis,$t]}" "${R[cinnabar,$t]}" \
        "$(python3 -c "print(${R[cinnabar,$t]} / ${R[redis,$t]})")"
done
