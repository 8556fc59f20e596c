// Iteration: a weakly consistent walk over every stripe's table, bucket by bucket,
// following a bucket into the successor table when a migration is under way (the walk is
// Internal/_Stripe+Iteration.swift, shared with for-in). The argument is docs/DESIGN.md,
// "forEach".

extension LockFreeInt64Map {
    /// Calls `body` with each key and value in the map, in no particular order.
    ///
    /// Weakly consistent and non-blocking: writers are never delayed. Every key that is
    /// present for the whole call is visited exactly once, with a value it held during
    /// the call; a key inserted or removed during the call is visited at most once.
    /// This holds while tables grow or shrink: once a migration has begun, a bucket's keys
    /// are moved and visited in the new table instead, restricted to the keys of that bucket.
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
            // Bucket by bucket in hash order, each with its whole range of hashes: the
            // iterator's walk (Stripe.visitLiveEntries), which follows a migrating table into
            // the successor and keeps only the keys of this bucket there.
            var position: UInt64 = 0
            while position < iterationPositionEnd {
                let (b, end) = Stripe.bucketRange(containing: position, in: word)
                try stripe.visitLiveEntries(tableWord: word, bucket: b, positions: position..<end) { hash, value in
                    try body(core.key(low: hash, stripe: stripeIndex), Int64(bitPattern: value))
                }
                position = end
            }
        }
    }
}
