// Keys and random draws of docs/WORKLOADS.md ("Keys and random draws"), bit for bit the
// same as the C++ and Java peers (the workload code of the native peers' harness), so that every cell can be
// compared with theirs.

/// The golden-ratio increment of the splitmix64 sequence.
let splitMixGamma: UInt64 = 0x9E37_79B9_7F4A_7C15

/// splitmix64 finalizer (Steele, Lea, Flood, "Fast splittable pseudorandom number
/// generators", OOPSLA 2014), exactly as docs/WORKLOADS.md spells it: unsigned, wrapping.
@inline(__always)
func splitmix64(_ x: UInt64) -> UInt64 {
    var z = x &+ splitMixGamma
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// The i-th key of the key space: `splitmix64(i)` reinterpreted as Int64, so keys cover
/// the whole Int64 range instead of a dense prefix.
@inline(__always)
func benchKey(_ index: UInt64) -> Int64 {
    Int64(bitPattern: splitmix64(index))
}

/// Lemire's multiply-high reduction of a 64-bit draw to `0 ..< n`: the high half of the
/// 128-bit product `r * n`. Unbiased enough for n far below 2^64, and no division.
@inline(__always)
func reduce(_ r: UInt64, _ n: UInt64) -> UInt64 {
    r.multipliedFullWidth(by: n).high
}

/// MurmurHash3's fmix64, used by the sharded baseline to pick a shard (its top bits), as the
/// peers' `absl_shard64` does.
@inline(__always)
func fmix64(_ key: UInt64) -> UInt64 {
    var k = key
    k ^= k >> 33
    k &*= 0xFF51_AFD7_ED55_8CCD
    k ^= k >> 33
    k &*= 0xC4CE_B9FE_1A85_EC53
    k ^= k >> 33
    return k
}

/// The per-thread generator: the splitmix64 sequence seeded with the thread number,
/// `r_n = splitmix64(seed + n * gamma)`.
struct SplitMix64 {
    /// The next input of the finalizer; exposed so a zipf ring can hand the generator on.
    var state: UInt64

    /// A generator whose first draw is `splitmix64(seed)`.
    init(seed: UInt64) { state = seed }

    /// The next 64-bit draw.
    @inline(__always)
    mutating func next() -> UInt64 {
        let r = splitmix64(state)
        state &+= splitMixGamma
        return r
    }

    /// A uniform Double in [0, 1) from the top 53 bits of the next draw.
    @inline(__always)
    mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1p-53
    }
}
