#!/usr/bin/env python3
"""Ratios of LockFreeInt64Map against the maps a user could pick instead, from one
back-to-back run: the peers' CSV (shared/peers/native/run.sh) and map-bench's CSV
(--csv). Standard library only; prints Markdown tables (docs/BENCHMARKS.md, "Against
other maps").

  Benchmarks/peer-ratios.py PEERS.csv MAP-BENCH.csv

Alternatives: every peer except floor_array (a bound, not a map) and absl_single (abseil
without a lock: not usable from two threads), plus map-bench's `mutex` and `sharded`
baselines. Swift's Dictionary alone (`dictionary`, one thread) is the reference of the
1-thread read goal. Goals (issue 14): 1.0 for read, churn and build, 1.3 for read90, mixed50
and counter; build's p99.9 within 2x of the lowest p99.9 among the alternatives; read at
1 thread >= 1.5x Dictionary; read_batch at 10,000,000 within 1.5x of floor_array's
read_hashed and >= 2x the single-key read.
"""

import csv
import sys

NOT_ALTERNATIVES = {"floor_array", "absl_single", "lockfree", "lockfree-presized", "dictionary"}
BASELINES = {"mutex", "sharded"}
GOALS = {"read": 1.0, "churn": 1.0, "build": 1.0, "read90": 1.3, "mixed50": 1.3, "counter": 1.3}
ORDER = ["read", "read90", "mixed50", "counter", "churn", "build"]


def load(path, cells, memory, allow=None):
    with open(path, newline="") as f:
        for row in csv.reader(f):
            if not row or row[0] == "system" or row[0].startswith("#"):
                continue
            if row[0] == "mem":
                memory[(row[1], int(row[2]))] = float(row[3])
                continue
            system, mix, dist, k, threads, mops, p50, p99, p999 = row[:9]
            if allow is not None and system not in allow:
                continue
            cells[(system, mix, dist, int(k), int(threads))] = (float(mops), int(p999))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    cells, memory = {}, {}
    load(sys.argv[1], cells, memory)
    load(sys.argv[2], cells, memory)
    keys = sorted({k for (_, _, _, k, _) in cells})
    threads = sorted({t for (_, _, _, _, t) in cells})
    met = total = 0
    print("| mix | K | T | lockfree | best alternative | ratio | goal | met |")
    print("|---|---|---|---|---|---|---|---|")
    for k in keys:
        for mix in ORDER:
            for dist in ("uniform", "zipf"):
                for t in threads:
                    mine = cells.get(("lockfree", mix, dist, k, t))
                    if mine is None:
                        continue
                    others = [(v[0], s) for (s, m, d, kk, tt), v in cells.items()
                              if m == mix and d == dist and kk == k and tt == t and s not in NOT_ALTERNATIVES]
                    if not others:
                        continue
                    best, name = max(others)
                    ratio = mine[0] / best
                    goal = GOALS[mix]
                    ok = ratio >= goal
                    met += ok
                    total += 1
                    label = mix + (" zipf" if dist == "zipf" else "")
                    print(f"| {label} | {k:,} | {t} | {mine[0]:.1f} | {name} {best:.1f} | {ratio:.2f} | {goal} |"
                          f" {'yes' if ok else 'no'} |")
    print(f"\n{met} of {total} cells meet their goal.\n")

    print("| build K | T | lockfree p99.9 ns | lowest alternative p99.9 ns | ratio (goal <= 2) |")
    print("|---|---|---|---|---|")
    for k in keys:
        for t in threads:
            mine = cells.get(("lockfree", "build", "uniform", k, t))
            others = [(v[1], s) for (s, m, d, kk, tt), v in cells.items()
                      if m == "build" and kk == k and tt == t and s not in NOT_ALTERNATIVES]
            if mine and others:
                low, name = min(others)
                print(f"| {k:,} | {t} | {mine[1]:,} | {name} {low:,} | {mine[1] / max(low, 1):.2f} |")

    print("\n| read, 1 thread | lockfree | Dictionary | ratio (goal >= 1.5) |")
    print("|---|---|---|---|")
    for k in keys:
        for dist in ("uniform", "zipf"):
            mine = cells.get(("lockfree", "read", dist, k, 1))
            dic = cells.get(("dictionary", "read", dist, k, 1))
            if mine and dic:
                print(f"| {k:,} {dist} | {mine[0]:.1f} | {dic[0]:.1f} | {mine[0] / dic[0]:.2f} |")

    print("\n| read_batch | T | lockfree read_batch | read | floor read_hashed | batch / read | floor / batch |")
    print("|---|---|---|---|---|---|---|")
    for k in keys:
        for t in threads:
            batch = cells.get(("lockfree", "read_batch", "uniform", k, t))
            single = cells.get(("lockfree", "read", "uniform", k, t))
            floor = cells.get(("floor_array", "read_hashed", "uniform", k, t))
            if batch and single and floor:
                print(f"| {k:,} | {t} | {batch[0]:.1f} | {single[0]:.1f} | {floor[0]:.1f} |"
                      f" {batch[0] / single[0]:.2f} | {floor[0] / batch[0]:.2f} |")

    if memory:
        print("\n| memory, bytes per entry | K | value |")
        print("|---|---|---|")
        for (system, k), b in sorted(memory.items(), key=lambda x: (x[0][1], x[1])):
            print(f"| {system} | {k:,} | {b:.1f} |")


if __name__ == "__main__":
    main()
