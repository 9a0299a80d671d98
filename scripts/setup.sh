#!/usr/bin/env bash
# Installs everything the test suite needs, skipping whatever is already present.
#
#   bash scripts/setup.sh          # test dependencies
#   bash scripts/setup.sh --bench  # also the benchmark tools (valgrind)
#
# Safe to run repeatedly: each step checks first and prints only what it installs.
# Expects a Debian machine with cargo/rustup, node/npm and python3 already present;
# runs apt-get through sudo when not root.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

want_bench=0
for arg in "$@"; do
    case "$arg" in
        --bench) want_bench=1 ;;
        -h | --help)
            sed -n '2,9p' "$0"
            exit 0
            ;;
        *)
            echo "setup.sh: unknown argument: $arg" >&2
            exit 2
            ;;
    esac
done

# Exact versions of the client libraries the real-client tests are written against.
PY_REDIS_VERSION="8.1.0"

log() { printf 'setup: %s\n' "$*"; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    SUDO=(sudo)
fi

# --- Debian packages ---------------------------------------------------------------
apt_missing=()
need_cmd_pkg() { # need_cmd_pkg COMMAND PACKAGE
    if ! command -v "$1" >/dev/null 2>&1; then
        apt_missing+=("$2")
    fi
}
need_cmd_pkg redis-server redis-server
need_cmd_pkg redis-cli redis-tools
need_cmd_pkg redis-benchmark redis-tools
if [ "$want_bench" -eq 1 ]; then
    need_cmd_pkg valgrind valgrind
fi
if [ "${#apt_missing[@]}" -gt 0 ]; then
    # Deduplicate (redis-tools can be listed twice).
    mapfile -t apt_missing < <(printf '%s\n' "${apt_missing[@]}" | sort -u)
    log "apt-get install ${apt_missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update -qq >/dev/null
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
fi

# --- Python: redis-py ---------------------------------------------------------------
py_has_redis() {
    python3 - "$PY_REDIS_VERSION" <<'PY' 2>/dev/null
import sys
import redis
sys.exit(0 if redis.__version__ == sys.argv[1] else 1)
PY
}
if ! py_has_redis; then
    log "pip install redis==$PY_REDIS_VERSION"
    pip_args=(install --quiet --disable-pip-version-check "redis==$PY_REDIS_VERSION")
    if [ "$(id -u)" -eq 0 ]; then
        pip_args+=(--root-user-action=ignore)
    fi
    # A Debian-managed python refuses plain installs (PEP 668); this is a throwaway
    # test machine, so fall back to --break-system-packages there.
    if ! python3 -m pip "${pip_args[@]}" 2>/dev/null; then
        python3 -m pip "${pip_args[@]}" --break-system-packages
    fi
    py_has_redis || {
        echo "setup: redis-py $PY_REDIS_VERSION is still not importable by python3" >&2
        exit 1
    }
fi

# --- Rust: wasm target --------------------------------------------------------------
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    log "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown >/dev/null 2>&1 ||
        rustup target add wasm32-unknown-unknown
fi

# --- Node: packages for tests/clients/node -------------------------------------------
node_dir=tests/clients/node
if [ ! -d "$node_dir/node_modules" ]; then
    log "npm ci in $node_dir"
    (
        cd "$node_dir"
        if [ -f package-lock.json ]; then
            npm ci --no-audit --no-fund --loglevel=error
        else
            npm install --no-audit --no-fund --loglevel=error
        fi
    )
fi

log "ok"
