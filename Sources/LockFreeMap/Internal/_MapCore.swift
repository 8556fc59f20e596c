// The map's storage: the stripe array and the hash seed.
// Everything the public class needs, as plain values over memory it owns.

/// Bytes of a map's stripe array: the stripes, then one 128-byte line of map-wide words, of
/// which word 0 is the migrating-stripes hint (`StripeArray.migratingStripes`), on a line of
/// its own so that its changes take no stripe's line from the other cores.
let stripeArrayBytes = stripeCount * Stripe.byteCount + 128

/// The `stripeCount` stripes, contiguous, each `Stripe.byteCount` bytes, and the map-wide
/// line after them.
struct StripeArray {
    let base: AtomicWord

    @inline(__always) subscript(_ i: Int) -> Stripe {
        Stripe(base: base + i * (Stripe.byteCount / 8))
    }

    /// The map's migrating-stripes hint, word 0 of the line after the last stripe: bit i is
    /// set while stripe i migrates (by the closers of its table, after the close; cleared by
    /// the publisher). Only a hint, read relaxed: see `Stripe.helpAnotherStripe`.
    @inline(__always) var migratingStripes: AtomicWord { base + stripeCount * (Stripe.byteCount / 8) }

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
    let seed: UInt64

    /// The largest `minimumCapacity` accepted (2^40 entries: 64 stripes of 2^33 buckets,
    /// 32 TiB of tables; any machine runs out of memory long before).
    static var maximumCapacity: Int { 1 << 40 }

    /// Stops with a message that survives release builds unless `0 <= n <= maximumCapacity`.
    static func checkCapacity(_ n: Int, in function: StaticString) {
        if n < 0 {
            fatalError("LockFreeInt64Map.\(function): minimumCapacity must be >= 0, got \(n)")
        }
        if n > maximumCapacity {
            fatalError(
                "LockFreeInt64Map.\(function): minimumCapacity must be at most \(maximumCapacity) "
                    + "(LockFreeInt64Map.maximumCapacity), got \(n)")
        }
    }

    /// Size code of each stripe's first table for `minimumCapacity` entries (at most
    /// `maximumCapacity`): enough buckets that no stripe grows before the map holds that many
    /// random keys. A stripe's share is binomial (n trials, p = 1/64): the table is sized for
    /// its mean plus 6 standard deviations plus 8 (the most loaded of 64 stripes is rarely
    /// past 3), and never for less than the mean plus a quarter, at 80 % of the slots (16/5
    /// entries per bucket, under the growth load of 88 %). DESIGN.md, "Growth, shrinking and
    /// sizes".
    static func initialCode(minimumCapacity: Int) -> UInt64 {
        let mean = Double(minimumCapacity) / Double(stripeCount)
        let deviation = (mean * (1 - 1 / Double(stripeCount))).squareRoot()
        let perStripe = UInt64(max(mean + 6 * deviation + 8, mean * 1.25).rounded(.up))
        return SizeClass.code(atLeast: (perStripe * 5 + 15) / 16)
    }

    /// The first table of stripe `stripe`: at least the presized `code`, and for a map that
    /// starts small, the size class of at least 32 + stripe/4 buckets (32 to 48: one page
    /// each, like 32). Stripes fill at the same pace (a key's stripe is random), so tables
    /// that started alike would grow in step: every stripe would migrate at the same moment,
    /// holding its old and new tables together (1 + 1/1.5 times the memory of the new ones),
    /// and the map's bytes per entry would jump at each growth. Starting the stripes spread
    /// by a factor of 1.5 (a third of a fourfold step while tables grow fourfold, a whole
    /// step of 1.5 after) keeps their growths spread as the map grows, in groups of the
    /// stripes whose sizes fall in one size class (9 groups; DESIGN.md, "Staggered first
    /// tables", has what the groups cost).
    static func staggered(_ code: UInt64, stripe: Int) -> UInt64 {
        let spread = SizeClass.minimumBuckets + UInt64(stripe) / 4
        return SizeClass.buckets(code: code) >= spread ? code : SizeClass.code(atLeast: spread)
    }

    init(minimumCapacity: Int, seed: UInt64) {
        self.seed = seed
        let raw = PageMemory.allocateOrStop(byteCount: stripeArrayBytes, for: "the stripes of a new map")
        stripes = StripeArray(base: raw.assumingMemoryBound(to: UInt64.self))
        let presized = Self.initialCode(minimumCapacity: minimumCapacity)
        for i in 0..<stripeCount {
            let code = Self.staggered(presized, stripe: i)
            let buckets = SizeClass.buckets(code: code)
            let stripe = stripes[i]
            // Not dense: a presized table may stay mostly empty (Table.adviseHugePages).
            guard let table = Table.allocate(code: code, dense: false) else {
                PageMemory.outOfMemory(
                    byteCount: Table.byteCount(buckets: buckets),
                    for: "a table of \(buckets) buckets of a new map (64 such tables)")
            }
            storeRelaxed(stripe.tableWord, table.published.raw)
            storeRelaxed(stripe.floorBuckets, buckets)
            storeRelaxed(stripe.stripeArrayAddress, LockFreeMap.address(stripes.base))
        }
        // The map is published to other threads by whatever the user shares it with
        // (a let, a Task capture): that publication orders these plain stores.
    }

    /// Returns all memory (deinit: no other thread can reach the map any more).
    func deallocate() {
        for i in 0..<stripeCount { stripes[i].deallocateTables() }
        PageMemory.deallocate(UnsafeMutableRawPointer(stripes.base), byteCount: stripeArrayBytes)
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
