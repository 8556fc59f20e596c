#!/usr/bin/env bash
# The package on arm64 Linux with ../shared/arm64-check (root only): cross-compiles it for
# aarch64 with Debian trixie's Swift 6.0.3, runs `map-bench --quick --verify` and the quick
# test groups (unit, additions, the DocC articles' examples, map-bench's tests, the stress
# suite scaled down with LOCKFREEMAP_VALGRIND=1) as aarch64 binaries under qemu-aarch64, and builds the package
# with Swift 6.0.3 on x86-64. About 10 minutes on 2 idle cores, after a setup of about 3
# minutes and 5.5 GB.
# qemu-user runs the guest's loads and stores in the host's x86 order: this shows that the
# code compiles for aarch64 and that its atomics are atomic there, not ARM's weaker ordering.
#
# Runs only with LOCKFREEMAP_ARM64=1 (too long for CI's 20-minute budget on its own) and
# where arm64-check's roots are set up (`check.sh setup`); otherwise it says it was skipped
# and exits 0. With LOCKFREEMAP_ARM64_SETUP=1 it runs the setup first when it is missing.
# Env: W (default /tmp/arm64-check), SUITES (see arm64-check's check.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

CHECK=$(cd ../shared/arm64-check 2>/dev/null && pwd)/check.sh
W=${W:-/tmp/arm64-check}
skip() { echo "arm64-check: SKIPPED ($*)"; exit 0; }
[[ ${LOCKFREEMAP_ARM64:-0} == 1 ]] || skip "set LOCKFREEMAP_ARM64=1 to run it: about 10 minutes, see .ci/arm64-check.sh"
[[ -x $CHECK ]] || skip "../shared/arm64-check is not on this machine"
[[ $(id -u) == 0 ]] || skip "it needs root (chroot, binfmt)"
if [[ ! -x $W/amd64root/usr/libexec/swift/bin/swift || ! -d $W/arm64sysroot/usr/libexec/swift ]]; then
    [[ ${LOCKFREEMAP_ARM64_SETUP:-0} == 1 ]] || skip "not set up on this machine: run '$CHECK setup' (or LOCKFREEMAP_ARM64_SETUP=1)"
    "$CHECK" setup
fi
# The quick groups; the slow ones (structure, linearizability, model-based) take 20 minutes
# and more under emulation: SUITES="... StructureTests" adds them.
export SUITES=${SUITES:-"ReadWriteTests|InsertValueTests|CompareExchangeTests|BatchTests|ForEachTests|WrappingAddTests|WholeMapTests|CapacityTests AdditionsTests ArticleExamplesTests ZipfTests|KeysTests|OptionsTests|StatisticsTests|ReportTests|BatchKernelTests|AdapterTests|EpochReclaimerTests|RunnerTests LOCKFREEMAP_VALGRIND=1@StressSuite"}
out=$(mktemp); trap 'rm -f "$out"' EXIT
status=0
"$CHECK" amd64 | tee "$out" || status=1
"$CHECK" cross | tee -a "$out" || status=1
"$CHECK" umount || true
# check.sh never stops on a failing step: every step must have ended with status 0.
if grep -q '^exit status [^0]' "$out"; then status=1; fi
steps=$(grep -c '^exit status ' "$out" || true)
echo "arm64-check: $steps steps, $(grep -c '^exit status 0' "$out" || true) passed"
exit $status
