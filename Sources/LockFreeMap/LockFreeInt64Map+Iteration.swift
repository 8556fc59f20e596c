// Iteration: a weakly consistent walk over every stripe's table, bucket by bucket,
// following a bucket into the successor table when a migration has frozen it.
// The argument is docs/DESIGN.md, "forEach".

extension LockFreeInt64Map {
    /// Calls `body` with each key and value in the map, in no particular order.
    ///
    /// Weakly consistent and non-blocking: writers are never delayed. Every key that is
    /// present for the whole call is visited exactly once, with a value it held during
    /// the call; a key inserted or removed during the call is visited at most once.
    /// This holds while tables grow or shrink: a bucket that a migration has begun to
    /// move is visited in the new table instead, restricted to the keys of that bucket.
    ///
    /// `body` may call any method of this map, on any key, including the one it is
    /// visiting (for example, removing every entry it sees). While the call runs, tables
    /// retired by migrations are not freed, so a very long `forEach` holds memory.
    /// If `body` throws, iteration stops and the error is rethrown.
    /// - Complexity: O(n + buckets).
    public func forEach(_ body: (_ key: Int64, _ value: Int64) throws -> Void) rethrows {
        let pin = EpochDomain.pin()
        defer { EpochDomain.unpin(pin) }
        for stripeIndex in 0..<stripeCount {
            let stripe = core.stripes[stripeIndex]
            let word = stripe.currentWord
            for b in 0..<(UInt64(1) << Table.log2(ofWord: word)) {
                try visit(stripe, stripeIndex, tableWord: word, bucket: b, within: [], body)
            }
        }
    }

    /// Visits the keys of bucket `b` of the table published as `tableWord` whose hash
    /// also satisfies every `(mask, bucket)` constraint: the buckets of older tables
    /// this walk descended from.
    private func visit(
        _ stripe: Stripe, _ stripeIndex: Int, tableWord: UInt64, bucket b: UInt64,
        within constraints: [(mask: UInt64, bucket: UInt64)],
        _ body: (_ key: Int64, _ value: Int64) throws -> Void
    ) rethrows {
        let table = Table(word: tableWord)
        let mask = table.bucketCount - 1
        let head = table.bucket(b)
        if loadAcquire(head.control(0)) & slotFrozen != 0 {
            // A migration began on this chain before we looked: move it (so every entry
            // it held is in the successor), then visit this bucket's keys there. The
            // chain freezes slot 0 first, so an unfrozen slot 0 means no key of this
            // bucket had moved on when we read it.
            let successor = stripe.moveOn(from: table, head: head)
            let next = constraints + [(mask, b)]
            let successorMask = (UInt64(1) << Table.log2(ofWord: successor)) - 1
            let common = min(mask, successorMask)
            var i = b & common
            while i <= successorMask {
                try visit(stripe, stripeIndex, tableWord: successor, bucket: i, within: next, body)
                i += common + 1
            }
            return
        }
        var bucket = head
        while true {
            for s in 0..<slotsPerBucket {
                let c = loadAcquire(bucket.control(s))
                if c & slotLive == 0 { continue }
                let value = loadAcquire(bucket.value(s))
                let hash = c & slotHashMask
                if constraints.allSatisfy({ hash & $0.mask == $0.bucket }) {
                    try body(core.key(low: hash, stripe: stripeIndex), Int64(bitPattern: value))
                }
            }
            let next = loadAcquire(bucket.link) & ~linkFrozen
            if next == 0 { return }
            bucket = Bucket(next)
        }
    }
}
