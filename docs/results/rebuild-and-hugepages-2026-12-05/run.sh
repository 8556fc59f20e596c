#!/usr/bin/env bash
# Issue 20, second pass of 2026-12-05: the back-to-back runs of ../table-v3-2026-12-05/run.sh
# (peers, then map-bench's four maps and the `before` build, and bytes per entry by size), with
# $AFTER = this pass's code (cdf957a: rebuild sizing and huge pages) and $BEFORE = e8a2b56
# (table v3 as the first pass left it), each `swift build -c release --product map-bench`.
# Usage: run.sh OUTDIR peers-first|map-bench-first (a verdict takes one run of each order).
set -euo pipefail
export AFTER=${AFTER:-/tmp/mb-now} BEFORE=${BEFORE:-/tmp/mb-start}
exec "$(dirname "$0")/../table-v3-2026-12-05/run.sh" "$@"
