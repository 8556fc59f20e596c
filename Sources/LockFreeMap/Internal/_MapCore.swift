// The map's storage: the stripe array, the reclamation domain and the hash seed.
// Everything the public class needs, as plain values over memory it owns.

/// The `stripeCount` stripes, contiguous, each `Stripe.byteCount` bytes.
struct StripeArray {
    let base: AtomicWord

    @inline(__always) subscript(_ i: Int) -> Stripe {
        Stripe(base: base + i * (Stripe.byteCount / 8))
    }

    /// The sum of the stripes' counters. Each counter is >= 0 at every instant
    /// (DESIGN.md, "Size"), so the sum is too.
    var entryCount: UInt64 {
        var total: UInt64 = 0
        for i in 0..<stripeCount { total &+= loadRelaxed(self[i].entryCount) }
        return total
    }
}

struct MapCore {
    let stripes: StripeArray
    let domain: EpochDomain
    let seed: UInt64

    /// Log2 bucket count of each stripe's first table for `minimumCapacity` entries:
    /// enough buckets that the stripe does not grow before it holds its share, with a
    /// quarter to spare for the imbalance between stripes.
    static func initialLog2(minimumCapacity: Int) -> UInt64 {
        let perStripe = UInt64((minimumCapacity + minimumCapacity / 4) / stripeCount + 1)
        var log2 = minimumTableLog2
        while exceedsGrowthLoad(entries: perStripe, log2: log2), log2 < 56 { log2 += 1 }
        return log2
    }

    init(minimumCapacity: Int, seed: UInt64) {
        self.seed = seed
        domain = EpochDomain.shared
        let raw = PageMemory.allocate(byteCount: stripeCount * Stripe.byteCount)
        stripes = StripeArray(base: raw.assumingMemoryBound(to: UInt64.self))
        let log2 = Self.initialLog2(minimumCapacity: minimumCapacity)
        for i in 0..<stripeCount {
            let stripe = stripes[i]
            let table = Table.allocate(log2: log2, copyReserve: 0)
            storeRelaxed(stripe.tableWord, table.publishedWord)
            storeRelaxed(stripe.initialLog2, log2)
        }
        // The map is published to other threads by whatever the user shares it with
        // (a let, a Task capture): that publication orders these plain stores.
    }

    /// Returns all memory (deinit: no other thread can reach the map any more).
    func deallocate() {
        for i in 0..<stripeCount { stripes[i].deallocateTables() }
        PageMemory.deallocate(UnsafeMutableRawPointer(stripes.base), byteCount: stripeCount * Stripe.byteCount)
    }

    @inline(__always) func hashed(_ key: Int64) -> HashedKey {
        let h = fmix64(UInt64(bitPattern: key) ^ seed)
        return HashedKey(stripe: Int(h >> UInt64(lowHashBits)), low: h & slotHashMask)
    }

    /// The key whose hash is `low` in stripe `stripe` (inverse of `hashed`).
    @inline(__always) func key(low: UInt64, stripe: Int) -> Int64 {
        let h = UInt64(stripe) << UInt64(lowHashBits) | low
        return Int64(bitPattern: fmix64Inverse(h) ^ seed)
    }
}
