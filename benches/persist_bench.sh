#!/usr/bin/env bash
# Persistence, side by side with redis-server (same settings, same files, one run):
#   1. SET throughput with appendonly yes, appendfsync everysec and always;
#   2. start time with KEYS keys (default 1M) from a dump.rdb and from an AOF, both
#      written by redis-server and loaded by each server;
#   3. the longest pause a client sees while BGSAVE runs over KEYS keys (a PING loop),
#      with the server's own figure (cinnabar logs its longest snapshot step; redis
#      reports latest_fork_usec).
#
#   bash benches/persist_bench.sh
#   KEYS=200000 N=100000 bash benches/persist_bench.sh
#
# Env: KEYS (default 1000000), N (SET requests per throughput run, default 200000),
# CLIENTS (default 50), PIPELINE (default 1), RUNS (throughput runs per server, median
# reported, default 3), CINNABAR_BIN (prebuilt server).
set -euo pipefail

# shellcheck source=benches/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
WORK="$(mktemp -d)"
trap 'bench_cleanup; rm -rf "$WORK"' EXIT

KEYS="${KEYS:-1000000}"
N="${N:-200000}"
CLIENTS="${CLIENTS:-50}"
PIPELINE="${PIPELINE:-1}"
RUNS="${RUNS:-3}"

require_tools redis-server redis-benchmark redis-cli python3
build_cinnabar

# launch KIND PORT DIR [options...]: start a server with its data in DIR (log in DIR/log).
launch() {
    local kind="$1" port="$2" dir="$3"
    shift 3
    case "$kind" in
        redis)
            redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no \
                --daemonize no --protected-mode no --logfile "$dir/log" "$@" >/dev/null 2>&1 &
            ;;
        cinnabar)
            "$CINNABAR_BIN" --port "$port" --bind 127.0.0.1 --dir "$dir" "$@" >"$dir/log" 2>&1 &
            ;;
    esac
    SERVER_PID=$!
    BENCH_PIDS+=("$SERVER_PID")
}

now_ms() { python3 -c 'import time; print(int(time.time()*1000))'; }

echo "== 1. SET throughput with the AOF on (c=$CLIENTS P=$PIPELINE n=$N, median of $RUNS alternating runs)"
median() { python3 -c 'import sys, statistics; print(statistics.median(float(x) for x in sys.argv[1:]))' "$@"; }
for policy in everysec always; do
    r_all=()
    c_all=()
    for ((run = 0; run < RUNS; run++)); do
        for kind in redis cinnabar; do
            dir="$WORK/tp-$kind-$policy-$run"
            mkdir -p "$dir"
            port="$(free_port)"
            launch "$kind" "$port" "$dir" --appendonly yes --appendfsync "$policy"
            wait_ready "$port" "$SERVER_PID"
            out="$(redis-benchmark -h 127.0.0.1 -p "$port" -t set -n "$N" -c "$CLIENTS" -P "$PIPELINE" \
                -r 100000 -q --csv 2>/dev/null | tail -1)"
            v="$(echo "$out" | cut -d, -f2 | tr -d '"')"
            if [ "$kind" = redis ]; then r_all+=("$v"); else c_all+=("$v"); fi
            stop_server "$SERVER_PID"
        done
    done
    r="$(median "${r_all[@]}")"
    c="$(median "${c_all[@]}")"
    ratio="$(python3 -c "print(f'{$c/$r:.2f}')")"
    printf '  appendfsync %-8s redis %10s rps   cinnabar %10s rps   ratio %s   (runs: redis %s; cinnabar %s)\n' \
        "$policy" "$r" "$c" "$ratio" "${r_all[*]}" "${c_all[*]}"
done

echo "== 2. start time with $KEYS keys (files written by redis-server)"
src="$WORK/src"
mkdir -p "$src"
port="$(free_port)"
launch redis "$port" "$src" --appendonly yes --appendfsync no
wait_ready "$port" "$SERVER_PID"
python3 - "$KEYS" <<'EOF' | redis-cli -h 127.0.0.1 -p "$port" --pipe >/dev/null
import sys
n = int(sys.argv[1])
out = sys.stdout.buffer
for i in range(n):
    k = b"key:%d" % i
    v = b"value:%d" % i
    out.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(k), k, len(v), v))
EOF
redis-cli -h 127.0.0.1 -p "$port" SAVE >/dev/null
redis-cli -h 127.0.0.1 -p "$port" DBSIZE
stop_server "$SERVER_PID"
# start_time KIND SOURCE(rdb|aof): ms from launch to the first PONG.
start_time() {
    local kind="$1" what="$2" dir="$WORK/st-$1-$2" t0 t1
    rm -rf "$dir"
    mkdir -p "$dir"
    if [ "$what" = rdb ]; then
        cp "$src/dump.rdb" "$dir/"
        set -- --appendonly no
    else
        cp -r "$src/appendonlydir" "$dir/"
        set -- --appendonly yes
    fi
    port="$(free_port)"
    t0="$(now_ms)"
    launch "$kind" "$port" "$dir" "$@"
    until [ "$(redis-cli -h 127.0.0.1 -p "$port" PING 2>/dev/null)" = "PONG" ]; do
        sleep 0.01
    done
    t1="$(now_ms)"
    local n
    n="$(redis-cli -h 127.0.0.1 -p "$port" DBSIZE)"
    stop_server "$SERVER_PID"
    echo "$((t1 - t0)) $n"
}
for what in rdb aof; do
    read -r r rn <<<"$(start_time redis "$what")"
    read -r c cn <<<"$(start_time cinnabar "$what")"
    printf '  from %-3s  redis %6s ms (%s keys)   cinnabar %6s ms (%s keys)\n' "$what" "$r" "$rn" "$c" "$cn"
done

echo "== 3. longest pause seen by a client during BGSAVE of $KEYS keys"
probe() {
    # PING in a loop on one connection while BGSAVE runs (started from another one);
    # prints the longest round trip in microseconds.
    python3 - "$1" <<'EOF'
import socket, sys, time
port = int(sys.argv[1])
p = socket.create_connection(("127.0.0.1", port)); p.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
c = socket.create_connection(("127.0.0.1", port))
def cmd(s, b):
    s.sendall(b)
    return s.recv(65536)
# Baseline for a moment, then BGSAVE.
worst = 0
t_end = time.time() + 0.3
while time.time() < t_end:
    t = time.perf_counter(); cmd(p, b"PING\r\n"); worst = max(worst, time.perf_counter() - t)
base = worst
worst = 0
cmd(c, b"BGSAVE\r\n")
deadline = time.time() + 120
done_checks = 0
while time.time() < deadline:
    t = time.perf_counter(); cmd(p, b"PING\r\n"); worst = max(worst, time.perf_counter() - t)
    done_checks += 1
    if done_checks % 200 == 0:
        info = cmd(c, b"INFO persistence\r\n")
        while b"aof_last_cow_size" not in info:
            info += c.recv(65536)
        if b"rdb_bgsave_in_progress:0" in info:
            break
print(int(base * 1e6), int(worst * 1e6))
EOF
}
for kind in redis cinnabar; do
    dir="$WORK/bg-$kind"
    mkdir -p "$dir"
    cp "$src/dump.rdb" "$dir/"
    port="$(free_port)"
    launch "$kind" "$port" "$dir"
    wait_ready "$port" "$SERVER_PID" 120
    read -r base worst <<<"$(probe "$port")"
    extra=""
    if [ "$kind" = redis ]; then
        extra="latest_fork_usec=$(redis-cli -h 127.0.0.1 -p "$port" INFO stats | grep latest_fork_usec | cut -d: -f2 | tr -d '\r')"
    else
        extra="$(grep -o 'pause per step.*' "$dir/log" | tail -1)"
    fi
    printf '  %-8s  PING max RTT before %6s us, during BGSAVE %6s us  (%s)\n' "$kind" "$base" "$worst" "$extra"
    stop_server "$SERVER_PID"
done
