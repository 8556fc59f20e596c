#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Zipfian ranks over `0 ..< n` with exponent theta, the generator of YCSB (after Gray et al.,
/// "Quickly generating billion-record synthetic databases", SIGMOD 1994). Rank r is used as
/// the key index, so the hottest key is `benchKey(0)`. Same formulas, in the same order, as
/// the peers' `wl::Zipf`, so the ranks drawn from the same uniform doubles are identical.
struct ZipfGenerator: Sendable {
    /// Number of ranks.
    let n: UInt64
    /// The exponent (docs/WORKLOADS.md: 0.99).
    let theta: Double
    let zetaN: Double
    let alpha: Double
    let eta: Double
    let onePlusHalfPow: Double

    /// The generalized harmonic number `sum_{i=1..n} 1 / i^theta`: O(n) `pow` calls, so
    /// build one generator per K and keep it.
    static func zeta(_ n: UInt64, _ theta: Double) -> Double {
        var sum = 0.0
        var i: UInt64 = 1
        while i <= n {
            sum += 1.0 / pow(Double(i), theta)
            i += 1
        }
        return sum
    }

    /// A generator over `0 ..< n`. Precondition: n >= 1.
    init(n: UInt64, theta: Double = 0.99) {
        precondition(n >= 1, "zipf needs at least one rank")
        self.n = n
        self.theta = theta
        zetaN = Self.zeta(n, theta)
        let zeta2 = Self.zeta(2, theta)
        alpha = 1.0 / (1.0 - theta)
        eta = (1.0 - pow(2.0 / Double(n), 1.0 - theta)) / (1.0 - zeta2 / zetaN)
        onePlusHalfPow = 1.0 + pow(0.5, theta)
    }

    /// The rank for the uniform draw `u` in [0, 1).
    func rank(_ u: Double) -> UInt64 {
        let uz = u * zetaN
        if uz < 1.0 { return 0 }
        if uz < onePlusHalfPow { return n > 1 ? 1 : 0 }
        let r = UInt64(Double(n) * pow(eta * u - eta + 1.0, alpha))
        return r >= n ? n - 1 : r
    }
}

/// The ranks one thread cycles through in a zipf cell, drawn before timing because `pow`
/// costs more than a lookup (docs/WORKLOADS.md). Filled with the first draws of the thread's own
/// generator; `generatorAfter` is that generator once the ring is full, so the op-choice
/// draws of read90 continue the same sequence, as in the peers.
final class ZipfRing: @unchecked Sendable {
    // Safety: written once in init, read-only afterwards, freed in deinit.

    /// Entries in a ring: 2^20 (a power of two, so the position wraps with a mask).
    static let size = 1 << 20

    /// The ranks, `size` of them.
    let ranks: UnsafeMutablePointer<UInt32>
    /// The thread's generator after drawing the ring.
    let generatorAfter: SplitMix64

    /// Draws the ring of thread `thread` for `zipf`. Precondition: zipf.n <= 2^32.
    init(zipf: ZipfGenerator, thread: Int) {
        precondition(zipf.n <= UInt64(UInt32.max) + 1, "zipf ranks are stored as UInt32")
        ranks = .allocate(capacity: Self.size)
        var rng = SplitMix64(seed: UInt64(thread))
        for i in 0..<Self.size {
            ranks[i] = UInt32(truncatingIfNeeded: zipf.rank(rng.nextUnitDouble()))
        }
        generatorAfter = rng
    }

    deinit { ranks.deallocate() }
}

/// Zipf generators and rings, built on first use and kept for the whole run (a ring costs
/// 2^20 `pow` calls; the generator for K = 10,000,000 costs 10^7).
final class ZipfCache: @unchecked Sendable {
    // Safety: used by the suite's main thread only; workers receive finished rings.
    private var generators: [UInt64: ZipfGenerator] = [:]
    private var rings: [RingKey: ZipfRing] = [:]

    private struct RingKey: Hashable {
        let n: UInt64
        let thread: Int
    }

    /// An empty cache.
    init() {}

    /// The ring of thread `thread` over `0 ..< n`.
    func ring(n: UInt64, thread: Int) -> ZipfRing {
        if let ring = rings[RingKey(n: n, thread: thread)] { return ring }
        let zipf: ZipfGenerator
        if let z = generators[n] {
            zipf = z
        } else {
            zipf = ZipfGenerator(n: n)
            generators[n] = zipf
        }
        let ring = ZipfRing(zipf: zipf, thread: thread)
        rings[RingKey(n: n, thread: thread)] = ring
        return ring
    }

    /// Drops every ring of key space `n` (called when the suite moves on to the next K).
    func forget(n: UInt64) {
        rings = rings.filter { $0.key.n != n }
        generators[n] = nil
    }
}
