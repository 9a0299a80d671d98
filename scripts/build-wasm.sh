#!/usr/bin/env bash
# Builds the npm package's wasm: pkg/dist/cinnabar_bg.wasm + its wasm-bindgen glue.
#
#   bash scripts/build-wasm.sh        # (also: `npm run build` in pkg/)
#
# 1. cargo build --lib for wasm32-unknown-unknown with the size-tuned `wasm` profile
#    (opt-level "z"; CINNABAR_WASM_OPT_LEVEL=s trades ~90 KB gzipped for ~1.4x the
#    get/set speed: see pkg/README.md, "Size and speed")
# 2. wasm-bindgen (the CLI pinned to the crate's exact version, from ~/.cache/cinnabar-tools; installed
#    by scripts/setup-js.sh when missing) with the `web` glue, which every entry uses:
#    Node and workerd instantiate it synchronously with initSync, browsers with init()
# 3. wasm-opt from the npm `binaryen` package in pkg/node_modules, when installed
#    (never Debian's binaryen 108: it corrupts wasm-bindgen output), with a list of
#    size passes rather than -Oz: -Oz's inlining and function reordering make the file
#    smaller raw but ~30 KB *larger* gzipped (they break up the repetitive code gzip
#    feeds on). The list runs twice around --dae-optimizing (dead arguments) and
#    --precompute: the second round finds more to fold (~2 KB gzipped)
# Prints the .wasm size raw and gzipped.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$(pwd)

wb_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
wb="${CINNABAR_TOOLS:-$HOME/.cache/cinnabar-tools}/bin/wasm-bindgen"
if [ ! -x "$wb" ] || [ "$("$wb" --version | awk '{print $2}')" != "$wb_version" ]; then
    bash scripts/setup-js.sh --no-browser
fi

CARGO_PROFILE_WASM_OPT_LEVEL="${CINNABAR_WASM_OPT_LEVEL:-z}" \
    cargo build --quiet --lib --target wasm32-unknown-unknown --profile wasm
raw="target/wasm32-unknown-unknown/wasm/cinnabar.wasm"

out="pkg/dist"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$wb" --target web --out-dir "$tmp" --out-name cinnabar --no-typescript \
    --remove-name-section --remove-producers-section "$raw"

opt="pkg/node_modules/.bin/wasm-opt"
if [ -x "$opt" ]; then
    # The features rustc's wasm32 target emits by default (1.8x+).
    size_passes=(--duplicate-function-elimination --code-folding --remove-unused-brs --rse
        --optimize-instructions --vacuum --remove-unused-module-elements)
    "$opt" "${size_passes[@]}" --dae-optimizing --merge-blocks --remove-unused-names --precompute \
        "${size_passes[@]}" \
        --enable-bulk-memory --enable-sign-ext --enable-mutable-globals \
        --enable-nontrapping-float-to-int --enable-reference-types --enable-multivalue \
        "$tmp/cinnabar_bg.wasm" -o "$tmp/cinnabar_bg.opt.wasm"
    mv "$tmp/cinnabar_bg.opt.wasm" "$tmp/cinnabar_bg.wasm"
else
    echo "build-wasm: pkg/node_modules/.bin/wasm-opt not found (npm install in pkg/); skipping wasm-opt" >&2
fi

mkdir -p "$out"
cp "$tmp/cinnabar.js" "$tmp/cinnabar_bg.wasm" "$out/"
size=$(wc -c <"$out/cinnabar_bg.wasm")
gz=$(gzip -9 -c "$out/cinnabar_bg.wasm" | wc -c)
printf 'build-wasm: %s  %d bytes raw, %d bytes gzipped (cargo output %d bytes)\n' \
    "$out/cinnabar_bg.wasm" "$size" "$gz" "$(wc -c <"$raw")"
