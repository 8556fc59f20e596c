#!/bin/bash
# Build's p99.9 before and after issue 18's item 4, back to back, in both orders.
# Binaries (release, `swift build -c release --product map-bench`):
#   before  f2556d1 (main before issue 18)
#   mid     6eae807 (items 2, 3 and 5 of issue 18; no item 4)
#   after   d65a3fb (item 4: one successor allocation per migration; finishMigration
#           scans from the end and stops at the publication)
# Usage: run.sh OUTDIR
set -u
out=${1:-.}
args=(--maps lockfree --mixes build --keys 1M,10M --threads 1,2 --seconds 0.5 --repeats 3 --no-mem)
run() {
    local name=$1 order=$2
    { echo "# binary: $name, order $order, $(date -u +%H:%M:%S) UTC, $(uptime)"
      "/tmp/map-bench-$name" "${args[@]}"; } > "$out/$order-$name.txt" 2>&1
}
for name in before mid after; do run "$name" A; done
for name in after mid before; do run "$name" B; done
