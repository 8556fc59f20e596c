#!/usr/bin/env python3
"""compare.py FILE A B [--rounds HEADER MAXROUND]: per (mix, dist, K, threads), the best and
median Mops/s of builds A and B over the rounds of FILE (map-bench rows under headers
"== round N NAME" or "== buildround N NAME"), B / A of each, the median p99.9 of each, and the
geometric mean of the best ratios. Only headers of kind HEADER (default "round") count, and
with MAXROUND only rounds 1..MAXROUND."""
import collections, math, sys
path, a, b = sys.argv[1:4]
kind = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == '--rounds' else 'round'
maxround = int(sys.argv[6]) if len(sys.argv) > 6 else 10**9
d = collections.defaultdict(list)
name = None
for line in open(path):
    f = line.split()
    if line.startswith('== '):
        name = f[3] if f[1] == kind and int(f[2]) <= maxround else None
    elif line.startswith('lockfree') and name:
        d[(f[1], f[2], int(f[3]), int(f[4]), name)].append((float(f[5]), int(f[8])))
med = lambda v: sorted(v)[len(v) // 2]
logs = []
print(f'| mix | dist | K | T | {a} best | {b} best | best {b}/{a} | median {b}/{a} | p99.9 ns {a} → {b} (medians) |')
print('|---|---|---|---|---|---|---|---|---|')
for k in sorted(set(k[:4] for k in d), key=lambda k: (k[2], k[0], k[1], k[3])):
    x, y = d[k + (a,)], d[k + (b,)]
    if not x or not y:
        continue
    bx, by = max(v[0] for v in x), max(v[0] for v in y)
    logs.append(math.log(by / bx))
    print(f'| {k[0]} | {k[1]} | {k[2]:,} | {k[3]} | {bx:.2f} | {by:.2f} | {by / bx:.2f} | '
          f'{med([v[0] for v in y]) / med([v[0] for v in x]):.2f} | {med([v[1] for v in x])} → {med([v[1] for v in y])} |')
print(f'\ngeometric mean of the best ratios over {len(logs)} cells: {math.exp(sum(logs) / len(logs)):.3f}')
