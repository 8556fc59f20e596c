#!/bin/bash
# System calls of a 2-thread build, per binary (see run.sh for the binaries).
# Usage: strace.sh OUTDIR (the outputs here: strace.sh strace).
# strace slows every call, which widens the window in which a second insert finds the
# table over its load while the first maps the successor: the counts show the duplicate
# allocations, not their share in an untraced run.
set -u
out=${1:-.}
for name in before mid after; do
    for k in 1M 10M; do
        strace -f -c -e trace=mmap,munmap,madvise,membarrier "/tmp/map-bench-$name" \
            --maps lockfree --mixes build --keys "$k" --threads 2 --seconds 0.5 --no-mem \
            > "$out/strace-$name-$k.txt" 2>&1
    done
done
