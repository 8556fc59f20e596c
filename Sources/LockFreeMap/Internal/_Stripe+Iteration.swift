// Visiting a range of a stripe's hash space, in bit-reversed order, for the resumable
// iterator (LockFreeInt64Map+Sequence.swift). The argument is docs/DESIGN.md, section 8,
// "Iterator".
//
// Order a stripe's 58-bit hashes by `position(hash) = reverse58(hash)`. Head bucket b of a
// table of 2^L buckets holds the hashes whose low L bits are b, i.e. whose position has
// rev_L(b) as its top L bits: the position range
//   [rev_L(b) << (58 - L), (rev_L(b) + 1) << (58 - L)),
// whatever L is (the split-ordered-list order of Shalev & Shavit). So a cursor that is a
// position stays meaningful across growth and shrinking, and the positions below it are
// the ones already produced.

/// The low `width` bits of `x`, reversed (bit 0 becomes bit width-1). `width` in 0...64.
@inline(__always) func reversedBits(_ x: UInt64, width: UInt64) -> UInt64 {
    var v = x
    v = (v & 0x5555_5555_5555_5555) << 1 | (v >> 1) & 0x5555_5555_5555_5555
    v = (v & 0x3333_3333_3333_3333) << 2 | (v >> 2) & 0x3333_3333_3333_3333
    v = (v & 0x0F0F_0F0F_0F0F_0F0F) << 4 | (v >> 4) & 0x0F0F_0F0F_0F0F_0F0F
    v = v.byteSwapped
    return v >> (64 - width)  // a shift by 64 (width 0) gives 0
}

/// The iteration position of a 58-bit hash: its bits reversed.
@inline(__always) func iterationPosition(ofHash hash: UInt64) -> UInt64 {
    reversedBits(hash, width: UInt64(lowHashBits))
}

/// One past the last position of a stripe.
let iterationPositionEnd: UInt64 = 1 << UInt64(lowHashBits)

extension Stripe {
    /// The head bucket of a table of 2^log2 buckets whose range holds `position`, and the
    /// end of that range.
    @inline(__always) static func bucketRange(containing position: UInt64, log2: UInt64) -> (
        bucket: UInt64, end: UInt64
    ) {
        let shift = UInt64(lowHashBits) - log2
        let prefix = position >> shift
        return (reversedBits(prefix, width: log2), (prefix + 1) << shift)
    }

    /// The positions of head bucket `b` of a table of 2^log2 buckets.
    @inline(__always) static func positions(ofBucket b: UInt64, log2: UInt64) -> Range<UInt64> {
        let shift = UInt64(lowHashBits) - log2
        let start = reversedBits(b, width: log2) << shift
        return start..<(start + (UInt64(1) << shift))
    }

    /// Calls `body` with the hash and value of every live entry whose position lies in
    /// `range`, looking in head bucket `b` of the table published as `tableWord` (whose
    /// range must intersect `range`). If the chain's slot 0 is frozen, a migration began on
    /// it before we looked: the chain is moved (`moveOn`, so every entry it held is in the
    /// successor) and the successor's buckets whose ranges intersect `range` are visited
    /// instead, recursively. Otherwise every live slot of the chain is looked at, frozen or
    /// not. The caller must be pinned. Allocates nothing; never waits.
    func visitLiveEntries(
        tableWord: TableWord, bucket b: UInt64, positions range: Range<UInt64>,
        _ body: (_ hash: UInt64, _ value: UInt64) throws -> Void
    ) rethrows {
        let table = tableWord.table
        let head = table.bucket(b)
        if loadAcquire(head.control(0)) & slotFrozen != 0 {  // [C1]
            // Freezing goes in chain order (T4): an unfrozen slot 0 means no entry of the
            // chain had moved on when we read it; a frozen one means we visit only there.
            let successor = moveOn(from: table, head: head)
            let log2 = successor.log2
            let shift = UInt64(lowHashBits) - log2
            var prefix = range.lowerBound >> shift
            let last = (range.upperBound - 1) >> shift
            while prefix <= last {
                // Only the part of `range` that this successor bucket holds: when the
                // successor is smaller (a shrink), several buckets of a larger table lead to
                // one bucket of it, and each may visit there only its own positions.
                // (Passing `range` whole produced a key twice when a grown table shrank
                // back during one refill.) `range` stays within the bucket being visited.
                let part =
                    Swift.max(range.lowerBound, prefix << shift)..<Swift.min(range.upperBound, (prefix + 1) << shift)
                try visitLiveEntries(
                    tableWord: successor, bucket: reversedBits(prefix, width: log2),
                    positions: part, body)
                prefix += 1
            }
            return
        }
        var bucket = head
        while true {
            for s in 0..<slotsPerBucket {
                let c = loadAcquire(bucket.control(s))  // [C1]
                if c & slotLive == 0 { continue }
                let value = loadAcquire(bucket.value(s))
                let hash = c & slotHashMask
                if range.contains(iterationPosition(ofHash: hash)) { try body(hash, value) }
            }
            let next = loadAcquire(bucket.link) & ~linkFrozen  // [C2]
            if next == 0 { return }
            bucket = Bucket(next)
        }
    }
}
