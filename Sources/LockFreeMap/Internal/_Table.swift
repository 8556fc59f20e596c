// A stripe's table: cache-line buckets of three inline entries each, with a link to
// overflow buckets taken from the table's own pool. See docs/DESIGN.md, section 2.
//
// Bucket (64 bytes, 64-byte aligned: one cache line, so a lookup that finds its key in
// the bucket's first three slots touches one line):
//
//   words 0-1  slot 0: control | value   ┐ each slot is a 16-byte-aligned pair,
//   words 2-3  slot 1: control | value   │ changed only by a 16-byte CAS on both
//   words 4-5  slot 2: control | value   ┘ words (reads load them one by one)
//   word 6     link: the next overflow bucket's address | LINK_FROZEN (bit 0)
//   word 7     migrated flag (head buckets only): 1 once every entry of the chain
//              has been copied into the successor table
//
// Slot control word:
//
//   bit 63  LIVE    the key is present and `value` is its value
//   bit 62  USED    the slot belongs to one key for the rest of this table's life
//                   (LIVE, or a tombstone: removed, key kept)
//   bit 61  FROZEN  the slot is being or has been moved to the successor table and
//                   never changes again
//   bits 0-57       the low 58 bits of the key's hash (the top 6 chose the stripe);
//                   with the stripe they are the whole hash, a bijection of the key
//
// An empty slot is (0, 0); an empty slot frozen by a migration is (FROZEN, 0).
// Invariants (T1-T4 in DESIGN.md): a slot's hash never changes once USED; a key has at
// most one USED slot per table; in chain order the USED slots form a prefix (an insert
// takes the first empty slot); FROZEN slots form a prefix too (freezing goes in chain
// order), and after a frozen empty slot nothing is ever filled.
//
// Table (two header lines, then the bucket array; the overflow pool follows in the same
// block for a small table, and is a separate block for a large one, so that the bucket
// array can use huge pages and the pool, touched densely from its start, does not
// round up to them):
//
//   line 0 (read-mostly)  [0] log2 bucket count  [1] successor table (0 until a
//                         migration starts; written once)  [2] pool address
//                         [3] pool capacity (buckets)  [4] fresh-insert limit (buckets)
//                         [5] bytes of the block holding header and buckets (and
//                         the pool, for a small table)  [6] bytes of a separate pool
//                         block, or 0
//   line 1 (written)      [8] pool buckets used  [9] migration cursor
//                         [10] migrated bucket count  [11] retire epoch
//                         [12] retired-list link  [13] spare overflow bucket

let slotsPerBucket = 3
let bucketBytes = 64
let tableHeaderBytes = 128

let slotLive: UInt64 = 1 << 63
let slotUsed: UInt64 = 1 << 62
let slotFrozen: UInt64 = 1 << 61
let slotHashMask: UInt64 = (1 << 58) - 1
let linkFrozen: UInt64 = 1

/// The smallest table: 8 buckets.
let minimumTableLog2: UInt64 = 3
/// Buckets per migration chunk claimed by a helping writer.
let migrationChunk: UInt64 = 16

@inline(__always) func words(_ a: UInt64) -> AtomicWord {
    UnsafeMutablePointer<UInt64>(bitPattern: UInt(a)).unsafelyUnwrapped
}
@inline(__always) func address(_ p: UnsafeMutableRawPointer) -> UInt64 { UInt64(UInt(bitPattern: p)) }
@inline(__always) func address(_ p: AtomicWord) -> UInt64 { UInt64(UInt(bitPattern: p)) }

/// The control word of a USED, LIVE slot for `hash` (low 58 bits).
@inline(__always) func liveControl(_ hash: UInt64) -> UInt64 { slotLive | slotUsed | hash }
/// Whether `control` is a USED slot of `hash` (any LIVE / FROZEN state).
@inline(__always) func isSlot(_ control: UInt64, of hash: UInt64) -> Bool {
    control & (slotUsed | slotHashMask) == slotUsed | hash
}

/// One 64-byte bucket.
struct Bucket {
    let base: AtomicWord
    @inline(__always) init(_ a: UInt64) { base = words(a) }
    @inline(__always) func control(_ i: Int) -> AtomicWord { base + 2 * i }
    @inline(__always) func value(_ i: Int) -> AtomicWord { base + 2 * i + 1 }
    @inline(__always) var link: AtomicWord { base + 6 }
    @inline(__always) var migrated: AtomicWord { base + 7 }
    @inline(__always) var address: UInt64 { LockFreeMap.address(base) }
}

/// A table, addressed by its header. Plain value; the memory is owned by the stripe.
struct Table {
    let base: AtomicWord
    @inline(__always) init(_ a: UInt64) { base = words(a) }

    @inline(__always) var log2: UInt64 { loadRelaxed(base) }  // constant after publication
    @inline(__always) var successor: AtomicWord { base + 1 }
    @inline(__always) var poolBase: UInt64 { loadRelaxed(base + 2) }
    @inline(__always) var poolCapacity: UInt64 { loadRelaxed(base + 3) }
    @inline(__always) var freshLimit: UInt64 { loadRelaxed(base + 4) }
    @inline(__always) var poolUsed: AtomicWord { base + 8 }
    @inline(__always) var migrationCursor: AtomicWord { base + 9 }
    @inline(__always) var migratedCount: AtomicWord { base + 10 }
    @inline(__always) var retireEpoch: AtomicWord { base + 11 }
    @inline(__always) var retiredLink: AtomicWord { base + 12 }
    @inline(__always) var spare: AtomicWord { base + 13 }
    @inline(__always) var address: UInt64 { LockFreeMap.address(base) }

    @inline(__always) var bucketCount: UInt64 { 1 << log2 }

    /// Head bucket `b` (b < bucketCount).
    @inline(__always) func bucket(_ b: UInt64) -> Bucket {
        Bucket(address &+ UInt64(tableHeaderBytes) &+ (b << 6))
    }

    /// The word that publishes a table: its address (page-aligned) with its log2 bucket
    /// count in the low bits, so that one load gives a reader both.
    @inline(__always) var publishedWord: UInt64 { address | log2 }

    /// The head bucket for `hash` in the table published as `word`, without loading
    /// the header.
    @inline(__always) static func bucket(ofWord word: UInt64, hash: UInt64) -> Bucket {
        let mask = (UInt64(1) << (word & 63)) &- 1
        return Bucket((word & ~4095) &+ UInt64(tableHeaderBytes) &+ ((hash & mask) << 6))
    }

    // MARK: Allocation

    /// A zeroed table of 2^log2 buckets whose pool holds `freshLimit` buckets for new
    /// inserts plus `copyReserve` for entries copied in by a migration (enough that a
    /// copy never runs out: DESIGN.md, "Migration").
    static func allocate(log2: UInt64, copyReserve: UInt64) -> Table {
        let buckets = UInt64(1) << log2
        let bucketBlock = tableHeaderBytes + Int(buckets) * bucketBytes
        let fresh = max(buckets / 2, 4)
        let capacity = fresh + copyReserve
        let poolBytes = Int(capacity) * bucketBytes
        // A small table is one block (a page or a few); a large one is two, so that the
        // bucket array alone gets huge pages.
        let together = bucketBlock + poolBytes < PageMemory.hugePageSize
        let block = PageMemory.allocate(byteCount: together ? bucketBlock + poolBytes : bucketBlock)
        let t = Table(LockFreeMap.address(block))
        let pool = together ? block + bucketBlock : PageMemory.allocate(byteCount: poolBytes, hugePages: false)
        storeRelaxed(t.base, log2)
        storeRelaxed(t.base + 2, LockFreeMap.address(pool))
        storeRelaxed(t.base + 3, capacity)
        storeRelaxed(t.base + 4, fresh)
        storeRelaxed(t.base + 5, UInt64(together ? bucketBlock + poolBytes : bucketBlock))
        storeRelaxed(t.base + 6, together ? 0 : UInt64(poolBytes))
        return t
    }

    /// Returns the table's memory (it must be unreachable by every thread).
    func deallocate() {
        let poolBlock = Int(loadRelaxed(base + 6))
        if poolBlock != 0 { PageMemory.deallocate(UnsafeMutableRawPointer(words(poolBase)), byteCount: poolBlock) }
        PageMemory.deallocate(UnsafeMutableRawPointer(base), byteCount: Int(loadRelaxed(base + 5)))
    }

    /// Bytes of the header, the bucket array and the pool buckets handed out so far.
    var residentBytes: Int {
        tableHeaderBytes + Int(bucketCount) * bucketBytes + Int(min(loadRelaxed(poolUsed), poolCapacity)) * bucketBytes
    }

    /// A zeroed overflow bucket, or nil if the pool is out of room for this kind of
    /// caller: new inserts may use up to `freshLimit`, copies the whole pool. Lock-free:
    /// the spare (a bucket someone took but could not link) first, then a bump CAS.
    @inline(__always) func allocateOverflow(forCopy: Bool) -> Bucket? {
        if loadRelaxed(spare) != 0 {
            // [P2] acq_rel exchange: acquire pairs with the release of `giveBack`.
            let s = exchangeAcqRel(spare, 0)
            if s != 0 { return Bucket(s) }
        }
        let limit = forCopy ? poolCapacity : freshLimit
        var used = loadRelaxed(poolUsed)
        while used < limit {
            // The pool memory is zero from mmap and belongs to the winner alone; the order
            // of this CAS protects nothing (acq_rel only because the shim has no relaxed CAS).
            let (won, seen) = compareExchangeAcqRel(poolUsed, expected: used, desired: used + 1)
            if won { return Bucket(poolBase &+ used * UInt64(bucketBytes)) }
            used = seen
        }
        return nil
    }

    /// Returns an overflow bucket that was never linked (its CAS lost), emptied, for
    /// the next append; if a spare is already parked the bucket stays unused.
    func giveBack(_ bucket: Bucket) {
        for i in 0..<slotsPerBucket {
            storeRelaxed(bucket.control(i), 0)
            storeRelaxed(bucket.value(i), 0)
        }
        _ = compareExchangeAcqRel(spare, expected: 0, desired: bucket.address)  // [P2]
    }
}
