// A stripe: one split-ordered list of the map, with its buckets, its entry counter
// and its node memory. The top `stripeBits` bits of a key's hash choose the stripe.
//
// Layout (896 bytes, 64-byte lines; read-mostly lines first so that the counter
// and allocator lines, written by every insert and remove, share no line with them):
//
//   line 0      sizeLog2 | initialSizeLog2 | resizeCount | stripeIndex |
//               minimumCapacity | address of the stripe array
//   lines 1-7   segment directory: 56 segment addresses (segment 0 is lines 8-11)
//   lines 8-11  segment 0: the dummy nodes of buckets 0..<8 (bucket 0's is the list head)
//   line 12     entry counter | bucket initialization cursor
//   line 13     allocator: current slab | free list | limbo[0..<3] | retire tally
//
// Buckets: a bucket *is* its dummy node, stored inline in a segment (32 bytes each),
// so a lookup's first miss lands on the dummy itself. Segment 0 holds buckets 0..<8;
// segment s >= 1 holds buckets [2^(s+2), 2^(s+3)). A dummy's `link` word holds its
// state: unclaimed (0, fresh zeroed memory), being linked (1), linked (2).
// Segments are never moved or freed while the map lives: growth only raises
// sizeLog2 and adds segments, and buckets fill in lazily (Shalev & Shavit).

let stripeBits = 6
let stripeCount = 1 << stripeBits
/// Bits of the hash left to order entries within a stripe.
let lowHashBits = 64 - stripeBits
let segmentZeroLog2 = 3
let directoryCount = 56
/// The largest bucket count exponent a stripe grows to (far beyond any memory).
let maxSizeLog2 = 48

/// Entries per bucket (average) that trigger doubling a stripe's bucket count.
/// After doubling the average is half of it. See DESIGN.md, "Growth".
let maxLoadFactor = 2

struct Stripe {
    static let byteCount = 896
    let base: AtomicWord

    // line 0
    @inline(__always) var sizeLog2: AtomicWord { base }
    @inline(__always) var initialSizeLog2: AtomicWord { base + 1 }
    @inline(__always) var resizeCount: AtomicWord { base + 2 }
    @inline(__always) var stripeIndex: AtomicWord { base + 3 }
    /// The map's `minimumCapacity` (constant).
    @inline(__always) var minimumCapacity: AtomicWord { base + 4 }
    /// The address of stripe 0, to sum the map's counters (constant).
    @inline(__always) var stripeArray: AtomicWord { base + 5 }
    // lines 1-7
    @inline(__always) func segmentEntry(_ s: Int) -> AtomicWord { base + 8 + s }
    // lines 8-11
    @inline(__always) var segmentZero: AtomicWord { base + 64 }
    // line 12
    @inline(__always) var entryCount: AtomicWord { base + 96 }
    /// The next bucket to initialize ahead of demand (see `initializeAheadOfDemand`).
    @inline(__always) var initializationCursor: AtomicWord { base + 97 }
    // line 13
    @inline(__always) var currentSlab: AtomicWord { base + 104 }
    @inline(__always) var freeList: AtomicWord { base + 105 }
    @inline(__always) func limbo(_ i: UInt64) -> AtomicWord { base + 106 + Int(i % 3) }
    @inline(__always) var retireTally: AtomicWord { base + 109 }

    /// Bucket 0's dummy: the head of the stripe's list (order key 0).
    @inline(__always) var headDummy: NodeAddress { address(UnsafeMutableRawPointer(segmentZero)) }
}

// MARK: - Buckets

/// States of a bucket's dummy, in its `link` word.
let dummyUnclaimed: UInt64 = 0
let dummyBeingLinked: UInt64 = 1
let dummyLinked: UInt64 = 2

extension Stripe {
    /// Segment holding bucket `b`, and `b`'s offset in it.
    @inline(__always) static func segment(ofBucket b: UInt64) -> (segment: Int, offset: Int) {
        if b < (1 << segmentZeroLog2) { return (0, Int(b)) }
        let msb = 63 - b.leadingZeroBitCount
        return (msb - segmentZeroLog2 + 1, Int(b - (1 << UInt64(msb))))
    }

    @inline(__always) static func segmentBucketCount(_ s: Int) -> Int {
        s == 0 ? 1 << segmentZeroLog2 : 1 << (s + segmentZeroLog2 - 1)
    }

    /// The bucket whose dummy precedes bucket b's in list order: b without its top bit.
    @inline(__always) static func parent(ofBucket b: UInt64) -> UInt64 {
        b & ~(1 << UInt64(63 - b.leadingZeroBitCount))
    }

    /// Bucket `b`'s dummy node, or nil when its segment does not exist yet.
    @inline(__always) func existingDummy(_ b: UInt64) -> NodeAddress? {
        let (s, offset) = Self.segment(ofBucket: b)
        if s == 0 { return headDummy + UInt64(offset * nodeByteCount) }
        // [S1] acquire: pairs with the release of the segment's publishing CAS.
        let seg = loadAcquire(segmentEntry(s))
        if seg == 0 { return nil }
        return seg + UInt64(offset * nodeByteCount)
    }

    /// Bucket `b`'s dummy node, creating its segment if needed (writers only).
    func dummy(_ b: UInt64) -> NodeAddress {
        if let dummy = existingDummy(b) { return dummy }
        let (s, offset) = Self.segment(ofBucket: b)
        let bytes = Self.segmentBucketCount(s) * nodeByteCount
        let fresh = address(PageMemory.allocate(byteCount: bytes))
        // [S1] acq_rel: publish the (zeroed: all unclaimed) segment; on failure acquire
        // the winner's and give ours back.
        let (won, seen) = compareExchangeAcqRel(segmentEntry(s), expected: 0, desired: fresh)
        if !won { PageMemory.deallocate(UnsafeMutableRawPointer(words(fresh)), byteCount: bytes) }
        return (won ? fresh : seen) + UInt64(offset * nodeByteCount)
    }

    /// Frees every segment (deinit only).
    func deallocateSegments() {
        for s in 1..<directoryCount {
            let seg = loadRelaxed(segmentEntry(s))
            if seg != 0 {
                PageMemory.deallocate(UnsafeMutableRawPointer(words(seg)), byteCount: Self.segmentBucketCount(s) * nodeByteCount)
            }
        }
    }
}

// MARK: - Node memory

// Nodes come from slabs: page-aligned blocks of 64-byte header + nodes, taken with
// mmap, each stripe bumping through its own current slab with a fetch-add (no lock,
// no CAS loop), doubling the slab size from one page up to 2 MiB. Reclaimed nodes go
// to the stripe's free list (a Treiber stack) and are reused before the bump pointer
// moves. Slabs are returned to the kernel when the map is deinitialized.
//
// Slab header words: [0] previous slab, [1] capacity in nodes, [2] bump index, [3] bytes.

let slabHeaderBytes = 64
let firstSlabBytes = 4096
let largestSlabBytes = 2 << 20

extension Stripe {
    /// A node for the caller to initialize and publish. The caller must be pinned:
    /// the pin is what makes the free-list pop immune to ABA (a node popped by someone
    /// else cannot come back to the free list before our pin ends).
    func allocateNode() -> NodeAddress {
        // [F1] acquire: pairs with the release of the push in `collect`, so the reuser's
        // writes follow every old reader's accesses (unpin [E4] -> advance [E5/E6] -> collect).
        var head = loadAcquire(freeList)
        while head != 0 {
            let next = loadRelaxed(linkWord(head))
            let (popped, seen) = compareExchangeAcqRel(freeList, expected: head, desired: next)
            if popped { return head }
            head = seen
        }
        while true {
            // [F2] acquire: pairs with the release of the slab-publishing CAS below
            // (the header must be seen initialized).
            let slab = loadAcquire(currentSlab)
            if slab != 0 {
                let capacity = loadRelaxed(words(slab) + 1)
                let index = fetchAddRelaxed(words(slab) + 2, 1)
                if index < capacity { return slab + UInt64(slabHeaderBytes) + index * UInt64(nodeByteCount) }
            }
            let bytes = slab == 0 ? firstSlabBytes : min(Int(loadRelaxed(words(slab) + 3)) * 2, largestSlabBytes)
            let fresh = address(PageMemory.allocate(byteCount: bytes))
            storeRelaxed(words(fresh), slab)
            storeRelaxed(words(fresh) + 1, UInt64((bytes - slabHeaderBytes) / nodeByteCount))
            storeRelaxed(words(fresh) + 2, 1)  // index 0 is ours
            storeRelaxed(words(fresh) + 3, UInt64(bytes))
            let (won, _) = compareExchangeAcqRel(currentSlab, expected: slab, desired: fresh)  // [F2]
            if won { return fresh + UInt64(slabHeaderBytes) }
            PageMemory.deallocate(UnsafeMutableRawPointer(words(fresh)), byteCount: bytes)
        }
    }

    /// Returns every slab to the kernel (deinit only).
    func deallocateSlabs() {
        var slab = loadRelaxed(currentSlab)
        while slab != 0 {
            let previous = loadRelaxed(words(slab))
            PageMemory.deallocate(UnsafeMutableRawPointer(words(slab)), byteCount: Int(loadRelaxed(words(slab) + 3)))
            slab = previous
        }
    }

    /// Nodes ever carved from this stripe's slabs (reused nodes are not counted again).
    var carvedNodeCount: Int {
        var total = 0
        var slab = loadAcquire(currentSlab)
        while slab != 0 {
            total += Int(min(loadRelaxed(words(slab) + 2), loadRelaxed(words(slab) + 1)))
            slab = loadRelaxed(words(slab))
        }
        return total
    }

    /// Bytes of slab memory reserved by this stripe.
    var reservedSlabBytes: Int {
        var total = 0
        var slab = loadAcquire(currentSlab)
        while slab != 0 {
            total += Int(loadRelaxed(words(slab) + 3))
            slab = loadRelaxed(words(slab))
        }
        return total
    }
}

// MARK: - Retirement

/// Retirements between two collection attempts of a stripe. Each attempt may issue a
/// membarrier (interrupting the process's other running threads briefly), so not too
/// often; garbage in flight is about 3 x this x 64 stripes nodes per map at most while
/// no thread stays pinned.
let collectInterval: UInt64 = 128

extension Stripe {
    /// Hands an unreachable node (unlinked, or never published) to reclamation.
    func retire(_ node: NodeAddress, domain: EpochDomain) {
        // The unlink happened before this RMW [R1]; see EpochDomain.epochForRetire.
        let epoch = domain.epochForRetire()
        pushList(first: node, last: node, onto: limbo(epoch))
        if fetchAddRelaxed(retireTally, 1) % collectInterval == collectInterval - 1 {
            collect(domain: domain)
        }
    }

    /// Tries to advance the epoch, then moves the nodes that are two epochs old to the
    /// free list. Lock-free: one exchange and one push, no waiting.
    func collect(domain: EpochDomain) {
        domain.tryAdvance()
        let e1 = domain.epochForRetire()
        // Bag (e1 + 1) % 3 == (e1 - 2) % 3 holds nodes retired in epochs e1 - 2, e1 - 5, ...
        // [L1] acq_rel exchange: acquire pairs with the release of every push into it.
        let first = exchangeAcqRel(limbo(e1 &+ 1), 0)
        if first == 0 { return }
        var last = first
        while true {
            let next = loadRelaxed(linkWord(last))
            if next == 0 { break }
            last = next
        }
        // A retirer that read epoch e1 + 1 (after an advance we did not see) may have
        // pushed into the same bag just before our exchange. Re-read the epoch: if it is
        // still e1, every node we took was retired in an epoch <= e1 - 2. Otherwise put
        // them back as if retired now, in epoch e2 (later is always safe).
        let e2 = domain.epochForRetire()
        pushList(first: first, last: last, onto: e2 == e1 ? freeList : limbo(e2))
    }

    /// Pushes the chain first ... last (linked through `link`) onto a Treiber stack.
    @inline(__always) func pushList(first: NodeAddress, last: NodeAddress, onto head: AtomicWord) {
        var top = loadRelaxed(head)
        while true {
            storeRelaxed(linkWord(last), top)
            // [L1]/[F1] acq_rel: release publishes the links (and, for the free list,
            // the reclamation's happens-before chain) to the popper / collector.
            let (pushed, seen) = compareExchangeAcqRel(head, expected: top, desired: first)
            if pushed { return }
            top = seen
        }
    }

    /// Length of a node stack (quiescent use only).
    func stackLength(_ head: AtomicWord) -> Int {
        var n = 0
        var node = loadAcquire(head)
        while node != 0 { n += 1; node = loadRelaxed(linkWord(node)) }
        return n
    }
}
