// for-in iteration: a resumable, weakly consistent walk that holds no reclamation pin
// between calls of next(). Each stripe's hash space is walked in hash order, one home
// bucket's range per step, so the cursor (stripe, position) survives growth and shrinking
// of the tables. The argument is docs/DESIGN.md, section 8, "Iterator".

/// `for (key, value) in map`: weakly consistent, with the same guarantee as `forEach(_:)`:
/// every key present for the whole iteration is produced exactly once, with a value it
/// held during the iteration; keys inserted or removed meanwhile are produced at most once.
/// Order is unspecified.
///
/// An iterator may be kept for as long as the caller likes: it holds no reclamation pin
/// across calls of `next()`, so it never delays the freeing of tables beyond one call, and
/// it never blocks writers. It holds a strong reference to the map.
extension LockFreeInt64Map: Sequence {
    public typealias Element = (key: Int64, value: Int64)

    /// The iterator of `for (key, value) in map`. See the conformance for its guarantee.
    ///
    /// Each call of `next()` is lock-free. It works one home bucket's worth of entries at
    /// a time into a small buffer that it allocates once (and grows rarely); between calls
    /// it holds no pin, only the map and a cursor.
    public struct Iterator: IteratorProtocol {
        let map: LockFreeInt64Map
        /// The stripe being walked (`stripeCount` once done).
        var stripe = 0
        /// Every position below this in `stripe` has been produced.
        var position: UInt64 = 0
        var buffer: [Element] = []
        var index = 0

        init(map: LockFreeInt64Map) {
            self.map = map
            buffer.reserveCapacity(16)
        }

        /// The next entry, or nil once every stripe has been walked.
        public mutating func next() -> Element? {
            while index == buffer.count {
                if stripe == stripeCount { return nil }
                refill()
            }
            defer { index += 1 }
            return buffer[index]
        }

        /// Walks the ranges after `position` under one pin, until it has found an entry,
        /// looked at `rangesPerRefill` ranges, or finished the stripe.
        private mutating func refill() {
            buffer.removeAll(keepingCapacity: true)
            index = 0
            let core = map.core
            let pin = EpochDomain.pin()
            defer { EpochDomain.unpin(pin) }
            let s = core.stripes[stripe]
            var ranges = 0
            while buffer.isEmpty, ranges < Self.rangesPerRefill, position < iterationPositionEnd {
                let word = s.currentWord
                let (bucket, end) = Stripe.bucketRange(containing: position, in: word)
                let stripeIndex = stripe
                s.visitLiveEntries(tableWord: word, bucket: bucket, positions: position..<end) {
                    hash, value in
                    buffer.append((core.key(low: hash, stripe: stripeIndex), Int64(bitPattern: value)))
                }
                position = end
                ranges += 1
            }
            if position == iterationPositionEnd {
                stripe += 1
                position = 0
            }
        }

        /// Empty ranges walked under one pin before `next()` returns to the caller's loop.
        static var rangesPerRefill: Int { 64 }
    }

    /// An iterator over the map's entries, starting now. See the conformance.
    public func makeIterator() -> Iterator { Iterator(map: self) }
}

// Sequence brings instance methods `min()` and `max()`, which shadow the global `min(_:_:)`
// and `max(_:_:)` inside every extension of this class: code there writes `Swift.min`.

extension LockFreeInt64Map {
    /// For tests: the home bucket of `position` (a 58-bit hash) in a table of the size class
    /// of at least `buckets` buckets, the end of its range of hashes, and that class's bucket
    /// count (DESIGN.md, section 8, "Iterator").
    @_spi(Testing) public static func iterationBucketRange(containing position: UInt64, buckets: Int) -> (
        bucket: UInt64, end: UInt64, bucketCount: UInt64
    ) {
        let code = SizeClass.code(atLeast: UInt64(buckets))
        let word = TableWord(raw: code)  // only the size code is decoded
        let (bucket, end) = Stripe.bucketRange(containing: position, in: word)
        return (bucket, end, word.bucketCount)
    }
}
