#!/usr/bin/env bash
# The project's test command: installs what the tests need, then runs every check.
#
#   bash scripts/test.sh                 # everything
#   bash scripts/test.sh against_redis   # all checks, but only the cargo tests whose name
#                                        # contains "against_redis"
#   SKIP_SETUP=1 bash scripts/test.sh    # don't run scripts/setup.sh first
#
# Steps: cargo fmt --check; clippy (all targets, native feature, -D warnings); the engine
# built for wasm32-unknown-unknown; cargo test --features native (unit, engine,
# differential tests against a real redis-server, and the real-client tests in
# tests/clients.rs: redis-py, ioredis, redis-cli --pipe, redis-benchmark).
# Every step runs even when an earlier one fails; the exit status is non-zero if any
# failed. The closing line counts each cargo test plus each of the three build checks.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1

if [ "${SKIP_SETUP:-0}" != 1 ]; then
    bash scripts/setup.sh || {
        echo "test.sh: scripts/setup.sh failed" >&2
        exit 1
    }
fi

logdir="$(mktemp -d)"
trap 'rm -rf "$logdir"' EXIT

checks_passed=0
checks_failed=0
report=()

# step NAME COMMAND...: runs a build check, records ok/FAILED with its duration.
step() {
    local name="$1"
    shift
    local start=$SECONDS
    printf '\n==> %s: %s\n' "$name" "$*"
    if "$@"; then
        checks_passed=$((checks_passed + 1))
        report+=("$(printf '%-8s ok      (%ds)' "$name" $((SECONDS - start)))")
    else
        checks_failed=$((checks_failed + 1))
        report+=("$(printf '%-8s FAILED  (%ds)' "$name" $((SECONDS - start)))")
    fi
}

step fmt cargo fmt --check
step clippy cargo clippy --all-targets --features native -- -D warnings
step wasm cargo build --lib --target wasm32-unknown-unknown

# cargo test: every test binary runs (--no-fail-fast); counts come from its
# "test result:" lines.
start=$SECONDS
test_args=(test --features native --no-fail-fast)
if [ "$#" -gt 0 ]; then
    test_args+=(-- "$@")
fi
printf '\n==> test: cargo %s\n' "${test_args[*]}"
cargo "${test_args[@]}" 2>&1 | tee "$logdir/test.log"
test_rc=${PIPESTATUS[0]}
read -r t_passed t_failed t_ignored < <(
    grep -E '^test result: ' "$logdir/test.log" | awk '
        { for (i = 1; i <= NF; i++) {
            if ($(i) ~ /^passed;?$/) p += $(i - 1)
            if ($(i) ~ /^failed;?$/) f += $(i - 1)
            if ($(i) ~ /^ignored;?$/) g += $(i - 1)
        } }
        END { printf "%d %d %d\n", p, f, g }'
)
# A test binary that crashed (signal, abort) has no "test result:" line: count each
# target cargo reports failed beyond those with a FAILED result line as one failure.
targets_failed="$(sed -n 's/^error: \([0-9]*\) targets failed:$/\1/p' "$logdir/test.log" | tail -n 1)"
if [ -z "$targets_failed" ]; then
    targets_failed="$(grep -c '^error: test failed, to rerun' "$logdir/test.log")"
fi
results_failed="$(grep -c '^test result: FAILED' "$logdir/test.log")"
if [ "$targets_failed" -gt "$results_failed" ] && [ "$t_failed" -gt 0 ]; then
    t_failed=$((t_failed + targets_failed - results_failed))
fi
if [ "$test_rc" -ne 0 ] && [ "$t_failed" -eq 0 ]; then
    # Failed without a failing test counted: a build error or a crashed test binary.
    t_failed=1
    report+=("$(printf '%-8s FAILED  (%ds) cargo test exited %d before reporting a failure' \
        test $((SECONDS - start)) "$test_rc")")
else
    report+=("$(printf '%-8s %-7s (%ds) %d passed, %d failed, %d ignored' test \
        "$([ "$test_rc" -eq 0 ] && echo ok || echo FAILED)" $((SECONDS - start)) \
        "$t_passed" "$t_failed" "$t_ignored")")
fi

# The npm package: build, pack, install the tarball, run Node/TypeScript/Chromium/workerd
# tests (scripts/test-js.sh). Counts come from node --test's "# pass N" / "# fail N".
js_passed=0
js_failed=0
if [ "$#" -eq 0 ]; then
    start=$SECONDS
    printf '\n==> js: bash scripts/test-js.sh\n'
    SKIP_SETUP="${SKIP_SETUP:-0}" bash scripts/test-js.sh 2>&1 | tee "$logdir/js.log"
    js_rc=${PIPESTATUS[0]}
    js_passed=$(awk '/^# pass / {p += $3} END {print p + 0}' "$logdir/js.log")
    js_failed=$(awk '/^# fail / {f += $3} END {print f + 0}' "$logdir/js.log")
    if [ "$js_rc" -ne 0 ] && [ "$js_failed" -eq 0 ]; then
        js_failed=1
    fi
    report+=("$(printf '%-8s %-7s (%ds) %d passed, %d failed' js \
        "$([ "$js_rc" -eq 0 ] && echo ok || echo FAILED)" $((SECONDS - start)) "$js_passed" "$js_failed")")
fi

total_passed=$((checks_passed + t_passed + js_passed))
total_failed=$((checks_failed + t_failed + js_failed))
printf '\n==> summary\n'
printf '  %s\n' "${report[@]}"
if [ "$t_ignored" -gt 0 ]; then
    printf 'summary: %d passed, %d failed, %d skipped\n' "$total_passed" "$total_failed" "$t_ignored"
else
    printf 'summary: %d passed, %d failed\n' "$total_passed" "$total_failed"
fi
[ "$total_failed" -eq 0 ] && [ "$test_rc" -eq 0 ]
