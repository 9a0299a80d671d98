#!/usr/bin/env bash
# Installs what the npm package build and the JS tests need, skipping whatever is present.
#
#   bash scripts/setup-js.sh            # wasm target, wasm-bindgen CLI, npm deps, chromium
#   bash scripts/setup-js.sh --no-browser   # skip chromium (Node and workerd tests only)
#
# - the Rust target wasm32-unknown-unknown (rustup)
# - wasm-bindgen-cli at exactly the version of the wasm-bindgen crate in Cargo.lock,
#   installed into ~/.cache/cinnabar-tools (or $CINNABAR_TOOLS; cached between runs)
# - npm dependencies of pkg/ (binaryen's wasm-opt) and of the test folders
#   (typescript, playwright-core, miniflare, and the benchmark peers)
# - Debian's chromium for the headless browser tests
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)

want_browser=1
for arg in "$@"; do
    case "$arg" in
        --no-browser) want_browser=0 ;;
        -h | --help)
            sed -n '2,12p' "$0"
            exit 0
            ;;
        *)
            echo "setup-js.sh: unknown argument: $arg" >&2
            exit 2
            ;;
    esac
done

log() { printf 'setup-js: %s\n' "$*"; }

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    SUDO=(sudo)
fi

# --- Rust: wasm target ------------------------------------------------------------------
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    log "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
fi

# --- wasm-bindgen CLI, pinned to the crate's exact version ----------------------------------
# The version comes from Cargo.lock (Cargo.toml pins it with `=`).
wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$wb_version" ]; then
    echo "setup-js: no wasm-bindgen in Cargo.lock (run cargo build --target wasm32-unknown-unknown first)" >&2
    exit 1
fi
# Outside the work tree so fresh clones on the same machine reuse it (override with
# CINNABAR_TOOLS); a new machine simply installs it.
tools="${CINNABAR_TOOLS:-$HOME/.cache/cinnabar-tools}"
wb="$tools/bin/wasm-bindgen"
if [ ! -x "$wb" ] || [ "$("$wb" --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
    log "installing wasm-bindgen-cli $wb_version into $tools (a few minutes, once)"
    mkdir -p "$tools"
    # The crate's own lockfile may name versions the reachable registry lacks (0.2.130's
    # wants webpki-roots 1.0.11). Try --locked first; if that fails, unpack the .crate the
    # attempt downloaded, pin webpki-roots to one that exists, and install from it locked.
    if ! cargo install wasm-bindgen-cli --version "=$wb_version" --locked --root "$tools" 2>"$tools/install.log"; then
        crate=$(ls "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/wasm-bindgen-cli-"$wb_version".crate 2>/dev/null | head -n1 || true)
        if [ -z "$crate" ]; then
            cat "$tools/install.log" >&2
            echo "setup-js: wasm-bindgen-cli $wb_version could not be downloaded" >&2
            exit 1
        fi
        src="$tools/src"
        rm -rf "$src"
        mkdir -p "$src"
        tar -xzf "$crate" -C "$src"
        dir="$src/wasm-bindgen-cli-$wb_version"
        (cd "$dir" && cargo update -q -p webpki-roots --precise 1.0.10) ||
            (cd "$dir" && cargo update -q) # last resort: an unlocked resolution
        cargo install --path "$dir" --locked --root "$tools"
        rm -rf "$src"
    fi
    "$wb" --version
fi

# --- npm dependencies -----------------------------------------------------------------------
npm_install() { # npm_install DIR: npm ci (or install) when node_modules is missing or stale
    local dir="$1"
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package.json" -nt "$dir/node_modules" ]; then
        log "npm install in $dir"
        (
            cd "$dir"
            if [ -f package-lock.json ]; then
                npm ci --no-audit --no-fund --loglevel=error
            else
                npm install --no-audit --no-fund --loglevel=error
            fi
            touch node_modules
        )
    fi
}
npm_install pkg
npm_install tests/js

# --- chromium for tests/browser -------------------------------------------------------------
if [ "$want_browser" -eq 1 ] && ! command -v chromium >/dev/null 2>&1; then
    log "apt-get install chromium"
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update -qq >/dev/null
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

log "ok"
