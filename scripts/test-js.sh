#!/usr/bin/env bash
# The npm package's tests: build, pack, install the tarball in a fresh folder, then run
# the Node tests (tests/js), the TypeScript check, the headless Chromium tests
# (tests/browser), the workerd tests and the Deno tests (tests/edge) against it.
#
#   bash scripts/test-js.sh            # setup (skips what is present) + build + all tests
#   SKIP_SETUP=1 bash scripts/test-js.sh
#   JS_TESTS="node types" bash scripts/test-js.sh   # a subset of: node types browser edge deno
#
# Screenshots of the browser tests go to tests/artifacts/browser/.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
root=$(pwd)
suites=${JS_TESTS:-"node types browser edge deno"}

if [ "${SKIP_SETUP:-0}" != 1 ]; then
    bash scripts/setup-js.sh || {
        echo "test-js.sh: scripts/setup-js.sh failed" >&2
        exit 1
    }
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then bash scripts/build-wasm.sh || exit 1; fi

# Pack exactly what would be published, and install it where nothing else is.
mkdir -p target/npm
rm -f target/npm/cinnabar-*.tgz
(cd pkg && npm pack --silent --pack-destination "$root/target/npm" >/dev/null) || exit 1
tgz=$(ls "$root"/target/npm/cinnabar-*.tgz)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(
    cd "$work" &&
        printf '{ "name": "cinnabar-consumer", "private": true, "type": "module" }\n' >package.json &&
        npm install --no-audit --no-fund --loglevel=error "$tgz" >/dev/null
) || {
    echo "test-js.sh: npm install of $tgz failed" >&2
    exit 1
}
# Test-only tools come from tests/js/node_modules (linked, so the package under test is
# the only thing installed here from the tarball).
for dep in "$root"/tests/js/node_modules/* "$root"/tests/js/node_modules/@*; do
    name=$(basename "$dep")
    [ -e "$work/node_modules/$name" ] || ln -s "$dep" "$work/node_modules/$name"
done
cp tests/js/*.test.mjs tests/js/types-check.ts tests/js/tsconfig.json "$work/"
cp tests/browser/*.test.mjs tests/edge/*.test.mjs "$work/" 2>/dev/null || true
export CINNABAR_ROOT="$root"

status=0
files=()
for s in $suites; do
    case "$s" in
        node) files+=(api.test.mjs hooks.test.mjs rdb.test.mjs families.test.mjs events.test.mjs cjs.test.mjs fastpath.test.mjs) ;;
        types) files+=(types.test.mjs) ;;
        browser) files+=(browser.test.mjs) ;;
        edge) files+=(edge.test.mjs) ;;
        deno) files+=(deno.test.mjs) ;;
        *) echo "test-js.sh: unknown suite $s" >&2; exit 2 ;;
    esac
done
(cd "$work" && node --test --test-concurrency=1 "${files[@]}") || status=1
exit $status
