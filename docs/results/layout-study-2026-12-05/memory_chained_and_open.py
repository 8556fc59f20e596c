import numpy as np, math, sys
rng = np.random.default_rng(1)
Ks = [1_000_000, 2_000_000, 3_000_000, 5_000_000, 7_000_000, 10_000_000, 14_000_000, 20_000_000]
S = 64
def pow2_sizes(n):  # next size after n for doubling
    return n*2
def classes(n, f):  # smallest m*2^e (m in 8..15) >= n*f
    t = math.ceil(n*f); e = max(0, t.bit_length()-4)
    while True:
        m = -(-t >> e) if False else (t + (1<<e) - 1) >> e
        if m <= 15: return max(8,m) << e
        e += 1
def final_size(per, start, grow_at, nxt):
    n = start
    # entries grow 1..per; grow when entries > grow_at*n
    while per > grow_at * n: n = nxt(n, grow_at)
    return n
def chained(K, slots, bbytes, side, start, grow_at, nxt):
    tot = 0
    counts = rng.multinomial(K, [1/S]*S)
    for c in counts:
        n = final_size(c, start, grow_at, nxt)
        occ = np.bincount(rng.integers(0, n, c), minlength=n)
        over = np.ceil(np.maximum(0, occ - slots) / slots).sum()
        tot += n*(bbytes+side) + over*bbytes + 192
    return tot / K
def linprobe(K, slots, bbytes, side, start, grow_at, nxt):
    tot = 0
    counts = rng.multinomial(K, [1/S]*S)
    for c in counts:
        n = final_size(c, start, grow_at, nxt)
        tot += n*(bbytes+side) + 192
    return tot/K
designs = {
 'A today 3/64 pow2 grow@2.5 x2': lambda K: chained(K,3,64,0,32,2.5,lambda n,g: n*2),
 'B 3/64 classes grow@2.5 x1.5': lambda K: chained(K,3,64,0,32,2.5,lambda n,g: classes(n,1.5)),
 'B2 3/64 classes grow@3.0 x1.5': lambda K: chained(K,3,64,0,32,3.0,lambda n,g: classes(n,1.5)),
 'C 4/64+8 classes grow@3.4 x1.5': lambda K: chained(K,4,64,8,32,3.4,lambda n,g: classes(n,1.5)),
 'E 7/128 classes grow@6 x1.5': lambda K: chained(K,7,128,0,16,6.0,lambda n,g: classes(n,1.5)),
 'D linprobe 4/64 grow@3.6(0.9) x1.5': lambda K: linprobe(K,4,64,0,32,3.6,lambda n,g: classes(n,1.5)),
 'D2 linprobe 4/64+8 side grow@3.6 x1.5': lambda K: linprobe(K,4,64,8,32,3.6,lambda n,g: classes(n,1.5)),
 'F 15/256 groups lp grow@13.1(.875) x1.5': lambda K: linprobe(K,15,256,0,8,13.125,lambda n,g: classes(n,1.5)),
}
for name, f in designs.items():
    r = [f(K) for K in Ks]
    print(f"{name:42s}", " ".join(f"{x:5.1f}" for x in r), f" mean {np.mean(r):5.1f} max {max(r):5.1f}")
