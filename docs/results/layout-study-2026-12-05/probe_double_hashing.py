import numpy as np
rng=np.random.default_rng(3)
n=100003; b=4
for alpha in (0.75,0.8,0.85,0.9):
    m=int(alpha*n*b)
    homes=rng.integers(0,n,m); steps=rng.integers(1,n,m)
    fill=np.zeros(n,int); cnt=np.empty(m,int)
    for i in range(m):
        j=homes[i]; c=1
        while fill[j]>=b: j=(j+steps[i])%n; c+=1
        fill[j]+=1; cnt[i]=c
    hs=rng.integers(0,n,20000); ss=rng.integers(1,n,20000); L=[]
    for h,s in zip(hs,ss):
        j=h;c=1
        while fill[j]>=b: j=(j+s)%n;c+=1
        L.append(c)
    L=np.array(L)
    print(f"a={alpha}: hit mean {cnt.mean():.2f} p99 {np.percentile(cnt,99):.0f} max {cnt.max()}; miss mean {L.mean():.2f} p99 {np.percentile(L,99):.0f} max {L.max()}")
