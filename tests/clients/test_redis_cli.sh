#!/usr/bin/env bash
# Real-client tests: redis-cli (including a --pipe bulk load) and a redis-benchmark smoke
# run against a running scratch server.
#
#   CINNABAR_PORT=6379 bash tests/clients/test_redis_cli.sh
#
# The server at CINNABAR_HOST:CINNABAR_PORT (default 127.0.0.1:6379) is flushed first.
# tests/clients.rs runs this against a fresh cinnabar-server and a fresh redis-server.
# Prints one line per check and a closing "N passed, N failed" line; exits non-zero if
# any check failed.
set -uo pipefail

HOST="${CINNABAR_HOST:-127.0.0.1}"
PORT="${CINNABAR_PORT:-6379}"
PIPE_KEYS="${PIPE_KEYS:-100000}"

passed=0
failed=0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cli() { timeout 60 redis-cli -h "$HOST" -p "$PORT" "$@" 2>&1; }

# check NAME EXPECTED ACTUAL
check() {
    if [ "$2" == "$3" ]; then
        passed=$((passed + 1))
        printf 'ok   %s\n' "$1"
    else
        failed=$((failed + 1))
        printf 'FAIL %s\n  expected: %q\n  actual:   %q\n' "$1" "$2" "$3"
    fi
}

check "flushall" "OK" "$(cli FLUSHALL)"
check "ping" "PONG" "$(cli PING)"
check "ping with message" "hello world" "$(cli PING 'hello world')"
check "echo" "a b c" "$(cli ECHO 'a b c')"
check "set" "OK" "$(cli SET greeting hello)"
check "get" "hello" "$(cli GET greeting)"
check "get missing prints an empty line" "" "$(cli GET missing)"
check "incr" "1" "$(cli INCR counter)"
check "incrby" "42" "$(cli INCRBY counter 41)"
check "mget" $'hello\n42\n\nx' "$(cli MGET greeting counter missing; echo x)"
check "-r repeats a command" $'43\n44\n45' "$(cli -r 3 INCR counter)"
check "ttl without expiry" "-1" "$(cli TTL greeting)"
check "ttl of a missing key" "-2" "$(cli TTL missing)"
cli SET temp v EX 100 >/dev/null
ttl="$(cli TTL temp)"
check "ttl after SET EX 100 is 99..100" "yes" "$([[ "$ttl" == 99 || "$ttl" == 100 ]] && echo yes || echo "$ttl")"
check "type" "string" "$(cli TYPE greeting)"
check "exists" "2" "$(cli EXISTS greeting counter missing)"
check "del" "1" "$(cli DEL temp missing)"

# Errors are printed, the connection survives.
cli SET word abc >/dev/null
check "error text for INCR on text" "ERR value is not an integer or out of range" "$(cli INCR word | head -n 1)"
check "unknown command" "ERR unknown command 'nosuchcmd', with args beginning with: 'x' " \
    "$(cli nosuchcmd x | head -n 1)"
check "wrong arity" "ERR wrong number of arguments for 'get' command" "$(cli GET | head -n 1)"

# Values through stdin (-x) are binary-safe and come back byte for byte with --raw.
head -c 65536 /dev/urandom >"$work/blob"
printf '\r\n\0tail' >>"$work/blob"
size="$(stat -c %s "$work/blob")"
check "-x set from stdin" "OK" "$(cli -x SET blob <"$work/blob")"
check "strlen of the binary value" "$size" "$(cli STRLEN blob)"
cli --raw GET blob >"$work/blob.out"
head -c "$size" "$work/blob.out" >"$work/blob.back"
check "binary value round-trips" "same" "$(cmp -s "$work/blob" "$work/blob.back" && echo same || echo differs)"
check "multi-line value with --raw" $'line1\nline2' "$(cli SET ml $'line1\nline2' >/dev/null; cli --raw GET ml)"

# Databases.
check "select with -n" "OK" "$(cli -n 3 SET only-in-3 yes)"
check "other database is separate" "" "$(cli GET only-in-3)"
check "dbsize in database 3" "1" "$(cli -n 3 DBSIZE)"
check "info keyspace lists db3" "db3:keys=1,expires=0" "$(cli INFO keyspace | tr -d '\r' | grep '^db3:' | cut -d, -f1,2)"
check "flushdb on database 3" "OK" "$(cli -n 3 FLUSHDB)"
check "database 3 is empty" "0" "$(cli -n 3 DBSIZE)"

# --pipe bulk load: PIPE_KEYS SETs plus 1000 INCRs in raw RESP.
check "flushall before the bulk load" "OK" "$(cli FLUSHALL)"
awk -v n="$PIPE_KEYS" 'BEGIN {
    for (i = 0; i < n; i++) {
        k = "key:" i; v = "value:" i
        printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n", length(k), k, length(v), v
    }
    for (i = 0; i < 1000; i++) printf "*2\r\n$4\r\nINCR\r\n$4\r\nhits\r\n"
}' >"$work/bulk.resp"
pipe_out="$(timeout 300 redis-cli -h "$HOST" -p "$PORT" --pipe <"$work/bulk.resp" 2>&1)"
check "--pipe reports every reply, no errors" "errors: 0, replies: $((PIPE_KEYS + 1000))" \
    "$(printf '%s\n' "$pipe_out" | grep -o 'errors: [0-9]*, replies: [0-9]*')"
check "dbsize after the bulk load" "$((PIPE_KEYS + 1))" "$(cli DBSIZE)"
check "first bulk key" "value:0" "$(cli GET key:0)"
last=$((PIPE_KEYS - 1))
check "last bulk key" "value:$last" "$(cli GET "key:$last")"
check "counter after 1000 pipelined INCRs" "1000" "$(cli GET hits)"
check "--scan with a pattern" "11" "$(cli --scan --pattern 'key:1234*' | wc -l | tr -d ' ')"
check "keys with a pattern" "11" "$(cli KEYS 'key:1234*' | wc -l | tr -d ' ')"
check "info keyspace after the bulk load" "db0:keys=$((PIPE_KEYS + 1)),expires=0" \
    "$(cli INFO keyspace | tr -d '\r' | grep '^db0:' | cut -d, -f1,2)"

# redis-benchmark: finishes, and leaves the values it wrote.
check "flushall before redis-benchmark" "OK" "$(cli FLUSHALL)"
bench_out="$(timeout 120 redis-benchmark -h "$HOST" -p "$PORT" -t set,get,incr -n 2000 -c 4 -P 4 --csv 2>&1)"
bench_rc=$?
check "redis-benchmark exits 0" "0" "$bench_rc"
check "redis-benchmark reports SET, GET and INCR" "3" \
    "$(printf '%s\n' "$bench_out" | grep -c -E '^"(SET|GET|INCR)",')"
check "3-byte value written by the SET test" "3" "$(cli STRLEN key:__rand_int__)"
check "counter after 2000 INCRs" "2000" "$(cli GET counter:__rand_int__)"

echo "redis-cli $(redis-cli --version | awk '{print $2}') against $HOST:$PORT"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
