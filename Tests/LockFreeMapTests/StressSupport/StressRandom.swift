/// A small, fast, seedable generator for the stress tests: the splitmix64 sequence
/// (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014),
/// the same one docs/WORKLOADS.md uses. A value type, so each thread owns its own and the hot loops
/// neither allocate nor share a cache line.
struct StressRandom: RandomNumberGenerator {
    private var state: UInt64

    /// A generator for `stream` (usually the thread's index) under the run's `seed`;
    /// different streams of one seed give unrelated sequences.
    init(seed: UInt64, stream: Int = 0) {
        state = StressRandom.mix(seed ^ StressRandom.mix(UInt64(truncatingIfNeeded: stream) &+ 0x51_7CC1_B727_220A))
    }

    /// The splitmix64 finalizer: a bijection on UInt64, so distinct inputs give distinct outputs.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        let result = StressRandom.mix(state)
        state &+= 0x9E37_79B9_7F4A_7C15
        return result
    }

    /// A uniform integer in `0 ..< bound` (Lemire's multiply-high reduction; the tiny bias for
    /// bounds that are not powers of two does not matter here). Precondition: bound > 0.
    mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A random Int64 over the whole range, a third of the time one of the edge values
    /// 0, -1, 1, `Int64.min`, `Int64.max`.
    mutating func edgeBiasedInt64() -> Int64 {
        let edges: (Int64, Int64, Int64, Int64, Int64) = (0, -1, 1, .min, .max)
        switch below(15) {
        case 0: return edges.0
        case 1: return edges.1
        case 2: return edges.2
        case 3: return edges.3
        case 4: return edges.4
        default: return Int64(bitPattern: next())
        }
    }
}
