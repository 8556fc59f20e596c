import numpy as np, math
rng=np.random.default_rng(1)
Ks=[1_000_000,2_000_000,3_000_000,5_000_000,7_000_000,10_000_000,14_000_000,20_000_000]
def cls(t):
    e=max(0,t.bit_length()-5)
    while ((t+(1<<e)-1)>>e) > 31: e+=1
    return max(16,(t+(1<<e)-1)>>e)<<e
for amax,g in ((0.8,1.5),(0.85,1.5),(0.9,1.5),(0.85,1.4),(0.8,1.33)):
    r=[]
    for K in Ks:
        tot=0
        for c in rng.multinomial(K,[1/64]*64):
            n=32
            while c > amax*4*n: n=cls(math.ceil(c/(amax*4)*0+ n*g))
            tot+=(n+16)*64+256+n//8
        r.append(tot/K)
    print(amax,g," ".join(f"{x:5.1f}" for x in r),f"mean {np.mean(r):.1f} max {max(r):.1f}")
