import numpy as np
rng=np.random.default_rng(2)
n=200000; b=4
for alpha in (0.6,0.75,0.8,0.85,0.9):
    m=int(alpha*n*b); pad=64
    homes=rng.integers(0,n,m)
    fill=np.zeros(n+pad,int); pos=np.empty(m,int)
    over=False
    for i,h in enumerate(homes):
        j=h
        while fill[j]>=b: j+=1
        fill[j]+=1; pos[i]=j
    disp=pos-homes
    # unsuccessful: from random home, buckets until one with fill<b
    hs=rng.integers(0,n,20000); L=[]
    for h in hs:
        j=h
        while fill[j]>=b: j+=1
        L.append(j-h+1)
    L=np.array(L)
    print(f"a={alpha}: hit buckets mean {1+disp.mean():.2f} p99 {1+np.percentile(disp,99):.0f} max {1+disp.max()}; miss mean {L.mean():.2f} p99 {np.percentile(L,99):.0f}; max end overflow {max(0,pos.max()-n+1)}")
