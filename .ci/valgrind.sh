#!/usr/bin/env bash
# valgrind (memcheck) over the release tests (StressSuite/Memory/release*): every map shape is
# created, filled, grown, churned by threads, cleared and dropped, and the run must end with
# 0 bytes definitely lost and no memory error (invalid read/write, use of freed memory).
# "Possibly lost" and "still reachable" blocks are the Swift runtime's and libdispatch's
# (metadata caches, thread stacks of the concurrency pool) and are not counted.
#
# Time on the 2-core machine: 60-240 s for the valgrind run (valgrind runs one thread at a
# time, and the concurrent release test waits for its writers; the tests shrink their sizes
# by 10x under LOCKFREEMAP_VALGRIND=1), plus the build into .build-valgrind (15 s to 2 min).
#
# Why a separate build with -Xcc -gdwarf-4: clang 21 (in the Swift 6.3.1 toolchain) writes
# DWARF 5 for the C shim, which valgrind 3.19 cannot read ("unhandled dwarf2 abbrev form code
# 0x25 ... Giving up"). The separate scratch path keeps the flag out of the normal .build.
#
# Why the LD_PRELOAD shim: valgrind 3.19 (Debian 12) dies with an internal SIGSEGV ("the
# 'impossible' happened") in any async Swift program, because libdispatch's main thread calls
# sigsuspend with a signal mask in read-only memory and valgrind's rt_sigsuspend wrapper writes
# to that mask. The shim passes sigsuspend a writable copy of the mask; nothing else changes.
#
# Usage: bash .ci/valgrind.sh [filter-regex]   (default: StressSuite/Memory/release)
set -euo pipefail
cd "$(dirname "$0")/.."
filter="${1:-StressSuite/Memory/release}"

if ! command -v valgrind >/dev/null 2>&1; then
    echo "valgrind not found: installing it (Debian package 'valgrind')"
    apt-get update -qq && apt-get install -y -qq valgrind
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cat > "$work/sigsuspend_copy.c" <<'C'
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>
/* sigsuspend with a writable copy of the mask (see .ci/valgrind.sh). */
int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, _NSIG / 8);
}
C
cc -shared -fPIC -O2 -o "$work/sigsuspend_copy.so" "$work/sigsuspend_copy.c"

build_flags=(--scratch-path .build-valgrind -Xcc -gdwarf-4)
swift build --build-tests "${build_flags[@]}"
bundle="$(swift build "${build_flags[@]}" --show-bin-path)/LockFreeMapPackageTests.xctest"

start=$(date +%s)
set +e
LOCKFREEMAP_VALGRIND=1 LD_PRELOAD="$work/sigsuspend_copy.so" \
    valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=1 \
    "$bundle" --testing-library swift-testing --filter "$filter" 2>&1 | tee "$work/log"
status=${PIPESTATUS[0]}
set -e
echo "valgrind run took $(( $(date +%s) - start )) s"

# A filter that matches nothing would "pass" without testing anything.
if ! grep -Eq 'Test run with [1-9][0-9]* tests?' "$work/log"; then
    echo "valgrind.sh: no test ran for filter '$filter'" >&2
    exit 1
fi
grep -E 'definitely lost:|ERROR SUMMARY:' "$work/log" || true
if [ "$status" -ne 0 ]; then
    echo "valgrind.sh: FAILED (exit status $status: a test failed, a memory error, or definitely lost bytes)" >&2
    exit "$status"
fi
echo "valgrind.sh: passed (0 bytes definitely lost, no memory errors)"
