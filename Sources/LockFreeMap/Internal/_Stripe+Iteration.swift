// Visiting a range of a stripe's hash space, in hash order, for forEach and the resumable
// iterator (LockFreeInt64Map+Iteration.swift, +Sequence.swift). The argument is
// docs/DESIGN.md, section 8, "Iterator".
//
// The home bucket of a hash in a table of n buckets is ⌊h · n / 2^58⌋ (`TableWord.home`),
// monotone in h: bucket b is the home of the hashes [first(b), first(b + 1)), with
// first(b) = ⌈b · 2^58 / n⌉, whatever n is. So a cursor that is a hash stays meaningful
// across growth and shrinking, and the hashes below it are the ones already produced.

/// One past the last hash (position) of a stripe.
let iterationPositionEnd: UInt64 = 1 << UInt64(lowHashBits)

extension Stripe {
    /// The first hash whose home is bucket `b` (b <= n) in a table of `n` buckets:
    /// ⌈b · 2^58 / n⌉ (2^58 for b == n).
    @inline(__always) static func firstHash(ofBucket b: UInt64, buckets n: UInt64) -> UInt64 {
        // b · 2^58 + n - 1 as a 128-bit number, divided by n (the quotient is < 2^59).
        let low = b << UInt64(lowHashBits)
        let (sum, carry) = low.addingReportingOverflow(n - 1)
        let high = (b >> UInt64(64 - lowHashBits)) + (carry ? 1 : 0)
        return n.dividingFullWidth((high: high, low: sum)).quotient
    }

    /// The bucket of the table published as `word` that is home to `position`, and the end
    /// of its range of hashes.
    @inline(__always) static func bucketRange(containing position: UInt64, in word: TableWord) -> (
        bucket: UInt64, end: UInt64
    ) {
        let b = word.home(of: position)
        return (b, firstHash(ofBucket: b + 1, buckets: word.bucketCount))
    }

    /// Calls `body` with the hash and value of every live entry whose hash lies in `range`,
    /// all of whose hashes have bucket `b` of the table published as `tableWord` as their
    /// home. If that table has a successor installed, a migration began (or is done and
    /// the table retired): the keys homed at b are moved (`moveOn`, so every entry they
    /// held is in the successor) and the successor's buckets whose ranges intersect `range`
    /// are visited instead, each with its own part, recursively. Otherwise the probe range
    /// of b is read, frozen slots included: from b to the first empty slot, every key homed
    /// at b has its one slot there (V2, V3). The caller must be pinned. Allocates nothing;
    /// never waits.
    func visitLiveEntries(
        tableWord: TableWord, bucket b: UInt64, positions range: Range<UInt64>,
        _ body: (_ hash: UInt64, _ value: UInt64) throws -> Void
    ) rethrows {
        let table = tableWord.table
        let successor = table.loadSuccessor()  // [U1]
        if successor.isTable {
            _ = moveOn(from: table, hash: range.lowerBound)  // its home is b
            var position = range.lowerBound
            while position < range.upperBound {
                let (bucket, end) = Self.bucketRange(containing: position, in: successor)
                let partEnd = Swift.min(end, range.upperBound)
                try visitLiveEntries(tableWord: successor, bucket: bucket, positions: position..<partEnd, body)
                position = partEnd
            }
            return
        }
        let n = tableWord.bucketCount
        var index = b
        for _ in 0..<n {
            let bucket = table.bucket(index)
            for s in 0..<slotsPerBucket {
                let c = loadAcquire(bucket.control(s))  // [C1]
                if c & slotUsed == 0 { return }  // the first empty slot ends every probe from b
                if c & slotLive == 0 { continue }
                let hash = c & slotHashMask
                if range.contains(hash) { try body(hash, loadAcquire(bucket.value(s))) }
            }
            index = index &+ 1 == n ? 0 : index &+ 1
        }
    }
}
