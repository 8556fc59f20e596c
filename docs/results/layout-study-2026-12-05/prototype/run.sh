#!/bin/sh
# Compiles and runs the single-thread layout prototypes (see layouts.swift), then a second
# build with -D PROBESTATS for one run, which counts the buckets (cache lines) each lookup
# reads (its times are not used). Arguments go to both runs, e.g. ./run.sh --keys 1000000
# Writes everything to output-<hostname>-<date>.txt next to this script as well.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
shim="$here/../../../../Sources/_LockFreeMapShims/include"
bin="${TMPDIR:-/tmp}/layouts-prototype"
flags="-O -wmo -I $shim -import-objc-header $shim/_LockFreeMapShims.h"
swiftc $flags "$here/layouts.swift" -o "$bin"
swiftc $flags -D PROBESTATS "$here/layouts.swift" -o "$bin-stats"
# The 16-byte CAS must be an inline `lock cmpxchg16b` (the shim enables cx16 per function):
# no call to a libatomic / compiler-rt helper.
n=$(objdump -d --no-show-raw-insn "$bin" | grep -c 'lock cmpxchg16b' || true)
calls=$(objdump -d --no-show-raw-insn "$bin" | grep -c 'call.*\(__atomic\|__sync\)' || true)
log="$here/output-$(hostname)-$(date +%Y-%m-%d).txt"
{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ) $(hostname); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $(nproc) cpus; $(swiftc --version 2>&1 | head -1)"
  echo "# THP: $(cat /sys/kernel/mm/transparent_hugepage/enabled); free -m before: $(free -m | awk '/Mem:/ {print $7 " MiB available"}'); load average: $(cut -d" " -f1-3 /proc/loadavg)"
  echo "# objdump: $n inline 'lock cmpxchg16b' in the binary, $calls calls to __atomic_*/__sync_* helpers"
  "$bin" "$@"
  echo "# probe statistics (-D PROBESTATS, one run; times not used); load average: $(cut -d" " -f1-3 /proc/loadavg)"
  "$bin-stats" --runs 1 "$@" | grep -E 'per lookup|verified|FAILED'
} 2>&1 | tee "$log"
