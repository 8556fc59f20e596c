#!/bin/bash
# K = 1,000 only, after all four changes (cc509dc, /tmp/mb-slot) and before them (e8a2b56,
# /tmp/mb-start), against the peers built in /tmp/peers: peers first, then map-bench twice, then
# the peers again (04:45-04:51 UTC). Ratios: Benchmarks/peer-ratios.py over both orders.
set -e
out=${OUT:-$(pwd)}
peers() { (cd /tmp/peers && ./run.sh --k "1000" --seconds 0.5 --repeats 1 --no-mem --out "$out/peers-$1") >/dev/null 2>&1; }
mb() {
  /tmp/mb-slot --maps lockfree,mutex,sharded,dictionary --keys 1000 --mixes all --seconds 0.5 --repeats 1 --no-mem --csv "$out/map-bench-$1.csv" > "$out/map-bench-$1.txt" 2>&1
  /tmp/mb-start --maps lockfree --keys 1000 --mixes all --seconds 0.5 --repeats 1 --no-mem --csv "$out/map-bench-before-$1.csv" > "$out/map-bench-before-$1.txt" 2>&1
}
peers peers-first; mb peers-first; mb map-bench-first; peers map-bench-first
echo done
