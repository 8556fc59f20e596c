// A stripe's table: cache-line buckets of four inline entries each, where a bucket that
// overflows continues in the next bucket of the same array (wrapping at the end). See
// docs/DESIGN.md, section 2.
//
// Bucket (64 bytes, 64-byte aligned: one cache line, so a lookup that finds its key in its
// home bucket touches one line):
//
//   words 0-1  slot 0: control | value   ┐ each slot is a 16-byte-aligned pair,
//   words 2-3  slot 1: control | value   │ changed only by a 16-byte CAS on both
//   words 4-5  slot 2: control | value   │ words (reads load them one by one)
//   words 6-7  slot 3: control | value   ┘
//
// No link word: the overflow of bucket b is bucket b + 1 (mod the bucket count), implicit.
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
// Invariants (V1-V6 in DESIGN.md): a slot's hash never changes once USED; a key has at most
// one USED slot per table; an insert fills the first empty slot at or after its home bucket's
// slot 0 (so every slot from there to a key's own is USED); a bucket's slots freeze in order.
//
// Table (three header lines, the bucket array, then the migrated bitmap: one block):
//
//   line 0 (read-mostly)  [0] size code (`SizeClass`)  [1] successor: 0 (open), `closedWord`
//                         (closed, no successor yet), or the successor's `TableWord`
//                         [2] bytes of the block  [3] bucket count
//   line 1 (migration)    [8] migration cursor (buckets claimed upward from 0 by the
//                         stripe's own writers)  [9] migrated bucket count  [10] retire
//                         epoch  [11] retired-list link  [12] successor claim (0 / 1: a
//                         thread maps the successor: `Stripe.startMigration`)  [13] the
//                         downward cursor (buckets claimed from the last by other stripes'
//                         writers: `Stripe.helpAnotherStripe`)
//   line 2 (inserts read, [16] huge pages advised (0 / 1; 1 from the start for a table too
//   removals write)       small for them)  [17] tombstones: slots whose key was removed
//                         (counted before the removal, so never under the true number)

let slotsPerBucket = 4
let bucketBytes = 64
let tableHeaderBytes = 192

let slotLive: UInt64 = 1 << 63
let slotUsed: UInt64 = 1 << 62
let slotFrozen: UInt64 = 1 << 61
let slotHashMask: UInt64 = (1 << 58) - 1

/// The control word of a USED, LIVE slot for `hash` (low 58 bits).
@inline(__always) func liveControl(_ hash: UInt64) -> UInt64 { slotLive | slotUsed | hash }
/// Whether `control` is a USED slot of `hash` (any LIVE / FROZEN state).
@inline(__always) func isSlot(_ control: UInt64, of hash: UInt64) -> Bool {
    control & (slotUsed | slotHashMask) == slotUsed | hash
}

/// One 64-byte bucket of four slots.
struct Bucket {
    let base: AtomicWord
    @inline(__always) init(_ a: UInt64) { base = words(a) }
    @inline(__always) func control(_ i: Int) -> AtomicWord { base + 2 * i }
    @inline(__always) func value(_ i: Int) -> AtomicWord { base + 2 * i + 1 }

    /// Whether the bucket has an empty slot (USED clear; frozen or not). Every probe that
    /// reaches such a bucket ends in it (V3).
    func hasEmptySlot() -> Bool {
        for i in 0..<slotsPerBucket where loadAcquire(control(i)) & slotUsed == 0 { return true }
        return false
    }
}

/// Bucket counts are size classes `(16 + m) · 2^e`, 0 <= m <= 15, at least 32: any count
/// within 1/16 of a target, so a table's bytes per entry stay flat across sizes instead of
/// jumping by 2 at each power of two. The code `m | e << 4` fits the low 12 bits of a
/// page-aligned address (`TableWord`).
enum SizeClass {
    /// The smallest table: 32 buckets (128 slots), 2 KiB of buckets in one page with its header.
    static let minimumBuckets: UInt64 = 32
    /// The largest bucket count a code may name (2^51 buckets: no machine has the memory).
    static let maximumBuckets: UInt64 = 31 << 46

    /// The bucket count a code names.
    @inline(__always) static func buckets(code: UInt64) -> UInt64 {
        (16 &+ (code & 15)) &<< ((code >> 4) & 63)
    }

    /// The code of the smallest size class of at least `target` buckets (and at least 32).
    static func code(atLeast target: UInt64) -> UInt64 {
        let t = Swift.min(Swift.max(target, minimumBuckets), maximumBuckets)
        var e = UInt64(64 - t.leadingZeroBitCount) - 5  // 2^(e+4) <= t < 2^(e+5)
        var m = (t + (UInt64(1) << e) - 1) >> e  // 16 ... 32
        if m == 32 {
            e += 1
            m = 16
        }
        return (m - 16) | e << 4
    }
}

/// The word that publishes a table, as the stripe's current table or as a table's
/// successor: the table's address (page-aligned, so its low 12 bits are free) with its size
/// code in those bits, so that one load gives a reader both. A word is not an address: only
/// `table`, `bucketCount` and `home(of:)` decode it, and an address passed where a word is
/// expected does not compile. In a successor field, 0 (`isNone`) is "open: no migration" and
/// `closed` (1) "closed, successor not installed yet".
struct TableWord: Equatable {
    let raw: UInt64

    @inline(__always) init(raw: UInt64) { self.raw = raw }

    static var closed: TableWord { TableWord(raw: 1) }

    /// The low bits of a word that hold the size code.
    @inline(__always) static var codeMask: UInt64 { 4095 }

    @inline(__always) var isNone: Bool { raw == 0 }
    /// Whether this names a table (neither 0 nor `closed`).
    @inline(__always) var isTable: Bool { raw > 1 }
    /// The size code of the table this word names.
    @inline(__always) var code: UInt64 { raw & Self.codeMask }
    @inline(__always) var bucketCount: UInt64 { SizeClass.buckets(code: code) }
    /// The table this word names.
    @inline(__always) var table: Table { Table(address: raw & ~Self.codeMask) }

    /// The home bucket of `hash` (its low 58 bits): `⌊h · n / 2^58⌋`, the high word of one
    /// 64×64-bit product (multiply-shift range reduction, Lemire's "fastrange"): uniform over
    /// 0..<n for any n, and monotone in the hash.
    @inline(__always) func home(of hash: UInt64) -> UInt64 {
        (hash &<< 6).multipliedFullWidth(by: bucketCount).high
    }

    /// The home bucket of `hash` in the table this word names, without loading its header.
    @inline(__always) func bucket(forHash hash: UInt64) -> Bucket {
        Bucket((raw & ~Self.codeMask) &+ UInt64(tableHeaderBytes) &+ (home(of: hash) << 6))
    }
}

/// A table, addressed by its header. Plain value; the memory is owned by the stripe.
/// The header's words are reached by name (`Header`), never by a bare offset outside it.
struct Table {
    let base: AtomicWord
    @inline(__always) init(address: UInt64) { base = words(address) }

    /// Word offsets of the header fields (the layout in this file's header comment).
    enum Header {
        static let sizeCode = 0, successor = 1, blockBytes = 2, bucketCount = 3
        static let migrationCursor = 8, migratedCount = 9, retireEpoch = 10, retiredLink = 11
        static let successorClaim = 12, migrationCursorDown = 13
        static let hugePagesAdvised = 16, tombstones = 17
    }

    @inline(__always) var sizeCode: UInt64 { loadRelaxed(base + Header.sizeCode) }  // constant
    @inline(__always) var bucketCount: UInt64 { loadRelaxed(base + Header.bucketCount) }  // constant
    /// The successor field (`TableWord`): load it with `loadSuccessor`, close the table
    /// with `close`, install a successor with `installSuccessor`.
    @inline(__always) var successor: AtomicWord { base + Header.successor }
    /// Bytes of the block (header, buckets, bitmap).
    @inline(__always) var blockBytes: Int { Int(loadRelaxed(base + Header.blockBytes)) }
    @inline(__always) var migrationCursor: AtomicWord { base + Header.migrationCursor }
    /// Buckets claimed downward from the last by other stripes' writers (`Stripe.helpAnotherStripe`).
    @inline(__always) var migrationCursorDown: AtomicWord { base + Header.migrationCursorDown }
    @inline(__always) var migratedCount: AtomicWord { base + Header.migratedCount }
    @inline(__always) var retireEpoch: AtomicWord { base + Header.retireEpoch }
    @inline(__always) var retiredLink: AtomicWord { base + Header.retiredLink }
    @inline(__always) var successorClaim: AtomicWord { base + Header.successorClaim }
    @inline(__always) var hugePagesAdvised: AtomicWord { base + Header.hugePagesAdvised }
    @inline(__always) var tombstones: AtomicWord { base + Header.tombstones }
    @inline(__always) var address: UInt64 { LockFreeMap.address(base) }

    /// Bucket `b` (b < bucketCount).
    @inline(__always) func bucket(_ b: UInt64) -> Bucket {
        Bucket(address &+ UInt64(tableHeaderBytes) &+ (b << 6))
    }

    /// The word that publishes this table (`TableWord`).
    @inline(__always) var published: TableWord { TableWord(raw: address | sizeCode) }

    /// The most slots that may be USED (V5): 95 % of them, so every probe ends at an empty slot.
    @inline(__always) static func admissionLimit(buckets n: UInt64) -> UInt64 { n &* 4 &* 19 / 20 }
    /// The load that starts a growth: 88 % of the slots USED (live keys and tombstones).
    @inline(__always) static func growthLoad(buckets n: UInt64) -> UInt64 { n &* 4 &* 22 / 25 }

    // MARK: The successor field

    /// [U1] The successor field, acquire: pairs with the release of `installSuccessor`, so
    /// an installed successor's header is visible.
    @inline(__always) func loadSuccessor() -> TableWord { TableWord(raw: loadAcquire(successor)) }

    /// The successor field, relaxed: only to decide whether to look further (a caller that
    /// goes on to use the successor loads it again with `loadSuccessor`).
    @inline(__always) func peekSuccessor() -> TableWord { TableWord(raw: loadRelaxed(successor)) }

    /// [A1] The successor field, seq_cst: an admission's check, in the store-buffering
    /// pattern with `close` and the closer's count (DESIGN.md, "Admission"). (A thread that
    /// finds the table already closed reads the field seq_cst inside `close`.)
    @inline(__always) func loadSuccessorSeqCst() -> TableWord { TableWord(raw: loadSeqCst(successor)) }

    /// [A2] Closes the table to new keys: seq_cst CAS 0 -> `closed` (does nothing if the
    /// table is closed or has a successor already). Then a seq_cst load of the field: the
    /// shim's CAS fails with acquire, and a thread that finds the table closed by another
    /// must read the field seq_cst before it counts the entries, as the closer's own CAS
    /// does (verify/genmc/v3_admission.c, `ENSURE_SUCC_ACQUIRE` fails).
    @inline(__always) func close() {
        _ = compareExchangeSeqCst(successor, expected: 0, desired: TableWord.closed.raw)
        _ = loadSeqCst(successor)
    }

    /// [U1] Installs `next` as the successor of this closed table: seq_cst CAS `closed` ->
    /// next, whose release publishes the successor's header to whoever acquires the field.
    /// Whether it installed (false: another thread installed its own first).
    @inline(__always) func installSuccessor(_ next: TableWord) -> Bool {
        compareExchangeSeqCst(successor, expected: TableWord.closed.raw, desired: next.raw).exchanged
    }

    // MARK: The migrated bitmap

    /// The bitmap word holding bucket b's migrated bit.
    @inline(__always) func migratedWord(_ b: UInt64) -> AtomicWord {
        words(address &+ UInt64(tableHeaderBytes) &+ bucketCount << 6) + Int(b >> 6)
    }

    /// [F1] Whether bucket b is migrated, acquire: pairs with the release of the RMW that
    /// set the bit, so every copy of the bucket's entries is visible.
    @inline(__always) func isMigrated(_ b: UInt64) -> Bool {
        loadAcquire(migratedWord(b)) & (1 << (b & 63)) != 0
    }

    /// [F1] Sets bucket b's migrated bit with an acq_rel CAS loop (an atomic fetch-or);
    /// returns whether this call set it (exactly one caller does). Its release publishes the
    /// caller's copies; other buckets' bits in the same word do not disturb it: the CAS
    /// retries only when another bit changed.
    @inline(__always) func setMigrated(_ b: UInt64) -> Bool {
        let word = migratedWord(b)
        let bit: UInt64 = 1 << (b & 63)
        var seen = loadRelaxed(word)
        while seen & bit == 0 {
            let (exchanged, current) = compareExchangeAcqRel(word, expected: seen, desired: seen | bit)
            if exchanged { return true }
            seen = current
        }
        return false
    }

    // MARK: Allocation

    /// The bytes of a table of `n` buckets: header, buckets, bitmap.
    static func byteCount(buckets n: UInt64) -> Int {
        tableHeaderBytes + Int(n) * bucketBytes + Int((n + 63) / 64) * 8
    }

    /// A zeroed table of the size class `code`, or nil if the kernel refused the memory.
    /// `dense` says the bucket array will soon be touched throughout (a migration fills it):
    /// it is offered huge pages and prefaulted at once.
    static func allocate(code: UInt64, dense: Bool) -> Table? {
        let n = SizeClass.buckets(code: code)
        let bytes = byteCount(buckets: n)
        guard let block = PageMemory.allocate(byteCount: bytes) else { return nil }
        // A dense block is advised before anything is written to it: the header's first
        // store faults in the block's first page, and a 2 MiB region that already has a base
        // page is not backed by a huge page when the rest of it faults in (only khugepaged,
        // much later, would collapse it). Advised after the header, as until 2026-12-05,
        // no table under 4 MiB got a huge page at all (DESIGN.md, "Huge pages").
        if dense { PageMemory.adviseHugePages(block, byteCount: bytes) }
        let t = Table(address: LockFreeMap.address(block))
        storeRelaxed(t.base + Header.sizeCode, code)
        storeRelaxed(t.base + Header.bucketCount, n)
        storeRelaxed(t.base + Header.blockBytes, UInt64(bytes))
        // Nothing (more) to advise below a huge page or once advised: the inserts past 1/16
        // that check see 1.
        if dense || bytes < PageMemory.hugePageSize { storeRelaxed(t.hugePagesAdvised, 1) }
        if dense {
            // Not yet published: faulting it in here costs this thread one call and no
            // other thread anything (DESIGN.md, "Prefaulting a successor").
            PageMemory.prefaultForWriting(block, byteCount: bytes)
        }
        return t
    }

    /// Offers the block huge pages, once, now that it is dense (DESIGN.md, "Huge pages").
    /// A block below the huge page size: nothing to do (its flag is set from the start).
    func adviseHugePages() {
        let bytes = blockBytes
        guard bytes >= PageMemory.hugePageSize, loadRelaxed(hugePagesAdvised) == 0,
            compareExchangeAcqRel(hugePagesAdvised, expected: 0, desired: 1).exchanged
        else { return }
        PageMemory.adviseHugePages(UnsafeMutableRawPointer(base), byteCount: bytes)
    }

    /// Returns the table's memory (it must be unreachable by every thread).
    func deallocate() {
        PageMemory.deallocate(UnsafeMutableRawPointer(base), byteCount: blockBytes)
    }

    /// Bytes of the table: header, buckets and bitmap (one block).
    var residentBytes: Int { blockBytes }
}
