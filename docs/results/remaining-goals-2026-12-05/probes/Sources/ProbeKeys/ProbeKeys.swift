// The keys and draws of docs/WORKLOADS.md, shared by the probes.

/// splitmix64: key(i) = splitmix64(i), and the per-thread generator's step.
@inline(__always) public func splitmix64(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// reduce(x, n): the high half of x · n, an index in 0 ..< n.
@inline(__always) public func reduce(_ x: UInt64, _ n: UInt64) -> UInt64 { x.multipliedFullWidth(by: n).high }
