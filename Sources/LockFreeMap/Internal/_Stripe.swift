// A stripe: one independently growing table of the map, with its entry counter and
// the tables it retired. The top `stripeBits` bits of a key's hash choose the stripe.
//
// Layout (128 bytes: the read-mostly line first, so that the counter line, written by
// every insert and removal, shares no line with the table word every lookup loads):
//
//   line 0  [0] current table, published as a `TableWord` (address | size code)
//           [1] the address of the stripe array (constant: a sweep over every stripe
//               starts from any one)  [2] floor: the initial table's bucket count, raised by
//               reserveCapacity (no table is made smaller, and none shrinks below it)
//           [3] migrations completed  [4] head of the retired-table list
//   line 1  [8] entry counter
//
// After the last stripe, on a line of its own: the map's migrating-stripes hint
// (`StripeArray.migratingStripes`, reached from any stripe through word 1).

struct Stripe {
    static let byteCount = 128
    let base: AtomicWord

    @inline(__always) var tableWord: AtomicWord { base }
    /// The address of the map's stripe array (set once by `init`, constant).
    @inline(__always) var stripeArrayAddress: AtomicWord { base + 1 }
    /// The bucket count below which the stripe's tables never go: set by `init` from
    /// `minimumCapacity`, raised (never lowered) by `reserveCapacity`. It sizes every new
    /// table and stops shrinking.
    @inline(__always) var floorBuckets: AtomicWord { base + 2 }
    @inline(__always) var resizeCount: AtomicWord { base + 3 }
    @inline(__always) var retiredHead: AtomicWord { base + 4 }
    /// The map's stripe array, reached from any of its stripes (word 1 is constant).
    @inline(__always) var stripeArray: StripeArray { StripeArray(base: words(loadRelaxed(stripeArrayAddress))) }
    /// The map's migrating-stripes hint (`StripeArray.migratingStripes`).
    @inline(__always) var migratingStripes: AtomicWord { stripeArray.migratingStripes }
    @inline(__always) var entryCount: AtomicWord { base + 8 }

    /// The current table. [S1] acquire: pairs with the release of the CAS that
    /// published it (`publish`) or with the map's publication after `init`,
    /// so its header and every entry copied into it are visible.
    @inline(__always) var currentWord: TableWord { TableWord(raw: loadAcquire(tableWord)) }
    @inline(__always) var current: Table { currentWord.table }
    /// This stripe's index in the map's stripe array, 0 ..< `stripeCount`.
    var index: Int {
        Int((LockFreeMap.address(base) &- loadRelaxed(stripeArrayAddress)) / UInt64(Stripe.byteCount))
    }
}

extension Stripe {
    /// Frees the current table, a successor it may have, and every retired table
    /// (deinit: no other thread can reach the map).
    func deallocateTables() {
        let table = current
        let successor = table.peekSuccessor()
        if successor.isTable { successor.table.deallocate() }
        table.deallocate()
        var list = loadRelaxed(retiredHead)
        while list != 0 {
            let retired = Table(address: list)
            list = loadRelaxed(retired.retiredLink)
            retired.deallocate()
        }
    }
}
