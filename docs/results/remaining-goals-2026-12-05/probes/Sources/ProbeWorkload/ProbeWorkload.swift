// The keys, draws and churn prefill of docs/WORKLOADS.md, shared by the probes.
import LockFreeMap

/// splitmix64: key(i) = splitmix64(i), and the per-thread generator's step.
@inline(__always) public func splitmix64(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// reduce(x, n): the high half of x · n, an index in 0 ..< n.
@inline(__always) public func reduce(_ x: UInt64, _ n: UInt64) -> UInt64 { x.multipliedFullWidth(by: n).high }

/// The i-th key of the key space.
@inline(__always) public func key(_ i: UInt64) -> Int64 { Int64(bitPattern: splitmix64(i)) }

/// `churn`'s prefill: the even indexes of 0 ..< 2K, value = key.
public func prefillChurn(_ map: LockFreeInt64Map, keys k: UInt64) {
    var i: UInt64 = 0
    while i < 2 * k {
        map.insertValue(key(i), forKey: key(i))
        i += 2
    }
}

/// `churn`'s operations on thread 0: a key of the 2K and the percentile that picks the
/// operation (< 50 get, < 75 insert-if-absent, else remove).
public struct ChurnDraws {
    var seed: UInt64 = 0
    let keySpace: UInt64

    public init(keys k: UInt64) { keySpace = 2 * k }

    @inline(__always) public mutating func next() -> (key: Int64, pct: UInt64) {
        let r = splitmix64(seed)
        seed &+= 0x9E37_79B9_7F4A_7C15
        let c = splitmix64(seed)
        seed &+= 0x9E37_79B9_7F4A_7C15
        return (key(reduce(r, keySpace)), reduce(c, 100))
    }
}
