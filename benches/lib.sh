# shellcheck shell=bash
# Shared helpers for the benchmark scripts (sourced, not run).
# Servers are started on free 127.0.0.1 ports and stopped by PID.

BENCH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Override with CINNABAR_BIN=/path/to/cinnabar-server (then nothing is built).
CINNABAR_BIN="${CINNABAR_BIN:-$BENCH_ROOT/target/release/cinnabar-server}"
BENCH_BUILD=1
if [ "$CINNABAR_BIN" != "$BENCH_ROOT/target/release/cinnabar-server" ]; then
    BENCH_BUILD=0
fi

# PIDs of servers started here and not yet stopped; bench_cleanup (on exit) stops them.
BENCH_PIDS=()

bench_cleanup() {
    local pid
    for pid in "${BENCH_PIDS[@]}"; do
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    BENCH_PIDS=()
}

# Prints a free loopback port.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Builds the release server (unless CINNABAR_BIN points elsewhere).
build_cinnabar() {
    [ "$BENCH_BUILD" = 1 ] || return 0
    echo "building release cinnabar-server..." >&2
    (cd "$BENCH_ROOT" && cargo build --quiet --release --features native --bin cinnabar-server)
}

# wait_ready PORT PID [SECONDS]: waits until the server answers PING.
wait_ready() {
    local port="$1" pid="$2" limit="${3:-30}" waited=0
    until [ "$(redis-cli -h 127.0.0.1 -p "$port" PING 2>/dev/null)" = "PONG" ]; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "server (pid $pid) exited during startup" >&2
            return 1
        fi
        if [ "$waited" -ge $((limit * 10)) ]; then
            echo "server (pid $pid) did not answer on port $port within ${limit}s" >&2
            return 1
        fi
        sleep 0.1
        waited=$((waited + 1))
    done
}

# start_server KIND PORT [WRAPPER...]: starts redis or cinnabar in the background,
# sets SERVER_PID. A wrapper (e.g. valgrind ...) runs the server under it.
start_server() {
    local kind="$1" port="$2"
    shift 2
    case "$kind" in
        redis)
            "$@" redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
                --daemonize no --protected-mode no --logfile '' >/dev/null 2>&1 &
            ;;
        cinnabar)
            "$@" "$CINNABAR_BIN" --port "$port" --bind 127.0.0.1 >/dev/null 2>&1 &
            ;;
        *)
            echo "unknown server kind: $kind" >&2
            return 2
            ;;
    esac
    SERVER_PID=$!
    BENCH_PIDS+=("$SERVER_PID")
}

# stop_server PID: asks it to exit (SIGTERM) and waits for it; SIGKILL after 120 s.
stop_server() {
    local pid="$1" i state
    kill "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 1200; i++)); do
        # Field 3 of /proc/PID/stat is the state; Z = exited, not yet reaped.
        state="$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)" || state=""
        if [ -z "$state" ] || [ "$state" = Z ]; then
            break
        fi
        sleep 0.1
    done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    # Forget it: a reaped PID may be reused by an unrelated process.
    local keep=() p
    for p in "${BENCH_PIDS[@]}"; do
        [ "$p" = "$pid" ] || keep+=("$p")
    done
    BENCH_PIDS=("${keep[@]}")
}

# require_tools TOOL...: exits with a hint when one is missing (valgrind and
# callgrind_control come with `scripts/setup.sh --bench`, the rest with `scripts/setup.sh`).
require_tools() {
    local tool hint
    for tool in "$@"; do
        command -v "$tool" >/dev/null && continue
        case "$tool" in
            valgrind | callgrind_control) hint="bash scripts/setup.sh --bench" ;;
            *) hint="bash scripts/setup.sh" ;;
        esac
        echo "$tool is missing: run $hint" >&2
        exit 1
    done
}
