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

    /// Bucket count exponent per stripe for `minimumCapacity` entries: enough buckets
    /// that the load stays under `maxLoadFactor` with a quarter to spare for the
    /// imbalance between stripes.
    static func initialSizeLog2(minimumCapacity: Int) -> UInt64 {
        let perStripe = (minimumCapacity + minimumCapacity / 4) / stripeCount + 1
        let buckets = (perStripe + maxLoadFactor - 1) / maxLoadFactor
        var log2 = segmentZeroLog2
        while 1 << log2 < buckets, log2 < maxSizeLog2 { log2 += 1 }
        return UInt64(log2)
    }

    init(minimumCapacity: Int, seed: UInt64) {
        self.seed = seed
        domain = EpochDomain.shared
        let raw = PageMemory.allocate(byteCount: stripeCount * Stripe.byteCount)
        stripes = StripeArray(base: raw.assumingMemoryBound(to: UInt64.self))
        let sizeLog2 = Self.initialSizeLog2(minimumCapacity: minimumCapacity)
        for i in 0..<stripeCount {
            let stripe = stripes[i]
            storeRelaxed(stripe.sizeLog2, sizeLog2)
            storeRelaxed(stripe.initialSizeLog2, sizeLog2)
            storeRelaxed(stripe.stripeIndex, UInt64(i))
            storeRelaxed(stripe.minimumCapacity, UInt64(minimumCapacity))
            storeRelaxed(stripe.stripeArray, address(raw))
            storeRelaxed(stripe.segmentEntry(0), stripe.headDummy)
            // Bucket 0's dummy, order key 0 (zeroed memory): the head of the stripe's list.
            storeRelaxed(linkWord(stripe.headDummy), dummyLinked)
        }
        // The map is published to other threads by whatever the user shares it with
        // (a let, a Task capture): that publication orders these plain stores.
    }

    /// Returns all memory (deinit: no other thread can reach the map any more).
    func deallocate() {
        for i in 0..<stripeCount {
            stripes[i].deallocateSlabs()
            stripes[i].deallocateSegments()
        }
        PageMemory.deallocate(UnsafeMutableRawPointer(stripes.base), byteCount: stripeCount * Stripe.byteCount)
    }

    @inline(__always) func hashed(_ key: Int64) -> HashedKey {
        let h = fmix64(UInt64(bitPattern: key) ^ seed)
        return HashedKey(stripe: Int(h >> UInt64(lowHashBits)), low: h & ((1 << UInt64(lowHashBits)) - 1))
    }

    /// The key of the entry with `orderKey` in stripe `stripe` (inverse of `hashed`).
    @inline(__always) func key(orderKey: UInt64, stripe: Int) -> Int64 {
        let low = reverseBits(orderKey & ~1)
        let h = UInt64(stripe) << UInt64(lowHashBits) | low
        return Int64(bitPattern: fmix64Inverse(h) ^ seed)
    }
}
