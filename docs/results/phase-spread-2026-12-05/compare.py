#!/usr/bin/env python3
"""compare.py FILE A B: for each (mix, K, threads) of a file of map-bench rows prefixed with a
build name, the best and median Mops/s and the median p99.9 of builds A and B, and B / A."""
import collections,sys
d=collections.defaultdict(list)
a,b=sys.argv[2],sys.argv[3]
for l in open(sys.argv[1]):
    f=l.split()
    d[(f[2],f[4],f[5],f[0])].append((float(f[6]),int(f[9])))
for key in sorted(set(k[:3] for k in d)):
    x=d[key+(a,)]; y=d[key+(b,)]
    med=lambda v: sorted(v)[len(v)//2]
    print(*key, '%s best %.2f med %.2f p999 %d | %s best %.2f med %.2f p999 %d | ratio best %.2f med %.2f'%(a,max(v[0] for v in x), med([v[0] for v in x]), med([v[1] for v in x]), b, max(v[0] for v in y), med([v[0] for v in y]), med([v[1] for v in y]), max(v[0] for v in y)/max(v[0] for v in x), med([v[0] for v in y])/med([v[0] for v in x])))
