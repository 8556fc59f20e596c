// Single-thread throughput prototypes of three table layouts for LockFreeMap (issue 20).
//
// Not the map: no concurrency, no migration protocol beyond its atomic steps, one table
// (one "stripe"). What is modelled is the memory layout, the probe, the growth copy, and the
// atomic read-modify-writes each operation of the real map does (every slot write is the
// map's own 16-byte CAS, `_lfm_cas_pair_seqcst` of Sources/_LockFreeMapShims, a
// `lock cmpxchg16b`; every load is the shim's acquire load, a plain `mov` on x86-64).
//
//   CHAINED3  today's table (Sources/LockFreeMap/Internal/_Table.swift): 64-byte buckets of
//             3 (control, value) slots + link + migrated flag, overflow buckets bumped from a
//             pool (fresh limit n/2, copies up to a reserve), 2^k buckets (hash & mask), grow
//             at entries > 2.5 n to the fewest buckets holding <= 2 each (x4 below 2^10),
//             a table from 32 buckets. An insert into a full chain bumps the pool (CAS), writes
//             the bucket, counts (fetch-add) and links it (64-bit CAS), as the map does.
//   LP4       docs/TABLE-V3.md: 64-byte buckets of 4 slots, no link, n a size class
//             (16+m)*2^e >= 32, home = mulhi(h58 << 6, n), linear probing bucket by bucket
//             (wrapping), grow when used = live + tombstones > 0.8*4n, or refuse an insert
//             over floor(0.95*4n), to the smallest class with entries <= (8/15)*4n.
//   DH4       LP4 with the next bucket (b + step) mod n, step = 1 + mulhi(low32(h) << 32, n-1)
//             made coprime to n (odd, and not sharing a factor with the odd part of 16+m).
//
// Keys: key_i = fmix64^-1(h_i) ^ seed, with h_i a bijection of i onto 58 bits, so the map's
// hash fmix64(key ^ seed) has the top 6 bits 0 (one stripe) and distinct low 58 bits for
// distinct i: the control word's 58 hash bits identify a key exactly, as in the map.
//
// Build: swiftc -O -wmo -I ../../../../Sources/_LockFreeMapShims/include \
//          -import-objc-header ../../../../Sources/_LockFreeMapShims/include/_LockFreeMapShims.h \
//          layouts.swift -o layouts          (see run.sh)
// Run:   ./layouts [--keys 1000000,10000000] [--runs 3] [--layouts C3,LP4,DH4] [--no-thp] [--wall]
//        (times are thread CPU time unless --wall; add -D PROBESTATS to the build to count
//        the buckets each lookup reads)

#if canImport(Glibc)
import Glibc
#else
#error("Linux only (mmap, /proc/self/statm)")
#endif

// MARK: - Words and atomics (the map's shim)

typealias W = UnsafeMutablePointer<UInt64>

// Computed, not stored: a global `let` of a file with top-level code is a variable loaded
// from memory at every use.
var LIVE: UInt64 { 1 << 63 }
var USED: UInt64 { 1 << 62 }
var FROZEN: UInt64 { 1 << 61 }
var MASK58: UInt64 { (1 << 58) - 1 }
var KEYBITS: UInt64 { USED | MASK58 }

@inline(__always) func ld(_ p: W) -> UInt64 { _lfm_load_acquire_u64(p) }
@inline(__always) func ldSC(_ p: W) -> UInt64 { _lfm_load_seqcst_u64(p) }
@inline(__always) func st(_ p: W, _ v: UInt64) { _lfm_store_relaxed_u64(p, v) }
@inline(__always) @discardableResult func faa(_ p: W, _ d: UInt64) -> UInt64 { _lfm_fetch_add_seqcst_u64(p, d) }
@inline(__always) func cas64(_ p: W, _ e: UInt64, _ d: UInt64) -> (Bool, UInt64) {
    var x = e
    let ok = _lfm_cas_strong_seqcst_acquire_u64(p, &x, d)
    return (ok, x)
}
/// The map's 16-byte CAS: returns the pair seen; the swap happened iff it equals (e0, e1).
@inline(__always) func cas16(_ p: W, _ e0: UInt64, _ e1: UInt64, _ d0: UInt64, _ d1: UInt64) -> (UInt64, UInt64) {
    let s = _lfm_cas_pair_seqcst(p, _lfm_pair(first: e0, second: e1), _lfm_pair(first: d0, second: d1))
    return (s.first, s.second)
}
/// fetch_or through a CAS loop (the shim has no fetch_or; one RMW either way).
@inline(__always) func fetchOr(_ p: W, _ bits: UInt64) -> UInt64 {
    var old = ld(p)
    while true {
        let (ok, seen) = cas64(p, old, old | bits)
        if ok { return old }
        old = seen
    }
}
@inline(__always) func addr(_ p: W) -> UInt64 { UInt64(UInt(bitPattern: p)) }
@inline(__always) func ptr(_ a: UInt64) -> W { W(bitPattern: UInt(a))! }

@inline(never) func fail(_ s: String) -> Never {
    print("FAILED: \(s)")
    fflush(stdout)
    exit(1)
}

// MARK: - Hashing and keys

var seed: UInt64 { 0x2545_F491_4F6C_DD1D }

@inline(__always) func fmix64(_ x: UInt64) -> UInt64 {
    var k = x
    k ^= k >> 33
    k &*= 0xff51_afd7_ed55_8ccd
    k ^= k >> 33
    k &*= 0xc4ce_b9fe_1a85_ec53
    k ^= k >> 33
    return k
}
func fmix64Inverse(_ h: UInt64) -> UInt64 {
    var x = h
    x ^= x >> 33
    x &*= 0x9cb4_b2f8_1293_37db
    x ^= x >> 33
    x &*= 0x4f74_430c_22a5_4005
    x ^= x >> 33
    return x
}
/// A bijection of the 58-bit integers (odd multiplies and xor-shifts mod 2^58).
func mix58(_ i: UInt64) -> UInt64 {
    var x = (i &* 0x9E37_79B9_7F4A_7C15) & MASK58
    x ^= x >> 29
    x = (x &* 0xBF58_476D_1CE4_E5B9) & MASK58
    x ^= x >> 31
    x = (x &* 0x94D0_49BB_1331_11EB) & MASK58
    x ^= x >> 29
    return x
}
/// The key whose hash is mix58(i) (top 6 bits 0: one stripe).
func keyFor(_ i: UInt64) -> UInt64 { fmix64Inverse(mix58(i)) ^ seed }
@inline(__always) func low58(_ key: UInt64) -> UInt64 { fmix64(key ^ seed) & MASK58 }
func valueFor(_ key: UInt64) -> UInt64 { key &* 0x9E37_79B9_7F4A_7C15 &+ 1 }

// MARK: - Memory

let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
var hugePage: Int { 2 << 20 }
var useTHP = true

struct Block {
    let p: UnsafeMutableRawPointer
    let bytes: Int
}

/// Anonymous zero memory (pages fault in on first touch). A block of 2 MiB or more is
/// 2 MiB-aligned and, for a bucket array (`huge`), advised MADV_HUGEPAGE as the map advises
/// a dense table; otherwise MADV_NOHUGEPAGE (the map's pool blocks).
func mapBlock(_ byteCount: Int, huge: Bool) -> Block {
    let size = (byteCount + pageSize - 1) / pageSize * pageSize
    let aligned = size >= hugePage
    let mapped = size + (aligned ? hugePage : 0)
    guard let raw = mmap(nil, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
        raw != UnsafeMutableRawPointer(bitPattern: -1)
    else { fail("mmap of \(mapped) bytes") }
    var p = raw
    if aligned {
        let start = UInt(bitPattern: raw)
        let a = (start + UInt(hugePage - 1)) & ~UInt(hugePage - 1)
        let head = Int(a - start)
        if head > 0 { munmap(raw, head) }
        p = raw + head
        let tail = mapped - head - size
        if tail > 0 { munmap(p + size, tail) }
        _ = madvise(p, size, (huge && useTHP) ? 14 /* MADV_HUGEPAGE */ : 15 /* MADV_NOHUGEPAGE */)
    }
    return Block(p: p, bytes: size)
}
func unmapBlock(_ b: Block) { munmap(b.p, b.bytes) }

func rssBytes() -> Int {
    let f = fopen("/proc/self/statm", "r")!
    defer { fclose(f) }
    var size = 0
    var res = 0
    withUnsafeMutablePointer(to: &size) { s in
        withUnsafeMutablePointer(to: &res) { r in
            _ = withVaList([s, r]) { vfscanf(f, "%ld %ld", $0) }
        }
    }
    return res * pageSize
}

/// The thread's CPU time (user + system, page faults included): the machine these ran on
/// was shared, and CPU time leaves out the time this thread waited for a core. Set
/// `wallClock` (--wall) to time by CLOCK_MONOTONIC instead.
var wallClock = false
/// AnonHugePages of the process (bytes), from /proc/self/smaps_rollup (0 if unreadable).
func anonHugeBytes() -> Int {
    guard let f = fopen("/proc/self/smaps_rollup", "r") else { return 0 }
    defer { fclose(f) }
    var line = [CChar](repeating: 0, count: 256)
    while fgets(&line, 256, f) != nil {
        let s = String(cString: line)
        if s.hasPrefix("AnonHugePages:") {
            let digits = s.dropFirst(14).filter { $0.isNumber }
            return (Int(String(digits)) ?? 0) * 1024
        }
    }
    return 0
}

func now() -> Double {
    var ts = timespec()
    clock_gettime(wallClock ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}
/// Involuntary context switches of this thread so far (preemptions by other processes).
func preemptions() -> Int {
    var u = rusage()
    getrusage(1 /* RUSAGE_THREAD */, &u)
    return u.ru_nivcsw
}

// MARK: - The common interface

protocol Layout {
    static var name: String { get }
    init(stripe: W)
    /// Upsert-style insert of an absent key (returns false if the key was live).
    mutating func insert(_ low: UInt64, _ value: UInt64) -> Bool
    func lookup(_ low: UInt64) -> (Bool, UInt64)
    /// value += delta by a 16-byte CAS loop on the key's slot; false if absent.
    func add(_ low: UInt64, _ delta: UInt64) -> Bool
    mutating func remove(_ low: UInt64) -> Bool
    var tableBytes: Int { get }
    var buckets: UInt64 { get }
    var slotsPerBucket: Int { get }
    var migrations: Int { get set }
    func deallocate()
}

/// Cache lines (buckets) a lookup reads, counted only in a build with -D PROBESTATS
/// (run.sh makes one such pass of one run; its times are not used).
var statLines = 0
@inline(__always) func countLine() {
    #if PROBESTATS
    statLines &+= 1
    #endif
}

var freezeOnCopy = false  // the copy also freezes every slot (and link) by CAS, as the map's migration does

// MARK: - CHAINED3 (today)

struct C3Table {
    let block: Block
    let poolBlock: Block?
    let hdr: W  // 24 header words, then the buckets
    let b0: W  // bucket 0
    let log2: UInt64
    let mask: UInt64
    let pool: W
    let poolCap: UInt64
    let fresh: UInt64
    var n: UInt64 { 1 << log2 }
    // header words: [1] successor, [8] poolUsed, [9] cursor, [10] migratedCount, [16] copyBumps
    @inline(__always) var successor: W { hdr + 1 }
    @inline(__always) var poolUsed: W { hdr + 8 }
    @inline(__always) var cursor: W { hdr + 9 }
    @inline(__always) var migrated: W { hdr + 10 }
    @inline(__always) var copyBumps: W { hdr + 16 }

    static func allocate(log2: UInt64, copyReserve: UInt64) -> C3Table {
        let n = UInt64(1) << log2
        let fresh = max(n / 2, 4)
        let cap = fresh + copyReserve
        let bucketBlock = 192 + Int(n) * 64
        let poolBytes = Int(cap) * 64
        let together = bucketBlock + poolBytes < hugePage
        let block = mapBlock(together ? bucketBlock + poolBytes : bucketBlock, huge: true)
        let hdr = block.p.assumingMemoryBound(to: UInt64.self)
        var pool = hdr + bucketBlock / 8
        var pb: Block? = nil
        if !together {
            let b = mapBlock(poolBytes, huge: false)
            pb = b
            pool = b.p.assumingMemoryBound(to: UInt64.self)
        }
        st(hdr, log2)
        return C3Table(block: block, poolBlock: pb, hdr: hdr, b0: hdr + 24, log2: log2, mask: n - 1,
            pool: pool, poolCap: cap, fresh: fresh)
    }
    func deallocate() {
        if let pb = poolBlock { unmapBlock(pb) }
        unmapBlock(block)
    }
    @inline(__always) func head(_ low: UInt64) -> W { b0 + Int(truncatingIfNeeded: (low & mask) << 3) }

    @inline(__always) func allocOverflow(forCopy: Bool) -> W? {
        var used = ld(poolUsed)
        while used < poolCap {
            if !forCopy {
                let copies = ld(copyBumps)
                if (used >= copies ? used - copies : 0) >= fresh { return nil }
            }
            let (won, seen) = cas64(poolUsed, used, used + 1)
            if won {
                if forCopy { faa(copyBumps, 1) }
                return pool + Int(used * 8)
            }
            used = seen
        }
        if forCopy { fail("CHAINED3: copy reserve exhausted") }
        return nil
    }
}

/// Branch-free check of a bucket's 3 slots, as the map's `slotIndex`.
@inline(__always) func slotIndex3(_ b: W, _ low: UInt64) -> Int? {
    let target = USED | low
    let d0 = (ld(b) & KEYBITS) ^ target
    let d1 = (ld(b + 2) & KEYBITS) ^ target
    let d2 = (ld(b + 4) & KEYBITS) ^ target
    if min(d0, min(d1, d2)) != 0 { return nil }
    return (d1 == 0 ? 1 : 0) + (d2 == 0 ? 2 : 0)
}

struct Chained3: Layout {
    static var name: String { "CHAINED3" }
    var t: C3Table
    let stripe: W  // [0] entries, [8] table word
    var migrations = 0
    var slotsPerBucket: Int { 3 }
    init(stripe: W) {
        self.stripe = stripe
        t = C3Table.allocate(log2: 5, copyReserve: 0)
        st(stripe + 8, addr(t.hdr) | 5)
    }
    var entries: W { stripe }
    var buckets: UInt64 { t.n }
    var tableBytes: Int { 192 + Int(t.n) * 64 + Int(min(ld(t.poolUsed), t.poolCap)) * 64 }
    func deallocate() { t.deallocate() }

    func lookup(_ low: UInt64) -> (Bool, UInt64) {
        let t = self.t
        let head = t.head(low)
        countLine()
        if let i = slotIndex3(head, low) {
            let c = ld(head + 2 * i)
            let v = ld(head + 2 * i + 1)
            if c & FROZEN != 0 { fail("frozen") }
            return (c & LIVE != 0, v)
        }
        var b = head
        while true {
            for i in 0..<3 {
                let c = ld(b + 2 * i)
                if c & USED == 0 {
                    if c & FROZEN != 0 { fail("frozen") }
                    return (false, 0)
                }
                if c & KEYBITS == USED | low {
                    let v = ld(b + 2 * i + 1)
                    if c & FROZEN != 0 { fail("frozen") }
                    return (c & LIVE != 0, v)
                }
            }
            let link = ld(b + 6)
            let next = link & ~1
            if next == 0 {
                if link & 1 != 0 { fail("frozen") }
                return (false, 0)
            }
            b = ptr(next)
            countLine()
        }
    }

    /// The key's slot (live or tombstone), or nil.
    @inline(__always) func findSlot(_ low: UInt64) -> W? {
        let head = t.head(low)
        if let i = slotIndex3(head, low) { return head + 2 * i }
        var b = head
        while true {
            for i in 0..<3 {
                let c = ld(b + 2 * i)
                if c & FROZEN != 0 { fail("frozen") }
                if c & USED == 0 { return nil }
                if c & KEYBITS == USED | low { return b + 2 * i }
            }
            let link = ld(b + 6)
            if link & 1 != 0 { fail("frozen") }
            if link == 0 { return nil }
            b = ptr(link)
        }
    }

    func add(_ low: UInt64, _ delta: UInt64) -> Bool {
        guard let s = findSlot(low) else { return false }
        var c = ld(s)
        var v = ld(s + 1)
        while true {
            if c & FROZEN != 0 { fail("frozen") }
            if c & LIVE == 0 { return false }
            let seen = cas16(s, c, v, c, v &+ delta)
            if seen == (c, v) { return true }
            (c, v) = seen
        }
    }

    mutating func remove(_ low: UInt64) -> Bool {
        guard let s = findSlot(low) else { return false }
        var c = ld(s)
        var v = ld(s + 1)
        while true {
            if c & FROZEN != 0 { fail("frozen") }
            if c & LIVE == 0 { return false }
            let seen = cas16(s, c, v, c & ~LIVE, v)
            if seen == (c, v) {
                faa(entries, UInt64.max)
                // afterRemove: shrink below n/8 (never in these workloads)
                return true
            }
            (c, v) = seen
        }
    }

    @inline(__always) mutating func afterInsert(_ e: UInt64) {
        if e &* 2 > (5 << t.log2), ld(t.successor) == 0 { migrate() }
    }

    /// The key's own slot: present (false), or a tombstone revived by a 16-byte CAS.
    @inline(__always) mutating func changeSlotInsert(_ s: W, _ value: UInt64) -> Bool {
        var c = ld(s)
        var v = ld(s + 1)
        while true {
            if c & FROZEN != 0 { fail("frozen") }
            if c & LIVE != 0 { return false }
            let before = faa(entries, 1)
            let seen = cas16(s, c, v, c | LIVE, value)
            if seen == (c, v) {
                afterInsert(before &+ 1)
                return true
            }
            faa(entries, UInt64.max)
            (c, v) = seen
        }
    }

    mutating func insert(_ low: UInt64, _ value: UInt64) -> Bool {
        outer: while true {
            let t = self.t
            let head = t.head(low)
            if let i = slotIndex3(head, low) { return changeSlotInsert(head + 2 * i, value) }
            var b = head
            var i = 0
            while true {
                let c = ld(b + 2 * i)
                if c & FROZEN != 0 { fail("frozen") }
                if c == 0 {
                    let before = faa(entries, 1)
                    if cas16(b + 2 * i, 0, 0, LIVE | USED | low, value) == (0, 0) {
                        afterInsert(before &+ 1)
                        return true
                    }
                    faa(entries, UInt64.max)
                    continue
                }
                if c & KEYBITS == USED | low { return changeSlotInsert(b + 2 * i, value) }
                i += 1
                if i < 3 { continue }
                var link = ld(b + 6)
                if link == 0 {
                    guard let fresh = t.allocOverflow(forCopy: false) else {
                        migrate()  // ensureSuccessor + moveOn: a rebuild
                        continue outer
                    }
                    st(fresh, LIVE | USED | low)
                    st(fresh + 1, value)
                    let before = faa(entries, 1)
                    let (linked, seen) = cas64(b + 6, 0, addr(fresh))
                    if linked {
                        afterInsert(before &+ 1)
                        return true
                    }
                    faa(entries, UInt64.max)
                    link = seen  // (never in one thread)
                }
                if link & 1 != 0 { fail("frozen") }
                b = ptr(link)
                i = 0
            }
        }
    }

    // Migration: successorLog2 as the map; chunks of 2 head buckets (cursor fetch-add,
    // count fetch-add); per head bucket: [freeze every slot and link], copy its live
    // entries, flag CAS.
    mutating func migrate() {
        let old = t
        let e = ld(entries)
        var log2: UInt64 = 5
        while (2 << log2) < e { log2 += 1 }
        if old.log2 < 10, e &* 2 > (5 << old.log2) { log2 = max(log2, old.log2 + 2) }
        let reserve = old.n + max(ld(old.poolUsed), old.fresh)
        let s = C3Table.allocate(log2: log2, copyReserve: reserve)
        _ = cas64(old.successor, 0, addr(s.hdr) | log2)
        let count = old.n
        while true {
            let start = faa(old.cursor, 2)
            if start >= count { break }
            var flagged: UInt64 = 0
            for hb in start..<min(start + 2, count) {
                if migrateBucket(old.b0 + Int(hb << 3), into: s) { flagged += 1 }
            }
            faa(old.migrated, flagged)
        }
        _ = cas64(stripe + 8, addr(old.hdr) | old.log2, addr(s.hdr) | log2)
        t = s
        old.deallocate()
        migrations += 1
    }

    @inline(__always) func migrateBucket(_ head: W, into s: C3Table) -> Bool {
        if ld(head + 7) != 0 { return false }
        if freezeOnCopy {
            var b = head
            while true {
                for i in 0..<3 {
                    var c = ld(b + 2 * i)
                    var v = ld(b + 2 * i + 1)
                    while c & FROZEN == 0 {
                        let seen = cas16(b + 2 * i, c, v, c | FROZEN, v)
                        if seen == (c, v) { break }
                        (c, v) = seen
                    }
                }
                var link = ld(b + 6)
                while link & 1 == 0 {
                    let (ok, seen) = cas64(b + 6, link, link | 1)
                    if ok { break }
                    link = seen
                }
                let next = link & ~1
                if next == 0 { break }
                b = ptr(next)
            }
        }
        var b = head
        while true {
            for i in 0..<3 {
                let c = ld(b + 2 * i)
                if c & LIVE != 0 { copy(c & MASK58, ld(b + 2 * i + 1), into: s) }
            }
            let next = ld(b + 6) & ~1
            if next == 0 { break }
            b = ptr(next)
        }
        return cas64(head + 7, 0, 1).0
    }

    @inline(__always) func copy(_ low: UInt64, _ value: UInt64, into s: C3Table) {
        var b = s.head(low)
        var i = 0
        while true {
            let c = ld(b + 2 * i)
            if c & FROZEN != 0 { return }
            if c == 0 {
                if cas16(b + 2 * i, 0, 0, LIVE | USED | low, value) == (0, 0) { return }
                continue
            }
            if c & KEYBITS == USED | low { return }
            i += 1
            if i < 3 { continue }
            var link = ld(b + 6)
            if link == 0 {
                let fresh = s.allocOverflow(forCopy: true)!
                st(fresh, LIVE | USED | low)
                st(fresh + 1, value)
                let (linked, seen) = cas64(b + 6, 0, addr(fresh))
                if linked { return }
                link = seen
            }
            if link & 1 != 0 { return }
            b = ptr(link)
            i = 0
        }
    }
}

// MARK: - LP4 and DH4 (table v3)

protocol ProbeKind { static var doubleHash: Bool { get } }
enum LinearProbe: ProbeKind { static var doubleHash: Bool { false } }
enum DoubleHashProbe: ProbeKind { static var doubleHash: Bool { true } }

/// The smallest size class (16+m)*2^e (0 <= m <= 15), at least 32, that is >= x.
func sizeClass(atLeast x0: UInt64) -> UInt64 {
    let x = max(x0, 32)
    let top = 63 - UInt64(x.leadingZeroBitCount)  // 2^top <= x < 2^(top+1)
    let e = top - 4
    let q = (x + (1 << e) - 1) >> e  // 16...32
    return q << e
}

struct OATable {
    let block: Block
    let hdr: W  // 24 header words, then the buckets, then the migrated bitmap
    let b0: W
    let bitmap: W
    let n: UInt64
    let grow: UInt64  // G = 0.8 * 4n (used > G starts a migration)
    let admit: UInt64  // L = floor(0.95 * 4n)
    let oddPart: UInt32  // DH: the odd part of 16+m
    let coprimeMask: UInt32  // DH: bit j set iff gcd(j, oddPart) == 1
    @inline(__always) var successor: W { hdr + 1 }
    @inline(__always) var tombstones: W { hdr + 8 }  // its own line
    @inline(__always) var cursor: W { hdr + 16 }
    @inline(__always) var migratedCount: W { hdr + 17 }

    static func allocate(n: UInt64) -> OATable {
        precondition(n < 1 << 32)
        let bitmapWords = Int((n + 63) / 64)
        let block = mapBlock(192 + Int(n) * 64 + bitmapWords * 8, huge: true)
        let hdr = block.p.assumingMemoryBound(to: UInt64.self)
        st(hdr, n)
        var odd = n
        while odd & 1 == 0 { odd >>= 1 }
        var mask: UInt32 = 0
        func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 { b == 0 ? a : gcd(b, a % b) }
        for j in 0..<odd { if gcd(j, odd) == 1 { mask |= 1 << UInt32(j) } }
        return OATable(block: block, hdr: hdr, b0: hdr + 24, bitmap: hdr + 24 + Int(n) * 8, n: n,
            grow: (16 * n) / 5, admit: (19 * n) / 5, oddPart: UInt32(odd), coprimeMask: mask)
    }
    func deallocate() { unmapBlock(block) }
    var bytes: Int { 192 + Int(n) * 64 + Int((n + 63) / 64) * 8 }

    @inline(__always) func home(_ low: UInt64) -> UInt64 { (low << 6).multipliedFullWidth(by: n).high }
    @inline(__always) func bucket(_ b: UInt64) -> W { b0 + Int(truncatingIfNeeded: b << 3) }
    /// DH step: 1 + mulhi(low32 << 32, n - 1), made odd and coprime to the odd part of n.
    @inline(__always) func step(_ low: UInt64) -> UInt64 {
        var s = 1 &+ ((low << 32).multipliedFullWidth(by: n &- 1).high)
        s |= 1  // n is even (n >= 32 = 16+m times 2^e, e >= 1), so n - 1 is odd: s <= n - 1
        if oddPart != 1 {
            while coprimeMask & (1 << (UInt32(truncatingIfNeeded: s) % oddPart)) == 0 {
                s += 2
                if s >= n { s = 1 }
            }
        }
        return s
    }
}

struct OpenAddressed<P: ProbeKind>: Layout {
    static var name: String { P.doubleHash ? "DH4" : "LP4" }
    var t: OATable
    let stripe: W
    var migrations = 0
    var slotsPerBucket: Int { 4 }
    init(stripe: W) {
        self.stripe = stripe
        t = OATable.allocate(n: 32)
        st(stripe + 8, addr(t.hdr))
    }
    var entries: W { stripe }
    var buckets: UInt64 { t.n }
    var tableBytes: Int { t.bytes }
    func deallocate() { t.deallocate() }

    @inline(__always) static func next(_ b: UInt64, _ low: UInt64, _ step: inout UInt64, _ t: OATable) -> UInt64 {
        if P.doubleHash {
            if step == 0 { step = t.step(low) }
            let x = b &+ step
            return x >= t.n ? x &- t.n : x
        } else {
            let x = b &+ 1
            return x == t.n ? 0 : x
        }
    }

    /// Probe: the bucket holding the key's slot and its index, or (bucket, -1 - firstEmpty).
    /// A write checks every slot it passes for FROZEN (as the map's write paths do); a
    /// lookup (`counting`) only the slot that ends it, after the probe (as the map's lookup).
    @inline(__always) static func probe(_ t: OATable, _ low: UInt64, counting: Bool = false) -> (W, Int) {
        let target = USED | low
        var b = t.home(low)
        var step: UInt64 = 0
        while true {
            let p = t.bucket(b)
            if counting { countLine() }
            let c0 = ld(p)
            let c1 = ld(p + 2)
            let c2 = ld(p + 4)
            let c3 = ld(p + 6)
            if !counting, (c0 | c1 | c2 | c3) & FROZEN != 0 { fail("frozen") }
            let d0 = (c0 & KEYBITS) ^ target
            let d1 = (c1 & KEYBITS) ^ target
            let d2 = (c2 & KEYBITS) ^ target
            let d3 = (c3 & KEYBITS) ^ target
            if min(min(d0, d1), min(d2, d3)) == 0 {
                return (p, (d1 == 0 ? 1 : 0) + (d2 == 0 ? 2 : 0) + (d3 == 0 ? 3 : 0))
            }
            if c3 & USED == 0 {
                // Slots fill in order: the first empty one is after the USED ones.
                let used = Int((c0 >> 62) & 1) + Int((c1 >> 62) & 1) + Int((c2 >> 62) & 1)
                return (p, -1 - used)
            }
            b = next(b, low, &step, t)
        }
    }

    func lookup(_ low: UInt64) -> (Bool, UInt64) {
        let (p, i) = Self.probe(t, low, counting: true)
        if i < 0 {
            if ld(p + 2 * (-1 - i)) & FROZEN != 0 { fail("frozen") }
            return (false, 0)
        }
        let c = ld(p + 2 * i)
        let v = ld(p + 2 * i + 1)
        if c & FROZEN != 0 { fail("frozen") }
        return (c & LIVE != 0, v)
    }

    func add(_ low: UInt64, _ delta: UInt64) -> Bool {
        let (p, i) = Self.probe(t, low)
        if i < 0 { return false }
        let s = p + 2 * i
        var c = ld(s)
        var v = ld(s + 1)
        while true {
            if c & FROZEN != 0 { fail("frozen") }
            if c & LIVE == 0 { return false }
            let seen = cas16(s, c, v, c, v &+ delta)
            if seen == (c, v) { return true }
            (c, v) = seen
        }
    }

    mutating func remove(_ low: UInt64) -> Bool {
        let t = self.t
        let (p, i) = Self.probe(t, low)
        if i < 0 { return false }
        let s = p + 2 * i
        var c = ld(s)
        var v = ld(s + 1)
        while true {
            if c & FROZEN != 0 { fail("frozen") }
            if c & LIVE == 0 { return false }
            faa(t.tombstones, 1)  // counted before the CAS
            let seen = cas16(s, c, v, c & ~LIVE, v)
            if seen == (c, v) {
                faa(entries, UInt64.max)
                return true
            }
            faa(t.tombstones, UInt64.max)
            (c, v) = seen
        }
    }

    mutating func insert(_ low: UInt64, _ value: UInt64) -> Bool {
        outer: while true {
            let t = self.t
            let (p, i) = Self.probe(t, low)
            if i >= 0 {
                // The key's slot: live (present) or a tombstone (revival).
                let s = p + 2 * i
                var c = ld(s)
                var v = ld(s + 1)
                while true {
                    if c & LIVE != 0 { return false }
                    let before = faa(entries, 1)
                    let succ = ldSC(t.successor)
                    let tomb = ldSC(t.tombstones)
                    if succ != 0 || before &+ 1 &+ tomb > t.admit {
                        faa(entries, UInt64.max)
                        migrate()
                        continue outer
                    }
                    let seen = cas16(s, c, v, c | LIVE, value)
                    if seen == (c, v) {
                        faa(t.tombstones, UInt64.max)
                        if before &+ tomb > t.grow { migrate() }
                        return true
                    }
                    faa(entries, UInt64.max)
                    (c, v) = seen
                }
            }
            let s = p + 2 * (-1 - i)
            let before = faa(entries, 1)
            let succ = ldSC(t.successor)
            let tomb = ldSC(t.tombstones)
            if succ != 0 || before &+ 1 &+ tomb > t.admit {
                faa(entries, UInt64.max)
                migrate()
                continue outer
            }
            if cas16(s, 0, 0, LIVE | USED | low, value) == (0, 0) {
                if before &+ 1 &+ tomb > t.grow { migrate() }
                return true
            }
            faa(entries, UInt64.max)
        }
    }

    // Migration: close (CAS successor 0 -> 1), E = entries, successor = smallest class with
    // E <= (8/15) 4n, install (CAS 1 -> S); chunks of 2 buckets (cursor fetch-add); per
    // bucket: [freeze 4 slots], copy the live ones, set the bitmap bit (fetch_or) and count
    // it (fetch-add); publish (CAS of the stripe's table word).
    mutating func migrate() {
        let old = t
        _ = cas64(old.successor, 0, 1)
        let e = ldSC(entries)
        let nS = sizeClass(atLeast: (15 * e + 31) / 32)
        let s = OATable.allocate(n: nS)
        _ = cas64(old.successor, 1, addr(s.hdr))
        let count = old.n
        while true {
            let start = faa(old.cursor, 2)
            if start >= count { break }
            for b in start..<min(start + 2, count) { migrateBucket(old, b, into: s) }
        }
        _ = cas64(stripe + 8, addr(old.hdr), addr(s.hdr))
        t = s
        old.deallocate()
        migrations += 1
    }

    @inline(__always) func migrateBucket(_ old: OATable, _ b: UInt64, into s: OATable) {
        let word = old.bitmap + Int(b >> 6)
        let bit: UInt64 = 1 << (b & 63)
        if ld(word) & bit != 0 { return }
        let p = old.bucket(b)
        if freezeOnCopy {
            for i in 0..<4 {
                var c = ld(p + 2 * i)
                var v = ld(p + 2 * i + 1)
                while c & FROZEN == 0 {
                    let seen = cas16(p + 2 * i, c, v, c | FROZEN, v)
                    if seen == (c, v) { break }
                    (c, v) = seen
                }
            }
        }
        for i in 0..<4 {
            let c = ld(p + 2 * i)
            if c & LIVE != 0 { copy(c & MASK58, ld(p + 2 * i + 1), into: s) }
        }
        if fetchOr(word, bit) & bit == 0 { faa(old.migratedCount, 1) }
    }

    @inline(__always) func copy(_ low: UInt64, _ value: UInt64, into s: OATable) {
        while true {
            let target = USED | low
            var b = s.home(low)
            var step: UInt64 = 0
            var p: W
            var i: Int
            while true {
                p = s.bucket(b)
                let c0 = ld(p)
                let c1 = ld(p + 2)
                let c2 = ld(p + 4)
                let c3 = ld(p + 6)
                if (c0 | c1 | c2 | c3) & FROZEN != 0 { return }
                if min(
                    min((c0 & KEYBITS) ^ target, (c1 & KEYBITS) ^ target),
                    min((c2 & KEYBITS) ^ target, (c3 & KEYBITS) ^ target)) == 0
                {
                    return
                }
                if c3 & USED == 0 {
                    i = Int((c0 >> 62) & 1) + Int((c1 >> 62) & 1) + Int((c2 >> 62) & 1)
                    break
                }
                b = Self.next(b, low, &step, s)
            }
            if cas16(p + 2 * i, 0, 0, LIVE | USED | low, value) == (0, 0) { return }
        }
    }
}

// MARK: - Workloads

struct Keys {
    let k: Int
    let present: UnsafeMutablePointer<UInt64>  // insertion order
    let shuffled: UnsafeMutablePointer<UInt64>  // the same keys, random order
    let absent: UnsafeMutablePointer<UInt64>
    let fresh: UnsafeMutablePointer<UInt64>  // inserted by churn
    let valueSum: UInt64
    let freshValueSum: UInt64

    init(k: Int) {
        self.k = k
        present = .allocate(capacity: k)
        shuffled = .allocate(capacity: k)
        absent = .allocate(capacity: k)
        fresh = .allocate(capacity: k)
        var sum: UInt64 = 0
        var fsum: UInt64 = 0
        for i in 0..<k {
            present[i] = keyFor(UInt64(i))
            shuffled[i] = present[i]
            absent[i] = keyFor(UInt64(k + i))
            fresh[i] = keyFor(UInt64(2 * k + i))
            sum &+= valueFor(present[i])
            fsum &+= valueFor(fresh[i])
        }
        valueSum = sum
        freshValueSum = fsum
        var rng: UInt64 = 0x1234_5678_9ABC_DEF1  // Fisher-Yates with xorshift64*
        for i in stride(from: k - 1, to: 0, by: -1) {
            rng ^= rng >> 12
            rng ^= rng << 25
            rng ^= rng >> 27
            let r = rng &* 0x2545_F491_4F6C_DD1D
            let j = Int(r.multipliedFullWidth(by: UInt64(i + 1)).high)
            let x = shuffled[i]
            shuffled[i] = shuffled[j]
            shuffled[j] = x
        }
    }
}

struct RunResult {
    var build = 0.0, buildFreeze = 0.0, read = 0.0, miss = 0.0, counter = 0.0, churn = 0.0
    var rssPerEntry = 0.0, tablePerEntry = 0.0
    var buckets: UInt64 = 0, load = 0.0, growths = 0
    var churnRebuilds = 0, churnBuckets: UInt64 = 0, churnTablePerEntry = 0.0
    var preempted = 0, wall = 0.0
    var hugeShare = 0.0  // share of the RSS growth of the build in huge pages
    var linesRead = 0.0, linesMiss = 0.0  // -D PROBESTATS only
}

@inline(never) func buildTable<L: Layout>(_ m: inout L, _ keys: Keys) {
    for i in 0..<keys.k {
        let key = keys.present[i]
        if !m.insert(low58(key), valueFor(key)) { fail("\(L.name): build insert found key present") }
    }
}

/// A build whose growth copies also freeze every slot (and, CHAINED3, every link) by CAS
/// first, as the map's migration does. Returns its time.
@inline(never) func freezeBuild<L: Layout>(_: L.Type, _ keys: Keys, _ stripe: W, verify: Bool) -> Double {
    freezeOnCopy = true
    st(stripe, 0)
    var m2 = L(stripe: stripe)
    let t0 = now()
    buildTable(&m2, keys)
    let t = now() - t0
    freezeOnCopy = false
    if ld(stripe) != UInt64(keys.k) { fail("\(L.name): entries after the freeze build") }
    if verify {
        for i in 0..<keys.k {
            let key = keys.present[i]
            let (f, v) = m2.lookup(low58(key))
            if !f || v != valueFor(key) { fail("\(L.name): (freeze build) key \(i) reads back \(f) \(v)") }
        }
    }
    m2.deallocate()
    st(stripe, 0)
    return t
}

/// One run of every workload on a fresh table. The freeze build goes first on even runs
/// after the first (`freezeFirst`), last otherwise, so that neither build always comes
/// first (the first large allocation of a run was often slower).
@inline(never) func runOnce<L: Layout>(_: L.Type, _ keys: Keys, verify: Bool, freezeFirst: Bool) -> RunResult {
    var r = RunResult()
    let k = keys.k
    let stripeBlock = mapBlock(4096, huge: false)
    let stripe = stripeBlock.p.assumingMemoryBound(to: UInt64.self)
    defer { unmapBlock(stripeBlock) }

    let nivcsw0 = preemptions()
    var ts0 = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts0)
    if freezeFirst { r.buildFreeze = freezeBuild(L.self, keys, stripe, verify: verify) }
    let huge0 = anonHugeBytes()
    let rss0 = rssBytes()
    var m = L(stripe: stripe)
    var t0 = now()
    buildTable(&m, keys)
    r.build = now() - t0
    r.rssPerEntry = Double(rssBytes() - rss0) / Double(k)
    r.hugeShare = Double(anonHugeBytes() - huge0) / (r.rssPerEntry * Double(k))
    r.tablePerEntry = Double(m.tableBytes) / Double(k)
    r.buckets = m.buckets
    r.load = Double(k) / Double(Int(m.buckets) * m.slotsPerBucket)
    r.growths = m.migrations
    if ld(stripe) != UInt64(k) { fail("\(L.name): entries \(ld(stripe)) after build, expected \(k)") }
    if verify {
        for i in 0..<k {
            let key = keys.present[i]
            let (f, v) = m.lookup(low58(key))
            if !f || v != valueFor(key) { fail("\(L.name): key \(i) reads back \(f) \(v)") }
        }
    }

    // read
    var found = 0
    var sum: UInt64 = 0
    statLines = 0
    t0 = now()
    for i in 0..<k {
        let (f, v) = m.lookup(low58(keys.shuffled[i]))
        found &+= f ? 1 : 0
        sum &+= v
    }
    r.read = now() - t0
    r.linesRead = Double(statLines) / Double(k)
    statLines = 0
    if found != k || sum != keys.valueSum { fail("\(L.name): read found \(found)/\(k), sum mismatch \(sum != keys.valueSum)") }

    // miss
    found = 0
    t0 = now()
    for i in 0..<k {
        let (f, _) = m.lookup(low58(keys.absent[i]))
        found &+= f ? 1 : 0
    }
    r.miss = now() - t0
    r.linesMiss = Double(statLines) / Double(k)
    if found != 0 { fail("\(L.name): \(found) absent keys found") }

    // counter
    found = 0
    t0 = now()
    for i in 0..<k {
        found &+= m.add(low58(keys.shuffled[i]), 1) ? 1 : 0
    }
    r.counter = now() - t0
    if found != k { fail("\(L.name): counter found \(found)/\(k)") }
    sum = 0
    for i in 0..<k {
        let key = keys.present[i]
        let (f, v) = m.lookup(low58(key))
        if verify, !f || v != valueFor(key) &+ 1 { fail("\(L.name): counter: key \(i) reads \(f) \(v)") }
        sum &+= v
    }
    if sum != keys.valueSum &+ UInt64(k) { fail("\(L.name): counter total off") }

    // churn: remove a present key, insert a fresh one
    let before = m.migrations
    var ok = 0
    t0 = now()
    for i in 0..<k {
        ok &+= m.remove(low58(keys.shuffled[i])) ? 1 : 0
        let key = keys.fresh[i]
        ok &+= m.insert(low58(key), valueFor(key)) ? 1 : 0
    }
    r.churn = now() - t0
    r.churnRebuilds = m.migrations - before
    r.churnBuckets = m.buckets
    r.churnTablePerEntry = Double(m.tableBytes) / Double(k)
    if ok != 2 * k { fail("\(L.name): churn: \(ok) of \(2 * k) removes+inserts succeeded") }
    if ld(stripe) != UInt64(k) { fail("\(L.name): entries \(ld(stripe)) after churn") }
    if verify {
        sum = 0
        for i in 0..<k {
            let key = keys.fresh[i]
            let (f, v) = m.lookup(low58(key))
            if !f || v != valueFor(key) { fail("\(L.name): churn: fresh key \(i) reads \(f) \(v)") }
            sum &+= v
            if m.lookup(low58(keys.present[i])).0 { fail("\(L.name): churn: removed key \(i) present") }
        }
        if sum != keys.freshValueSum { fail("\(L.name): churn sum") }
    }
    m.deallocate()

    if !freezeFirst { r.buildFreeze = freezeBuild(L.self, keys, stripe, verify: verify) }
    var ts1 = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts1)
    r.wall = Double(ts1.tv_sec - ts0.tv_sec) + Double(ts1.tv_nsec - ts0.tv_nsec) * 1e-9
    r.preempted = preemptions() - nivcsw0
    return r
}

// MARK: - Main

func parseList(_ s: String) -> [String] { s.split(separator: ",").map(String.init) }
var sizes = [1_000_000, 10_000_000]
var runs = 3
var layouts = ["C3", "LP4", "DH4"]
var args = Array(CommandLine.arguments.dropFirst())
while !args.isEmpty {
    let a = args.removeFirst()
    switch a {
    case "--keys": sizes = parseList(args.removeFirst()).map { Int($0)! }
    case "--runs": runs = Int(args.removeFirst())!
    case "--layouts": layouts = parseList(args.removeFirst())
    case "--no-thp": useTHP = false
    case "--wall": wallClock = true
    default: fail("unknown argument \(a)")
    }
}

func fmt(_ x: Double, _ w: Int, _ d: Int) -> String {
    var buf = [CChar](repeating: 0, count: 64)
    _ = withVaList([Int32(w), Int32(d), x]) { vsnprintf(&buf, 64, "%*.*f", $0) }
    return String(cString: buf)
}
func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : s + String(repeating: " ", count: w - s.count) }
func lpad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }

print("layouts prototype: one thread, 16-byte CAS = _lfm_cas_pair_seqcst (lock cmpxchg16b), THP advice \(useTHP ? "on" : "off"), runs \(runs) (best of), timed by \(wallClock ? "wall clock" : "thread CPU time")")
for k in sizes {
    let keys = Keys(k: k)
    var best: [String: RunResult] = [:]
    var first: [String: RunResult] = [:]
    for run in 0..<runs {
        for l in layouts {
            let r: RunResult
            switch l {
            case "C3": r = runOnce(Chained3.self, keys, verify: run == 0, freezeFirst: run % 2 == 1)
            case "LP4": r = runOnce(OpenAddressed<LinearProbe>.self, keys, verify: run == 0, freezeFirst: run % 2 == 1)
            case "DH4": r = runOnce(OpenAddressed<DoubleHashProbe>.self, keys, verify: run == 0, freezeFirst: run % 2 == 1)
            default: fail("unknown layout \(l)")
            }
            print(
                "  K=\(k) run \(run + 1) \(pad(l, 4)) build \(fmt(r.build, 6, 3))s frz \(fmt(r.buildFreeze, 6, 3))s read \(fmt(r.read, 6, 3))s miss \(fmt(r.miss, 6, 3))s counter \(fmt(r.counter, 6, 3))s churn \(fmt(r.churn, 6, 3))s rss/entry \(fmt(r.rssPerEntry, 5, 1)) (\(fmt(r.hugeShare * 100, 3, 0))% in huge pages) | run wall \(fmt(r.wall, 6, 2))s, preempted \(r.preempted)x"
            )
            #if PROBESTATS
            print("  K=\(k) \(pad(l, 4)) buckets (cache lines) read per lookup: hit \(fmt(r.linesRead, 5, 3)), miss \(fmt(r.linesMiss, 5, 3))")
            #endif
            fflush(stdout)
            if run == 0 {
                first[l] = r
                best[l] = r
            } else {
                var b = best[l]!
                b.build = min(b.build, r.build)
                b.buildFreeze = min(b.buildFreeze, r.buildFreeze)
                b.read = min(b.read, r.read)
                b.miss = min(b.miss, r.miss)
                b.counter = min(b.counter, r.counter)
                b.churn = min(b.churn, r.churn)
                b.rssPerEntry = min(b.rssPerEntry, r.rssPerEntry)
                best[l] = b
            }
        }
        if run == 0 { print("verified (K=\(k): build read-back, absent keys, counter totals, churn contents, freeze-build read-back)") }
    }
    print("")
    print("K = \(k): Mops/s (ns/op), best of \(runs); churn op = remove one present key + insert one fresh key")
    let head = [
        pad("layout", 9), lpad("build", 13), lpad("build+freeze", 13), lpad("read", 13), lpad("miss", 13),
        lpad("counter", 13), lpad("churn", 13), lpad("RSS B/e", 8), lpad("table B/e", 10),
    ]
    print(head.joined(separator: " "))
    func cell(_ t: Double) -> String {
        lpad(fmt(Double(k) / t / 1e6, 5, 1) + " (" + fmt(t / Double(k) * 1e9, 4, 0) + ")", 13)
    }
    for l in layouts {
        let b = best[l]!
        let name = l == "C3" ? "CHAINED3" : l
        print(
            [
                pad(name, 9), cell(b.build), cell(b.buildFreeze), cell(b.read), cell(b.miss), cell(b.counter),
                cell(b.churn), lpad(fmt(b.rssPerEntry, 5, 1), 8), lpad(fmt(b.tablePerEntry, 5, 1), 10),
            ].joined(separator: " "))
    }
    for l in layouts {
        let f = first[l]!
        let name = l == "C3" ? "CHAINED3" : l
        print(
            "  \(pad(name, 9)) after build: \(f.buckets) buckets, load \(fmt(f.load, 4, 3)) of slots, \(f.growths) growths; churn: \(f.churnRebuilds) rebuilds, then \(f.churnBuckets) buckets, table \(fmt(f.churnTablePerEntry, 4, 1)) B/entry"
        )
    }
    print("")
}
