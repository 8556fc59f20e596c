#!/usr/bin/env bash
# Fails (exit 1, listing file:line) if a .swift file under Sources, Tests or Benchmarks
# imports a platform C library module (Glibc, Musl, Darwin) outside its guard: the nearest
# non-blank line above the import must be `#if canImport(X)` or `#elseif canImport(X)` for
# the same X. Unguarded, such an import breaks the build on the other platforms (issue 11).
set -euo pipefail
cd "$(dirname "$0")/.."

status=0
while IFS= read -r -d '' file; do
    awk -v file="$file" '
        {
            line = $0
            sub(/^[ \t]+/, "", line); sub(/[ \t]+$/, "", line)
            if (match(line, /^(@[A-Za-z_]+(\([^)]*\))?[ \t]+)*import[ \t]+(Glibc|Musl|Darwin)([ \t]|$|\/\/)/)) {
                module = line
                sub(/^.*import[ \t]+/, "", module); sub(/[^A-Za-z].*$/, "", module)
                guard = "canImport\\(" module "\\)"
                if (previous !~ ("^#(if|elseif)[ \t]+" guard "[ \t]*(//.*)?$")) {
                    printf "%s:%d: unguarded `import %s` (the line above must be #if/#elseif canImport(%s))\n", file, NR, module, module
                    bad = 1
                }
            }
            if (line != "") previous = line
        }
        END { exit bad }
    ' "$file" || status=1
done < <(find Sources Tests Benchmarks -name '*.swift' -print0 2>/dev/null | sort -z)

if ((status)); then
    echo "check-imports: FAILED: guard each import, e.g.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif" >&2
    exit 1
fi
echo "check-imports: every Glibc/Musl/Darwin import is guarded by canImport"
