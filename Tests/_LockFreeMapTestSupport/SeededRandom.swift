// SeededRandom: the one pseudo-random source of the test targets, so that every randomized
// test is replayable from a single 64-bit seed (see TestKnobs.seed).
//
// Algorithm: SplitMix64 (Steele, Lea & Flood, "Fast Splittable Pseudorandom Number
// Generators", OOPSLA 2014). It passes BigCrush, needs one word of state, and the same
// finalizer doubles as a seed mixer, which lets tests derive independent streams
// (per sequence, per round, per thread) from one base seed without sharing a generator.
// A value type, so each thread owns its own and the hot loops neither allocate nor share a
// cache line.

/// A deterministic, value-type random number generator (SplitMix64).
///
/// Two generators built from the same seed and salts produce the same stream on every
/// platform and run; this is what makes `LOCKFREEMAP_SEED=<n>` replay a failure.
package struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator whose stream is fixed by `seed` and the optional `salts`
    /// (for example a sequence index, a round and a thread number).
    package init(seed: UInt64, salts: UInt64...) {
        state = Self.derive(seed, salts)
    }

    /// Returns the next 64 random bits.
    package mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Self.finalize(state)
    }

    /// A seed for an independent stream: `seed` mixed with each salt in turn.
    package static func derive(_ seed: UInt64, _ salts: [UInt64]) -> UInt64 {
        var mixed = finalize(seed)
        for salt in salts {
            mixed = finalize(mixed ^ finalize(salt &+ 0x632B_E59B_D9B4_E019))
        }
        return mixed
    }

    /// A fixed scrambling of `x` (the SplitMix64 output for state `x`): a bijection on UInt64,
    /// so distinct inputs give distinct outputs. For key sets that must look random but be
    /// the same in every run.
    package static func mix(_ x: UInt64) -> UInt64 {
        finalize(x &+ 0x9E37_79B9_7F4A_7C15)
    }

    /// The SplitMix64 output function: a bijective 64-bit mixer.
    private static func finalize(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension SeededRandom {
    /// A uniformly chosen index in `0..<count`; `count` must be positive.
    package mutating func index(below count: Int) -> Int {
        Int.random(in: 0..<count, using: &self)
    }

    /// True with probability `numerator / denominator`.
    package mutating func chance(_ numerator: Int, in denominator: Int) -> Bool {
        index(below: denominator) < numerator
    }

    /// A uniformly chosen element of a non-empty array.
    package mutating func element<T>(of array: [T]) -> T {
        array[index(below: array.count)]
    }

    /// Any of the 2^64 Int64 values, uniformly.
    package mutating func anyInt64() -> Int64 {
        Int64(bitPattern: next())
    }

    /// A random Int64 over the whole range, a third of the time one of the edge values
    /// 0, -1, 1, `Int64.min`, `Int64.max`.
    package mutating func edgeBiasedInt64() -> Int64 {
        let edges: (Int64, Int64, Int64, Int64, Int64) = (0, -1, 1, .min, .max)
        switch index(below: 15) {
        case 0: return edges.0
        case 1: return edges.1
        case 2: return edges.2
        case 3: return edges.3
        case 4: return edges.4
        default: return anyInt64()
        }
    }
}
