#!/usr/bin/env python3
"""Ratios of LockFreeInt64Map against the maps a user could pick instead, from one
back-to-back run: the peers' CSV (shared/peers/native/run.sh) and map-bench's CSV
(--csv). Standard library only; prints Markdown tables (docs/BENCHMARKS.md, "Against
other maps").

  Benchmarks/peer-ratios.py PEERS.csv MAP-BENCH.csv [BEFORE.csv]

BEFORE.csv, if given, is a map-bench CSV of an older build of `lockfree` from the same
session: its figures and ratios are shown beside the new ones. Each argument may list
several files, comma-separated (the runs of a back-to-back session in both orders): each
cell then takes each system's better run (the higher Mops/s, the lower p99.9 and bytes per
entry).

Alternatives: every peer except floor_array (a bound, not a map) and absl_single (abseil
without a lock: not usable from two threads), plus map-bench's `mutex` and `sharded`
baselines. Swift's Dictionary alone (`dictionary`, one thread) is the reference of the
1-thread read goal. Goals (issue 14, with issue 20's for writes): 1.0 for read, churn and
build; 1.3 for read90; counter and mixed50 1.0 at one thread and 1.3 at two; build's p99.9
within 2x of the lowest p99.9 among the alternatives; read at 1 thread >= 1.5x Dictionary;
read_batch at 10,000,000 within 1.3x of floor_array's read_hashed. With BEFORE, a cell where
lockfree is slower than before is marked (issue 20: no cell slower than the code before).
"""

import csv
import sys

NOT_ALTERNATIVES = {"floor_array", "absl_single", "lockfree", "lockfree-presized", "dictionary"}
GOALS = {"read": 1.0, "churn": 1.0, "build": 1.0, "read90": 1.3, "mixed50": 1.3, "counter": 1.3}
ORDER = ["read", "read90", "mixed50", "counter", "churn", "build"]


def goal(mix, threads):
    """The cell's goal: issue 20 asks 1.0 of one-thread writes (counter, mixed50), 1.3 of two."""
    if mix in ("counter", "mixed50") and threads == 1:
        return 1.0
    return GOALS[mix]


def load(paths):
    """Cells {(system, mix, dist, K, threads): (mops, p999_ns)} and memory {(system, K): bytes},
    from one CSV or several (comma-separated): each the better of the runs."""
    cells, memory = {}, {}
    for path in paths.split(","):
        with open(path, newline="") as f:
            for row in csv.reader(f):
                if not row or row[0] == "system" or row[0].startswith("#"):
                    continue
                if row[0] == "mem":
                    key, value = (row[1], int(row[2])), float(row[3])
                    memory[key] = min(memory.get(key, value), value)
                    continue
                system, mix, dist, k, threads, mops, _p50, _p99, p999 = row[:9]
                key = (system, mix, dist, int(k), int(threads))
                old = cells.get(key)
                new = (float(mops), int(p999))
                cells[key] = new if old is None else (max(old[0], new[0]), min(old[1], new[1]))
    return cells, memory


def alternatives(cells, mix, dist, k, t):
    """(mops, p999, system) of every alternative measured in the cell."""
    return [(v[0], v[1], s) for (s, m, d, kk, tt), v in cells.items()
            if (m, d, kk, tt) == (mix, dist, k, t) and s not in NOT_ALTERNATIVES]


def table(header, rows):
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(str(c) for c in row) + " |")
    print()


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit(__doc__)
    cells, memory = load(sys.argv[1])
    mine, mine_memory = load(sys.argv[2])
    cells.update(mine)
    memory.update(mine_memory)
    before = load(sys.argv[3])[0] if len(sys.argv) == 4 else {}
    keys = sorted({k for (_, _, _, k, _) in cells})
    threads = sorted({t for (_, _, _, _, t) in cells})
    cell_ids = [(mix, dist, k, t) for k in keys for mix in ORDER for dist in ("uniform", "zipf") for t in threads
                if ("lockfree", mix, dist, k, t) in cells and alternatives(cells, mix, dist, k, t)]

    rows, met = [], 0
    for mix, dist, k, t in cell_ids:
        best, _, name = max(alternatives(cells, mix, dist, k, t))
        now = cells[("lockfree", mix, dist, k, t)][0]
        ok = now / best >= goal(mix, t)
        met += ok
        row = [mix + (" zipf" if dist == "zipf" else ""), f"{k:,}", t, f"{name} {best:.1f}"]
        old = before.get(("lockfree", mix, dist, k, t))
        if before:
            row.append(f"{old[0]:.1f}, {old[0] / best:.2f}" if old else "")
            row.append(f"{now / old[0]:.2f}" + (" (slower)" if now < old[0] else "") if old else "")
        rows.append(row + [f"{now:.1f}, **{now / best:.2f}**", goal(mix, t), "yes" if ok else "no"])
    header = ["mix", "K", "T", "best alternative (Mops/s)"] + (
        ["before: lockfree, ratio", "after / before"] if before else [])
    table(header + ["lockfree, ratio", "goal", "met"], rows)
    print(f"{met} of {len(rows)} cells meet their goal"
          + (f" ({sum(1 for r in rows if r[4] and float(r[4].split(', ')[1]) >= r[7])} before)."
             f" {sum(1 for r in rows if r[5].endswith('(slower)'))} cells slower than before.\n"
             if before else ".\n"))

    rows = []
    for k in keys:
        for t in threads:
            now = cells.get(("lockfree", "build", "uniform", k, t))
            others = alternatives(cells, "build", "uniform", k, t)
            if now and others:
                _, low, name = min(others, key=lambda o: o[1])
                old = before.get(("lockfree", "build", "uniform", k, t))
                rows.append([f"{k:,}", t] + ([f"{old[1]:,}" if old else ""] if before else [])
                            + [f"{now[1]:,}", f"{name} {low:,}", f"{now[1] / max(low, 1):.2f}"])
    table(["build K", "T"] + (["before: lockfree p99.9 ns"] if before else [])
          + ["lockfree p99.9 ns", "lowest alternative p99.9 ns", "ratio (goal <= 2)"], rows)

    rows = []
    for k in keys:
        for dist in ("uniform", "zipf"):
            now = cells.get(("lockfree", "read", dist, k, 1))
            dic = cells.get(("dictionary", "read", dist, k, 1))
            old = before.get(("lockfree", "read", dist, k, 1))
            if now and dic:
                rows.append([f"{k:,} {dist}"] + ([f"{old[0]:.1f}" if old else ""] if before else [])
                            + [f"{now[0]:.1f}", f"{dic[0]:.1f}", f"{now[0] / dic[0]:.2f}"])
    table(["read, 1 thread"] + (["before"] if before else []) + ["lockfree", "Dictionary", "ratio (goal >= 1.5)"],
          rows)

    rows = []
    for k in keys:
        for t in threads:
            batch = cells.get(("lockfree", "read_batch", "uniform", k, t))
            single = cells.get(("lockfree", "read", "uniform", k, t))
            floor = cells.get(("floor_array", "read_hashed", "uniform", k, t))
            if batch and single and floor:
                rows.append([f"{k:,}", t, f"{batch[0]:.1f}", f"{single[0]:.1f}", f"{floor[0]:.1f}",
                             f"{batch[0] / single[0]:.2f}", f"{floor[0] / batch[0]:.2f}"])
    table(["K", "T", "read_batch", "read", "floor read_hashed", "batch / read", "floor / batch"], rows)

    if memory:
        table(["bytes per entry", "K", "value"],
              [[s, f"{k:,}", f"{b:.1f}"] for (s, k), b in sorted(memory.items(), key=lambda x: (x[0][1], x[1]))])


if __name__ == "__main__":
    main()
