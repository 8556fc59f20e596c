#!/usr/bin/env bash
# The C atomics shim on arm64 (issue 11), without arm64 hardware:
#  1. compiles Tests/ShimStress/shim_calls.c (one wrapper per shim function) with the Swift
#     toolchain's clang for aarch64-linux-gnu (default, -march=armv8.1-a,
#     -mno-outline-atomics), arm64-apple-macos13 (no SDK: -ffreestanding, clang's own
#     headers) and x86-64, and reads the 16-byte CAS in the disassembly: it must be inline
#     (casp*, an ldaxp/stlxp loop, cmpxchg16b) or the lock-free outline-atomics helper
#     __aarch64_cas16_*, never a libatomic call (__atomic_*: its 16-byte CAS may take a
#     lock). The gcc cross-compiler is checked too, for information (see classify);
#  2. builds Tests/ShimStress/shim_stress.c natively (gcc, clang) and for aarch64 (clang,
#     clang -march=armv8.1-a, gcc), and runs the aarch64 builds under qemu-aarch64-static
#     (with SHIM_STRESS_EMULATOR=qemu: qemu 7.2 emits stlr; ldar without a store-load fence
#     on x86-64 hosts, so the seq_cst store/load store-buffering outcome is reported there,
#     not failed; every other check, and that one natively, stays strict).
# Installs the cross-compiler and qemu with apt-get when they are missing (CI runs as root).
set -euo pipefail
cd "$(dirname "$0")/.."

SHIM=Sources/_LockFreeMapShims
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
CFLAGS=(-std=c11 -O2 -Wall -Wextra -Werror -I "$SHIM/include")

fail() { echo "FAIL: $*" >&2; exit 1; }

need=()
command -v aarch64-linux-gnu-gcc >/dev/null || need+=(gcc-aarch64-linux-gnu)
[[ -e /usr/aarch64-linux-gnu/include/stdio.h ]] || need+=(libc6-dev-arm64-cross)
command -v qemu-aarch64-static >/dev/null || need+=(qemu-user-static)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
if ((${#need[@]})); then
    echo "installing: ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The Swift toolchain's clang and llvm-objdump (the compiler that builds the package).
TOOLCHAIN=$(dirname "$(readlink -f "$(command -v swift)")")
CLANG=$TOOLCHAIN/clang
LLVM_OBJDUMP=$TOOLCHAIN/llvm-objdump
[[ -x $LLVM_OBJDUMP ]] || LLVM_OBJDUMP=$(command -v llvm-objdump)
echo "aarch64 gcc: $(aarch64-linux-gnu-gcc --version | head -1)"
echo "clang:       $("$CLANG" --version | head -1)"
echo "qemu:        $(qemu-aarch64-static --version | head -1)"

# classify NAME LISTING STRICT: prints the form of probe_cas_pair's 16-byte CAS. Fails on a
# libatomic call anywhere, except (STRICT=0, gcc) for the pair CAS itself: gcc (since 7, on
# x86-64 and aarch64 alike) never expands a 16-byte __atomic_compare_exchange_n inline and
# calls libatomic instead. SwiftPM compiles the shim with clang, so that is reported, not fatal.
classify() {
    local name=$1 listing=$2 strict=$3 body others
    # The lines of probe_cas_pair, from its label to the next label.
    body=$(awk '/<_?probe_cas_pair>:/ { on = 1; next } on && /^[0-9a-f]+ <.*>:/ { exit } on' "$listing")
    [[ -n $body ]] || fail "$name: probe_cas_pair not found in the disassembly"
    others=$(awk '/<_?probe_cas_pair>:/ { on = 1; next } on && /^[0-9a-f]+ <.*>:/ { on = 0 } !on' "$listing" \
        | grep -oE '__atomic_[a-z_0-9]+' | sort -u | tr '\n' ' ' || true)
    [[ -z $others ]] || fail "$name: calls libatomic outside the pair CAS: $others"
    if grep -qE '__atomic_compare_exchange(_16)?\b' <<<"$body"; then
        FORM="call $(grep -oE '__atomic_compare_exchange(_16)?' <<<"$body" | head -1) (libatomic)"
        ((strict == 0)) || fail "$name: 16-byte CAS = $FORM: libatomic's may take a lock"
        echo "$name: 16-byte CAS = $FORM -- NOTE: gcc only; the package is compiled by clang"
        return
    fi
    if grep -qE '\bcasp(a|l|al)?\b' <<<"$body"; then
        FORM="inline $(grep -oE '\bcasp(a|l|al)?\b' <<<"$body" | head -1) (LSE, one instruction)"
    elif grep -qE '\bld(a)?xp\b' <<<"$body" && grep -qE '\bst(l)?xp\b' <<<"$body"; then
        FORM="inline $(grep -oE '\bld(a)?xp\b' <<<"$body" | head -1)/$(grep -oE '\bst(l)?xp\b' <<<"$body" | head -1) loop (exclusive pair, armv8.0)"
    elif grep -qE '__aarch64_cas16_[a-z_]+' <<<"$body"; then
        FORM="call $(grep -oE '__aarch64_cas16_[a-z_]+' <<<"$body" | head -1) (outline-atomics helper of libgcc/compiler-rt: casp where the CPU has LSE, else an ldaxp/stlxp loop; lock-free)"
    elif grep -qE 'cmpxchg16b' <<<"$body"; then
        FORM="inline lock cmpxchg16b"
    else
        echo "$body" >&2
        fail "$name: no recognizable 16-byte CAS in probe_cas_pair"
    fi
    echo "$name: 16-byte CAS = $FORM"
}

# check NAME STRICT REQUIRED-REGEX COMPILER ARGS...: compile shim_calls.c, disassemble,
# classify; REQUIRED-REGEX (if not empty) must match the form found.
check() {
    local name=$1 strict=$2 required=$3 object=$WORK/calls-$RANDOM.o
    shift 3
    "$@" "${CFLAGS[@]}" -c Tests/ShimStress/shim_calls.c -o "$object" || fail "$name: does not compile"
    if [[ $name == *apple* ]]; then
        # --mcpu=apple-m1: decode the LSE instructions (casp) that the arm64 macOS target uses.
        "$LLVM_OBJDUMP" -dr --mcpu=apple-m1 "$object" >"$object.txt"
    elif [[ $name == *x86* ]]; then
        "$LLVM_OBJDUMP" -dr "$object" >"$object.txt"
    else
        aarch64-linux-gnu-objdump -dr "$object" >"$object.txt"
    fi
    classify "$name" "$object.txt" "$strict"
    [[ -z $required ]] || grep -qE "$required" <<<"$FORM" || fail "$name: expected $required, found: $FORM"
}

echo
echo "--- code generation of the shim (16-byte CAS of probe_cas_pair)"
# clang: the compiler SwiftPM builds the shim with and the Swift importer inlines it with.
CLANG_LINUX=("$CLANG" --target=aarch64-linux-gnu --sysroot=/usr/aarch64-linux-gnu --gcc-toolchain=/usr)
check "clang --target=aarch64-linux-gnu -O2 (default, outline atomics)" 1 '' "${CLANG_LINUX[@]}"
check "clang --target=aarch64-linux-gnu -O2 -march=armv8.1-a" 1 'casp' "${CLANG_LINUX[@]}" -march=armv8.1-a
check "clang --target=aarch64-linux-gnu -O2 -mno-outline-atomics" 1 'ld(a)?xp' "${CLANG_LINUX[@]}" -mno-outline-atomics
# No macOS SDK here: -ffreestanding makes clang's own stdint.h/stdatomic.h/stdbool.h
# self-contained (the hosted stdint.h would include the SDK's).
check "clang --target=arm64-apple-macos13 -O2 (freestanding, no SDK)" 1 'casp' "$CLANG" --target=arm64-apple-macos13 -ffreestanding
# (clang warns of a 16-byte atomic on x86-64 before it sees the function's target("cx16").)
check "clang --target=x86_64-unknown-linux-gnu -O2" 1 'cmpxchg16b' "$CLANG" --target=x86_64-unknown-linux-gnu -Wno-atomic-alignment
# gcc, for information (see classify): its 8-byte operations must still be lock-free.
check "aarch64-linux-gnu-gcc -O2 (default, -moutline-atomics)" 0 '' aarch64-linux-gnu-gcc
check "aarch64-linux-gnu-gcc -O2 -march=armv8.1-a" 0 '' aarch64-linux-gnu-gcc -march=armv8.1-a

echo
echo "--- shim_stress (Tests/ShimStress/shim_stress.c)"
SOURCES=(Tests/ShimStress/shim_stress.c "$SHIM/_LockFreeMapShims.c")
# run NAME SCALE COMMAND...: runs a stress binary, prints its lines and its time.
run() {
    local name=$1 scale=$2 start
    shift 2
    start=$(date +%s%N)
    "$@" "$scale" | sed "s/^/  [$name] /" || fail "$name: shim_stress failed"
    echo "  [$name] $((($(date +%s%N) - start) / 1000000)) ms"
}
# gcc calls libatomic for the 16-byte CAS (see classify): link it for the gcc builds.
gcc "${CFLAGS[@]}" -pthread "${SOURCES[@]}" -latomic -o "$WORK/stress-gcc"
"$CLANG" "${CFLAGS[@]}" -Wno-atomic-alignment -pthread "${SOURCES[@]}" -o "$WORK/stress-clang"
# Static, so that qemu needs no loader paths. The clang builds are the code the package uses.
"${CLANG_LINUX[@]}" -fuse-ld=lld -static "${CFLAGS[@]}" -pthread "${SOURCES[@]}" -o "$WORK/stress-a64-clang"
"${CLANG_LINUX[@]}" -fuse-ld=lld -static -march=armv8.1-a "${CFLAGS[@]}" -pthread "${SOURCES[@]}" -o "$WORK/stress-a64-clang-lse"
aarch64-linux-gnu-gcc "${CFLAGS[@]}" -pthread -static "${SOURCES[@]}" -latomic -o "$WORK/stress-a64-gcc"
run "x86-64 gcc" 4 "$WORK/stress-gcc"
run "x86-64 clang" 4 "$WORK/stress-clang"
run "aarch64 clang (outline atomics), qemu" 4 env SHIM_STRESS_EMULATOR=qemu qemu-aarch64-static "$WORK/stress-a64-clang"
run "aarch64 clang -march=armv8.1-a (casp), qemu" 4 env SHIM_STRESS_EMULATOR=qemu qemu-aarch64-static "$WORK/stress-a64-clang-lse"
run "aarch64 gcc (libatomic), qemu" 4 env SHIM_STRESS_EMULATOR=qemu qemu-aarch64-static "$WORK/stress-a64-gcc"
echo "shim on arm64: OK"
