#!/usr/bin/env bash
# Memory per key, side by side: load the same data into a fresh redis-server and a fresh
# cinnabar-server (release build) with `redis-cli --pipe`, then compare each process's
# RSS growth and its own used_memory report.
#
#   bash benches/memory_compare.sh            # 1,000,000 string keys
#   KEYS=200000 SHAPE=hash bash benches/memory_compare.sh
#
# SHAPE: string (key:N -> value:N), int (key:N -> N), str100 (key:N -> a 100-byte value,
# Redis `raw` encoding, as in benches/hit_ratio.sh), hash (100k-style small hashes of
# 10 fields), bighash/set/zset (one big collection of KEYS members).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
KEYS="${KEYS:-1000000}"
SHAPE="${SHAPE:-string}"
BIN="${CINNABAR_BIN:-target/release/cinnabar-server}"
[ -x "$BIN" ] || cargo build --release --features native --bin cinnabar-server >/dev/null
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
gen() {
    python3 - "$KEYS" "$SHAPE" <<'PY'
import sys
n, shape = int(sys.argv[1]), sys.argv[2]
out = sys.stdout.buffer
def cmd(*a):
    b = b"*%d\r\n" % len(a)
    for x in a:
        x = x if isinstance(x, bytes) else str(x).encode()
        b += b"$%d\r\n%s\r\n" % (len(x), x)
    return b
buf = []
for i in range(n):
    if shape == "string": buf.append(cmd("SET", f"key:{i}", f"value:{i}"))
    elif shape == "int": buf.append(cmd("SET", f"key:{i}", i))
    elif shape == "str100": buf.append(cmd("SET", f"key:{i}", f"value:{i}:".ljust(100, "x")))
    elif shape == "hash":
        if i % 10 == 0: buf.append(cmd("HSET", f"h:{i//10}", *sum(([f"f{j}", f"v{j}"] for j in range(10)), [])))
    elif shape == "bighash": buf.append(cmd("HSET", "bighash", f"field:{i}", f"value:{i}"))
    elif shape == "set": buf.append(cmd("SADD", "bigset", f"member:{i}"))
    elif shape == "zset": buf.append(cmd("ZADD", "bigzset", i, f"member:{i}"))
    if len(buf) >= 10000:
        out.write(b"".join(buf)); buf = []
out.write(b"".join(buf))
PY
}
measure() {
    local name="$1"; shift
    local port; port="$(free_port)"
    "$@" --port "$port" --bind 127.0.0.1 >/dev/null 2>&1 &
    local pid=$!
    for _ in $(seq 200); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
    local before; before="$(rss_kib "$pid")"
    gen | redis-cli -p "$port" --pipe >/dev/null
    local after; after="$(rss_kib "$pid")"
    local used; used="$(redis-cli -p "$port" info memory | tr -d '\r' | awk -F: '/^used_memory:/ {print $2}')"
    local dbsize; dbsize="$(redis-cli -p "$port" dbsize)"
    kill "$pid"; wait "$pid" 2>/dev/null || true
    printf '%-10s keys=%-8s rss_delta=%8d KiB  used_memory=%10d B  rss/unit=%6.1f B\n' \
        "$name" "$dbsize" "$((after - before))" "$used" "$(python3 -c "print(($after-$before)*1024/$KEYS)")"
    echo "$((after - before))" >"/tmp/memcmp.$name"
}
echo "shape=$SHAPE units=$KEYS"
measure redis redis-server --save '' --appendonly no
measure cinnabar "$BIN"
python3 -c "r=int(open('/tmp/memcmp.redis').read()); c=int(open('/tmp/memcmp.cinnabar').read()); print(f'ratio cinnabar/redis (RSS growth): {c/r:.2f}')"
