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
// Table (three header lines, then the bucket array; the overflow pool follows in the same
// block for a small table, and is a separate block for a large one, so that the bucket
// array can use huge pages and the pool, touched densely from its start, does not
// round up to them):
//
//   line 0 (read-mostly)  [0] log2 bucket count  [1] successor table (0 until a
//                         migration starts; written once)  [2] pool address
//                         [3] pool capacity (buckets)  [4] fresh-insert limit (buckets)
//                         [5] bytes of the block holding header and buckets (and
//                         the pool, for a small table)  [6] bytes of a separate pool
//                         block, or 0  [7] extension blocks for copies (a list; 0: none)
//   line 1 (written)      [8] pool buckets used  [9] migration cursor
//                         [10] migrated bucket count  [11] retire epoch
//                         [12] retired-list link  [13] successor claim (0 / 1: a
//                         thread maps the successor: `Stripe.startMigration`)
//                         [14] free-bucket stack top  [15] its tag (a 16-byte pair)
//   line 2 (copies, then  [16] pool buckets bumped by copies (so that new inserts get
//   read-mostly)          their fresh limit on top of what a migration copied in)
//                         [17] huge pages advised (0 / 1; 1 from the start for a table
//                         too small for them): loaded by every insert past 1/16
//
// Overflow buckets: a bump of [8] in the pool (new inserts up to the fresh limit, copies
// up to the capacity), or a pop of the free stack, where every bucket a thread took but
// could not link goes back (so a lost race loses nothing), or, for a copy only, a bucket
// of an extension block mapped when the pool is exhausted (DESIGN.md, M5).

let slotsPerBucket = 3
let bucketBytes = 64
let tableHeaderBytes = 192

let slotLive: UInt64 = 1 << 63
let slotUsed: UInt64 = 1 << 62
let slotFrozen: UInt64 = 1 << 61
let slotHashMask: UInt64 = (1 << 58) - 1
let linkFrozen: UInt64 = 1

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

/// The word that publishes a table, as the stripe's current table or as a table's
/// successor: the table's address (page-aligned, so its low 12 bits are free) with its log2
/// bucket count (at most 56) in those bits, so that one load gives a reader both. A word is
/// not an address: only `table` and `bucket(forHash:)` decode it, and an address passed where
/// a word is expected does not compile. `none` (0) is "no table" (a successor not installed).
struct TableWord: Equatable {
    let raw: UInt64

    @inline(__always) init(raw: UInt64) { self.raw = raw }

    /// No table: the successor word of a table no migration has started from.
    static var none: TableWord { TableWord(raw: 0) }

    /// The low bits of a word that hold the log2 bucket count.
    @inline(__always) static var log2Mask: UInt64 { 4095 }

    @inline(__always) var isNone: Bool { raw == 0 }
    /// The log2 bucket count of the table this word names.
    @inline(__always) var log2: UInt64 { raw & Self.log2Mask }
    /// The table this word names.
    @inline(__always) var table: Table { Table(address: raw & ~Self.log2Mask) }

    /// The head bucket for `hash` in the table this word names, without loading its header.
    @inline(__always) func bucket(forHash hash: UInt64) -> Bucket {
        let mask = (UInt64(1) &<< log2) &- 1  // log2 <= 56: no overshift
        return Bucket((raw & ~Self.log2Mask) &+ UInt64(tableHeaderBytes) &+ ((hash & mask) << 6))
    }
}

/// A table, addressed by its header. Plain value; the memory is owned by the stripe.
/// The header's words are reached by name (`Header`), never by a bare offset outside it.
struct Table {
    let base: AtomicWord
    @inline(__always) init(address: UInt64) { base = words(address) }

    /// Word offsets of the header fields (the layout in this file's header comment).
    enum Header {
        static let log2 = 0, successor = 1, poolBase = 2, poolCapacity = 3, freshLimit = 4
        static let blockBytes = 5, poolBlockBytes = 6, extensionHead = 7
        static let poolUsed = 8, migrationCursor = 9, migratedCount = 10, retireEpoch = 11
        static let retiredLink = 12, successorClaim = 13, freeTop = 14, freeTag = 15
        static let copyBumps = 16, hugePagesAdvised = 17
    }

    @inline(__always) var log2: UInt64 { loadRelaxed(base + Header.log2) }  // constant after publication
    /// The successor's word (`TableWord`; 0 until a migration starts, then written once):
    /// load it with `loadSuccessor`, install it with `installSuccessor`.
    @inline(__always) var successor: AtomicWord { base + Header.successor }
    @inline(__always) var poolBase: UInt64 { loadRelaxed(base + Header.poolBase) }
    @inline(__always) var poolCapacity: UInt64 { loadRelaxed(base + Header.poolCapacity) }
    @inline(__always) var freshLimit: UInt64 { loadRelaxed(base + Header.freshLimit) }
    /// Bytes of the block holding the header and buckets (and the pool, for a small table).
    @inline(__always) var blockBytes: Int { Int(loadRelaxed(base + Header.blockBytes)) }
    /// Bytes of a separate pool block, or 0.
    @inline(__always) var poolBlockBytes: Int { Int(loadRelaxed(base + Header.poolBlockBytes)) }
    @inline(__always) var poolUsed: AtomicWord { base + Header.poolUsed }
    @inline(__always) var migrationCursor: AtomicWord { base + Header.migrationCursor }
    @inline(__always) var migratedCount: AtomicWord { base + Header.migratedCount }
    @inline(__always) var retireEpoch: AtomicWord { base + Header.retireEpoch }
    @inline(__always) var retiredLink: AtomicWord { base + Header.retiredLink }
    @inline(__always) var extensionHead: AtomicWord { base + Header.extensionHead }
    @inline(__always) var successorClaim: AtomicWord { base + Header.successorClaim }
    @inline(__always) var hugePagesAdvised: AtomicWord { base + Header.hugePagesAdvised }
    /// The free-bucket stack: top (a bucket address, 0 = empty) and tag, one 16-byte pair.
    @inline(__always) var freeTop: AtomicWord { base + Header.freeTop }
    @inline(__always) var freeTag: AtomicWord { base + Header.freeTag }
    @inline(__always) var copyBumps: AtomicWord { base + Header.copyBumps }
    @inline(__always) var address: UInt64 { LockFreeMap.address(base) }

    @inline(__always) var bucketCount: UInt64 { 1 &<< log2 }  // log2 <= 56: no overshift

    /// Head bucket `b` (b < bucketCount).
    @inline(__always) func bucket(_ b: UInt64) -> Bucket {
        Bucket(address &+ UInt64(tableHeaderBytes) &+ (b << 6))
    }

    /// The word that publishes this table (`TableWord`).
    @inline(__always) var published: TableWord { TableWord(raw: address | log2) }

    /// [U1] The successor's word, acquire: pairs with the release of `installSuccessor`, so
    /// the successor's header is visible.
    @inline(__always) func loadSuccessor() -> TableWord { TableWord(raw: loadAcquire(successor)) }

    /// The successor's word, relaxed: only to decide whether to look further (a caller that
    /// goes on to use the successor loads it again with `loadSuccessor`).
    @inline(__always) func peekSuccessor() -> TableWord { TableWord(raw: loadRelaxed(successor)) }

    /// [U1] Installs `next` as the successor if there is none: acq_rel CAS, whose release
    /// publishes the successor's header to whoever acquires the word. Whether it installed.
    @inline(__always) func installSuccessor(_ next: TableWord) -> Bool {
        compareExchangeAcqRel(successor, expected: 0, desired: next.raw).exchanged
    }

    // MARK: Allocation

    /// A zeroed table of 2^log2 buckets whose pool holds `freshLimit` buckets for new
    /// inserts plus `copyReserve` for entries copied in by a migration (DESIGN.md, M5),
    /// or nil if the kernel refused the memory. `dense` says the bucket array will soon be
    /// touched throughout (a migration fills it): it is offered huge pages at once.
    static func allocate(log2: UInt64, copyReserve: UInt64, dense: Bool) -> Table? {
        let buckets = UInt64(1) << log2
        let bucketBlock = tableHeaderBytes + Int(buckets) * bucketBytes
        let fresh = freshLimit(buckets: buckets)
        let capacity = fresh + copyReserve
        let poolBytes = Int(capacity) * bucketBytes
        // A small table is one block (a page or a few); a large one is two, so that the
        // bucket array alone gets huge pages.
        let together = bucketBlock + poolBytes < PageMemory.hugePageSize
        guard let block = PageMemory.allocate(byteCount: together ? bucketBlock + poolBytes : bucketBlock) else {
            return nil
        }
        let t = Table(address: LockFreeMap.address(block))
        var pool = block + bucketBlock
        if !together {
            guard let separate = PageMemory.allocate(byteCount: poolBytes) else {
                PageMemory.deallocate(block, byteCount: bucketBlock)
                return nil
            }
            pool = separate
        }
        storeRelaxed(t.base + Header.log2, log2)
        storeRelaxed(t.base + Header.poolBase, LockFreeMap.address(pool))
        storeRelaxed(t.base + Header.poolCapacity, capacity)
        storeRelaxed(t.base + Header.freshLimit, fresh)
        storeRelaxed(t.base + Header.blockBytes, UInt64(together ? bucketBlock + poolBytes : bucketBlock))
        storeRelaxed(t.base + Header.poolBlockBytes, together ? 0 : UInt64(poolBytes))
        // Nothing to advise below a huge page: the inserts past 1/16 that check see 1.
        if bucketBlock < PageMemory.hugePageSize { storeRelaxed(t.hugePagesAdvised, 1) }
        if dense {
            t.adviseHugePages()
            // Not yet published: faulting it in here costs this thread one call and no
            // other thread anything (DESIGN.md, "Prefaulting a successor").
            PageMemory.prefaultForWriting(block, byteCount: bucketBlock)
        }
        return t
    }

    /// Overflow buckets new inserts may take in a table of `buckets` head buckets.
    static func freshLimit(buckets: UInt64) -> UInt64 { max(buckets / 2, 4) }

    /// The bytes `allocate` asks for (for out-of-memory messages).
    static func byteCount(log2: UInt64, copyReserve: UInt64) -> Int {
        let buckets = UInt64(1) << log2
        return tableHeaderBytes + Int(buckets + freshLimit(buckets: buckets) + copyReserve) * bucketBytes
    }

    /// Offers the bucket array huge pages, once, now that it is dense (DESIGN.md, "Huge
    /// pages"). A small table's single block is below the huge page size: nothing to do
    /// (its flag is set from the start).
    func adviseHugePages() {
        let blockBytes = self.blockBytes
        guard blockBytes >= PageMemory.hugePageSize, loadRelaxed(hugePagesAdvised) == 0,
            compareExchangeAcqRel(hugePagesAdvised, expected: 0, desired: 1).exchanged
        else { return }
        PageMemory.adviseHugePages(UnsafeMutableRawPointer(base), byteCount: blockBytes)
    }

    /// Returns the table's memory (it must be unreachable by every thread).
    func deallocate() {
        var block = loadRelaxed(extensionHead)
        while block != 0 {
            let next = loadRelaxed(words(block))
            PageMemory.deallocate(UnsafeMutableRawPointer(words(block)), byteCount: Self.extensionBytes)
            block = next
        }
        let poolBlock = poolBlockBytes
        if poolBlock != 0 { PageMemory.deallocate(UnsafeMutableRawPointer(words(poolBase)), byteCount: poolBlock) }
        PageMemory.deallocate(UnsafeMutableRawPointer(base), byteCount: blockBytes)
    }

    /// Bytes of the header, the bucket array, the pool buckets handed out so far, and
    /// extension blocks.
    var residentBytes: Int {
        var extensions = 0
        var block = loadAcquire(extensionHead)
        while block != 0 {
            extensions += Self.extensionBytes
            block = loadRelaxed(words(block))
        }
        return tableHeaderBytes + Int(bucketCount) * bucketBytes
            + Int(min(loadRelaxed(poolUsed), poolCapacity)) * bucketBytes + extensions
    }

    /// A zeroed overflow bucket, or nil if there is none for this kind of caller: new
    /// inserts may bump the pool until they have taken `freshLimit` buckets beyond those
    /// copies took, copies up to the whole pool and then into extension blocks (nil for a
    /// copy: the kernel refused an extension block). Lock-free: a pop of the free stack, a
    /// bump CAS, or a CAS push of an extension block.
    ///
    /// The fresh limit counts from what copies took so that a table a migration filled
    /// densely (a rebuild of one long chain) still has room for new inserts: otherwise an
    /// insert could rebuild the same table forever (DESIGN.md, M5).
    @inline(__always) func allocateOverflow(forCopy: Bool) -> Bucket? {
        if loadRelaxed(freeTop) != 0, let recycled = popFree() { return recycled }
        let capacity = poolCapacity
        var used = loadRelaxed(poolUsed)
        while used < capacity, forCopy || Self.freshTaken(used: used, copies: loadRelaxed(copyBumps)) < freshLimit {
            // The pool memory is zero from mmap and belongs to the winner alone; the order
            // of this CAS protects nothing (acq_rel only because the shim has no relaxed CAS).
            let (won, seen) = compareExchangeAcqRel(poolUsed, expected: used, desired: used + 1)
            if won {
                if forCopy { _ = fetchAddRelaxed(copyBumps, 1) }  // policy only: relaxed
                return Bucket(poolBase &+ used * UInt64(bucketBytes))
            }
            used = seen
        }
        return forCopy ? allocateFromExtension() : nil
    }

    /// Pool buckets new inserts have taken: those bumped minus those copies bumped. `used`
    /// may be older than `copies` (loaded first, and copies count after their bump), so
    /// the difference is clamped at 0 rather than wrapping, which read as "no room" and
    /// started a needless rebuild; the bump CAS then fails on the stale `used` and retries.
    @inline(__always) static func freshTaken(used: UInt64, copies: UInt64) -> UInt64 {
        used >= copies ? used - copies : 0
    }

    /// Returns an overflow bucket that was never linked (its link CAS lost), emptied, to
    /// the free stack, for the next allocation of any thread: no bucket is ever lost.
    func giveBack(_ bucket: Bucket) {
        for i in 0..<slotsPerBucket {
            storeRelaxed(bucket.control(i), 0)
            storeRelaxed(bucket.value(i), 0)
        }
        var (top, tag) = (loadAcquire(freeTop), loadRelaxed(freeTag))
        while true {
            storeRelaxed(bucket.link, top)  // the stack's next pointer, until popped
            // [P2] seq_cst 16-byte CAS of (top, tag): release publishes the emptied slots and
            // the next pointer to the popper; the tag changes on every push and pop (ABA).
            let seen = compareExchangePairSeqCst(freeTop, expected: (top, tag), desired: (bucket.address, tag &+ 1))
            if seen == (top, tag) { return }
            (top, tag) = seen
        }
    }

    /// Pops the free stack, or nil if it is empty.
    private func popFree() -> Bucket? {
        var top = loadAcquire(freeTop)
        // [P2] The tag's load must be acquire, and before the link load: if the CAS below
        // succeeds, the pair it expects is the latest, written by the push or pop that made
        // `top` the top; acquiring the tag synchronizes with that write (every write of the
        // pair is an RMW, so it heads a release sequence through all later ones), so the
        // link load below reads `top`'s next pointer as pushed, or newer. Relaxed, the link
        // load could return a next pointer from before another thread popped `top` and
        // pushed it back, and the CAS would make a bucket that a thread took and linked into
        // a chain the stack's top (DESIGN.md, "The free-bucket stack";
        // verify/genmc/free_stack.c fails with the tag relaxed on RC11 and IMM).
        var tag = loadAcquire(freeTag)
        while top != 0 {
            // The top may be popped and linked by another thread meanwhile: then this load
            // reads a live link, and the CAS below fails on the tag. Pool memory lives as
            // long as the table, which the caller's pin keeps.
            let next = loadAcquire(Bucket(top).link)
            // [P2] seq_cst 16-byte CAS, seq_cst on failure too: a retry's link load must be
            // ordered after the write of the pair it retries with, as the tag load above.
            let seen = compareExchangePairSeqCst(freeTop, expected: (top, tag), desired: (next, tag &+ 1))
            if seen == (top, tag) {
                storeRelaxed(Bucket(top).link, 0)
                return Bucket(top)
            }
            (top, tag) = seen
        }
        return nil
    }

    /// One page of overflow buckets for copies beyond the pool: bucket 0 holds the next
    /// block's address (word 0) and the buckets used (word 1), buckets 1... are handed out.
    static var extensionBytes: Int { PageMemory.pageSize }

    /// A bucket from an extension block, mapping and pushing a new block if every block is
    /// full; nil if the kernel refuses the block.
    @inline(never) private func allocateFromExtension() -> Bucket? {
        let perBlock = UInt64(Self.extensionBytes / bucketBytes) - 1
        var block = loadAcquire(extensionHead)  // [P3] pairs with the push
        while block != 0 {
            let used = words(block) + 1
            var n = loadRelaxed(used)
            while n < perBlock {
                let (won, seen) = compareExchangeAcqRel(used, expected: n, desired: n + 1)
                if won { return Bucket(block &+ (n + 1) * UInt64(bucketBytes)) }
                n = seen
            }
            block = loadRelaxed(words(block))
        }
        guard let fresh = PageMemory.allocate(byteCount: Self.extensionBytes) else { return nil }
        let newBlock = LockFreeMap.address(fresh)
        storeRelaxed(words(newBlock) + 1, 1)  // bucket 1 is ours
        var head = loadAcquire(extensionHead)
        while true {
            storeRelaxed(words(newBlock), head)
            // [P3] acq_rel CAS: release publishes the block's header to later walkers.
            let (pushed, seen) = compareExchangeAcqRel(extensionHead, expected: head, desired: newBlock)
            if pushed { return Bucket(newBlock &+ UInt64(bucketBytes)) }
            head = seen
        }
    }
}
