# Buckets an absent key's lookup reads in a table of 4-slot buckets filled by linear probing
# to `load`: until a bucket with an empty slot (this layout), against until a bucket that no
# key passed on its way to a later bucket (a per-bucket "passed" mark, as F14's outbound-
# overflow count). `python3 absent-probes.py`; 200,000 buckets, 200,000 lookups, seed 1.
import random


def simulate(n, load, trials=200_000):
    slots = [0] * n
    passed = [False] * n
    for _ in range(int(n * 4 * load)):
        b = random.randrange(n)
        while slots[b] == 4:
            passed[b] = True
            b = (b + 1) % n
        slots[b] += 1
    to_empty = to_unpassed = home_full = 0
    for _ in range(trials):
        home = b = random.randrange(n)
        read = 1
        while slots[b] == 4:
            b, read = (b + 1) % n, read + 1
        to_empty += read
        b, read = home, 1
        while passed[b]:
            b, read = (b + 1) % n, read + 1
        to_unpassed += read
        home_full += slots[home] == 4
    return to_empty / trials, to_unpassed / trials, home_full / trials


random.seed(1)
for load in (0.6, 0.7, 0.75, 0.8, 0.88):
    e, u, f = simulate(200_000, load)
    print(f"load {load}: buckets read for an absent key: until an empty slot {e:.2f}, "
          f"until a bucket no key passed {u:.2f}; home bucket full {f:.2f}")
