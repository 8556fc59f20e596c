#!/usr/bin/env bash
# Builds the DocC documentation of the LockFreeMap module (Sources/LockFreeMap/LockFreeMap.docc
# plus the doc comments) with the toolchain's own `docc`, warnings treated as errors: a broken
# symbol link, a bad `<doc:...>` reference or malformed DocC markup fails the step.
# No package plugin (the package has no dependencies).
#
# 1. Symbol graphs: a build of the LockFreeMap target alone into a fresh scratch path (an
#    up-to-date build would not run the compiler and so would not write them), public symbols
#    only, with extension blocks so that `Dictionary.init(_:)` (an extension of a Swift type)
#    is documented and linkable as ``Swift/Dictionary/init(_:)``.
# 2. docc convert of the catalog with those graphs.
#
# Usage: bash .ci/docc.sh [output-dir]   (default: a temporary directory, removed at exit)
# Time on the 2-core machine: about 10 s.
set -euo pipefail
cd "$(dirname "$0")/.."

DOCC="${DOCC:-$(command -v docc || true)}"
if [[ -z "$DOCC" ]]; then
    # Not on PATH: the docc that ships beside this toolchain's swift.
    DOCC="$(dirname "$(readlink -f "$(command -v swift)")")/docc"
fi
[[ -x "$DOCC" ]] || { echo "docc.sh: no docc found (set DOCC=/path/to/docc)" >&2; exit 1; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
output="${1:-$work/LockFreeMap.doccarchive}"
mkdir -p "$work/symbol-graphs"

swift build --target LockFreeMap --scratch-path "$work/build" \
    -Xswiftc -emit-symbol-graph \
    -Xswiftc -emit-symbol-graph-dir -Xswiftc "$work/symbol-graphs" \
    -Xswiftc -symbol-graph-minimum-access-level -Xswiftc public \
    -Xswiftc -emit-extension-block-symbols

ls "$work/symbol-graphs"/LockFreeMap.symbols.json > /dev/null

"$DOCC" convert Sources/LockFreeMap/LockFreeMap.docc \
    --additional-symbol-graph-dir "$work/symbol-graphs" \
    --fallback-display-name LockFreeMap \
    --fallback-bundle-identifier org.lockfreemap.LockFreeMap \
    --output-path "$output" \
    --warnings-as-errors

echo "docc.sh: documentation built without warnings${1:+ into $output}"
