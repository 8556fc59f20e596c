// A stripe: one independently growing table of the map, with its entry counter and
// the tables it retired. The top `stripeBits` bits of a key's hash choose the stripe.
//
// Layout (128 bytes: the read-mostly line first, so that the counter line, written by
// every insert and removal, shares no line with the table word every lookup loads):
//
//   line 0  [0] current table, published as address | log2 bucket count
//           [1] unused  [2] log2 of the initial table (the floor for shrinking)
//           [3] migrations completed  [4] head of the retired-table list
//   line 1  [8] entry counter

let stripeBits = 6
let stripeCount = 1 << stripeBits
/// Bits of the hash left to the stripe's table.
let lowHashBits = 64 - stripeBits

/// Load that makes a table grow: more than 5/2 entries per bucket on average (of 3
/// slots). Growing doubles the table (`tableLog2`), to 5/4 per bucket. DESIGN.md, "Growth".
@inline(__always) func exceedsGrowthLoad(entries: UInt64, log2: UInt64) -> Bool {
    entries &* 2 > (5 << log2)
}

/// Load under which a table larger than its stripe's initial one shrinks: fewer than
/// one entry per 8 buckets.
@inline(__always) func underShrinkLoad(entries: UInt64, log2: UInt64) -> Bool {
    entries &* 8 < (1 << log2)
}

/// The log2 bucket count of a table made for `entries` entries: at most 2 per bucket.
/// A table that grows at 2.5 per bucket therefore doubles (to 1.25), and one that
/// shrinks at 1/8 per bucket comes out at 1 to 2.
func tableLog2(forEntries entries: UInt64, atLeast floor: UInt64) -> UInt64 {
    var log2 = max(floor, minimumTableLog2)
    while entries > (2 << log2), log2 < 56 { log2 += 1 }
    return log2
}

struct Stripe {
    static let byteCount = 128
    let base: AtomicWord

    @inline(__always) var tableWord: AtomicWord { base }
    @inline(__always) var initialLog2: AtomicWord { base + 2 }
    @inline(__always) var resizeCount: AtomicWord { base + 3 }
    @inline(__always) var retiredHead: AtomicWord { base + 4 }
    @inline(__always) var entryCount: AtomicWord { base + 8 }

    /// The current table. [S1] acquire: pairs with the release of the CAS that
    /// published it (`finishMigration`) or with the map's publication after `init`,
    /// so its header and every entry copied into it are visible.
    @inline(__always) var currentWord: UInt64 { loadAcquire(tableWord) }
    @inline(__always) var current: Table { Table(word: currentWord) }
}

// MARK: - Retired tables

extension Stripe {
    /// Hands a table that no thread can newly reach (the stripe no longer publishes it)
    /// to reclamation: it is freed once the epoch has advanced twice past this point.
    func retire(_ table: Table, domain: EpochDomain) {
        // [R1] the unpublishing CAS happened before this RMW; see epochForRetire.
        storeRelaxed(table.retireEpoch, domain.epochForRetire())
        pushRetired(table)
    }

    /// Tries to advance the epoch, then frees every retired table at least two epochs
    /// old and puts the others back. Lock-free: an exchange, frees, and a push.
    func collectRetiredTables(domain: EpochDomain) {
        if loadRelaxed(retiredHead) == 0 { return }
        domain.tryAdvance()
        // [L1] acquire: pairs with the release of every push.
        var list = exchangeAcqRel(retiredHead, 0)
        let epoch = domain.epochForRetire()
        while list != 0 {
            let table = Table(list)
            list = loadRelaxed(table.retiredLink)
            if loadRelaxed(table.retireEpoch) &+ 2 <= epoch {
                table.deallocate()
            } else {
                pushRetired(table)  // keeps the epoch it was retired in
            }
        }
    }

    /// Pushes `table` on the retired list (a Treiber stack).
    private func pushRetired(_ table: Table) {
        var head = loadRelaxed(retiredHead)
        while true {
            storeRelaxed(table.retiredLink, head)
            // [L1] acq_rel: release publishes the link and the retire epoch to the collector.
            let (pushed, seen) = compareExchangeAcqRel(retiredHead, expected: head, desired: table.address)
            if pushed { return }
            head = seen
        }
    }

    /// Frees the current table, a successor it may have, and every retired table
    /// (deinit: no other thread can reach the map).
    func deallocateTables() {
        let table = current
        let successor = loadRelaxed(table.successor)
        if successor != 0 { Table(word: successor).deallocate() }
        table.deallocate()
        var list = loadRelaxed(retiredHead)
        while list != 0 {
            let retired = Table(list)
            list = loadRelaxed(retired.retiredLink)
            retired.deallocate()
        }
    }
}
