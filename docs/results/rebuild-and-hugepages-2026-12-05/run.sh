#!/usr/bin/env bash
# Issue 20, second session of 2026-12-05: rebuild sizing and huge pages, against the code before them.
# Usage: run.sh OUTDIR ORDER, ORDER = peers-first or map-bench-first (a verdict takes one run of
# each, and each system's better run). Needs: ../shared/peers/native built in $PEERS (a copy
# outside the project: ./build.sh there), and two map-bench binaries: $AFTER (this code,
# swift build -c release) and $BEFORE (e8a2b56, table v3 as the first session left it).
set -euo pipefail
out=$1 order=$2
PEERS=${PEERS:-/tmp/peers} AFTER=${AFTER:-/tmp/mb-now} BEFORE=${BEFORE:-/tmp/mb-start}
mkdir -p "$out"
peers() {
    (cd "$PEERS" && ./run.sh --k "1000 1000000 10000000" --seconds 0.5 --repeats 1 --mem-k 10000000 \
        --out "$out/peers-$order") >/dev/null 2>&1  # --out writes the CSV (stdout) and the log (stderr)
}
mapbench() {
    "$AFTER" --maps lockfree,mutex,sharded,dictionary --keys 1000,1M,10M --mixes all --seconds 0.5 \
        --repeats 1 --mem-k 10M --csv "$out/map-bench-$order.csv" >"$out/map-bench-$order.txt" 2>&1
    "$BEFORE" --maps lockfree --keys 1000,1M,10M --mixes all --seconds 0.5 --repeats 1 --no-mem \
        --csv "$out/map-bench-before-$order.csv" >"$out/map-bench-before-$order.txt" 2>&1
}
if [ "$order" = peers-first ]; then peers; mapbench; else mapbench; peers; fi
# Bytes per entry by size, each map in a fresh process (map-bench's memory line).
for K in 1000000 2000000 3000000 5000000 7000000 10000000 14000000 20000000; do
    for bin in "$AFTER" "$BEFORE"; do
        echo "$(basename "$bin") $("$bin" --maps lockfree,dictionary --mixes read --keys 1000 --threads 1 \
            --seconds 0.05 --dist uniform --mem-k "$K" | grep -E '^(lockfree|dictionary) +[0-9]+ +[0-9.]+ +[0-9.]+$')"
    done
done >"$out/memory-$order.txt"
