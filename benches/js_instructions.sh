#!/usr/bin/env bash
# Instructions per db.get and db.set of the npm package in Node (callgrind), the
# repeatable companion of js_bench.mjs's throughput ratios.
#
#   bash benches/js_instructions.sh                  # pkg/dist as built
#   CINNABAR_PKG=/abs/path/pkg/src/node.js bash benches/js_instructions.sh
#
# Each figure: (instructions of 25 passes - instructions of 5 passes) / (20 x N).
# Node runs with --single-threaded (NODE_FLAGS): V8's background compiler and GC threads
# otherwise make the count vary by +-10% from run to run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
N=${N:-20000}
NODE_FLAGS=${NODE_FLAGS---single-threaded}
count() {
    OP=$1 R=$2 N=$N valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        --smc-check=all-non-file node $NODE_FLAGS js_instructions.mjs 2>&1 |
        awk '/Collected/ { print $4 }'
}
for op in get set; do
    a=$(count "$op" 5)
    b=$(count "$op" 25)
    echo "db.$op: $(((b - a) / (20 * N))) instructions/op"
done
