// chainprobe: the longest probe (`statistics.longestChain`, the most buckets a lookup of a
// present key reads) of maps grown from empty.
// 1. 40 maps grown to 131,072 and to 300,000 sequential keys: the longest probe at the end.
// 2. Maps grown to 100,000, 640,000 and 3,000,000 keys (sequential, times 1,000,003, and
//    shifted left by 20), sampled 40 times on the way: the worst probe seen, and the load then.
@_spi(Testing) import LockFreeMap

for k in [131_072, 300_000] {
    var all: [Int] = []
    for _ in 0..<40 {
        let map = LockFreeInt64Map()
        for i in 0..<k { map.insertValue(Int64(i), forKey: Int64(i)) }
        all.append(map.statistics.longestChain)
    }
    print("K=\(k): longest probe over 40 maps: max \(all.max()!), sorted \(all.sorted())")
}
for pattern in 0..<3 {
    for k in [100_000, 640_000, 3_000_000] {
        let map = LockFreeInt64Map()
        var worst = 0
        var worstLoad = 0.0
        for i in 0..<k {
            let key = pattern == 1 ? Int64(i) &* 1_000_003 : (pattern == 2 ? Int64(i) << 20 : Int64(i))
            map.insertValue(Int64(i), forKey: key)
            if i % (k / 40) == 0 || i == k - 1 {
                let s = map.statistics
                if s.longestChain > worst { (worst, worstLoad) = (s.longestChain, s.loadFactor) }
            }
        }
        print("pattern \(pattern) K=\(k): longest probe \(worst) buckets (load factor then \(worstLoad))")
    }
}
