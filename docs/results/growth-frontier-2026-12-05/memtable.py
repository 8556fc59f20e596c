import re,sys,collections
rows=collections.OrderedDict(); v=k=None
for line in open(sys.argv[1]):
    m=re.match(r'== (\S+) K=(\d+)',line)
    if m: v,k=m.group(1),int(m.group(2)); continue
    m=re.search(r'after the build: resident ([\d.]+) B/entry, current tables ([\d.]+), (\d+) stripes migrating, (\d+) retired',line)
    if m: rows[(v,k)]=[float(m.group(1)),float(m.group(2)),int(m.group(3)),int(m.group(4))]; continue
    m=re.search(r'retired tables collected: resident ([\d.]+)',line)
    if m: rows[(v,k)].append(float(m.group(1)))
vs=list(dict.fromkeys(v for v,_ in rows)); ks=sorted(set(k for _,k in rows))
print('| variant | measure | '+' | '.join(f'{k/1e6:g}M' for k in ks)+' | mean | max |')
print('|---|---|'+'---|'*(len(ks)+2))
for v in vs:
    for i,name in [(0,'resident after the build'),(1,'current tables'),(2,'stripes migrating'),(4,'resident, all finished and collected')]:
        vals=[rows[(v,k)][i] for k in ks if (v,k) in rows]
        if not vals: continue
        mean=sum(vals)/len(vals)
        fmt=(lambda x: f'{x:g}') if i==2 else (lambda x: f'{x:.1f}')
        print(f'| {v} | {name} | '+' | '.join(fmt(x) for x in vals)+f' | {mean:.2f} | {fmt(max(vals))} |')
