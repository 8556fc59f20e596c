// Iteration: a weakly consistent walk over every stripe's list.

extension LockFreeInt64Map {
    /// Calls `body` with each key and value in the map, in no particular order.
    ///
    /// Weakly consistent and non-blocking: writers are never delayed. Every key that is
    /// present for the whole call is visited exactly once, with a value it held during
    /// the call; a key inserted or removed during the call is visited at most once.
    /// (Entries never move in this map, growth included, so a walk cannot skip or
    /// repeat one; each stripe's list is visited in strictly increasing order.)
    ///
    /// `body` may call any method of this map, on any key, including the one it is
    /// visiting (for example, removing every entry it sees). While the call runs, nodes
    /// removed from the map are not reused, so a very long `forEach` holds memory.
    /// If `body` throws, iteration stops and the error is rethrown.
    /// - Complexity: O(n + buckets).
    public func forEach(_ body: (_ key: Int64, _ value: Int64) throws -> Void) rethrows {
        let pin = core.domain.pin()
        defer { core.domain.unpin(pin) }
        for stripeIndex in 0..<stripeCount {
            let stripe = core.stripes[stripeIndex]
            var lastKey: UInt64 = 0
            var curr = unmarked(loadAcquire(nextWord(stripe.headDummy)))
            while curr != 0 {
                let orderKey = loadRelaxed(orderKeyWord(curr))
                if !isDummyKey(orderKey), orderKey > lastKey {
                    let (value, next) = Stripe.readValue(curr)
                    if !isMarked(next) {
                        lastKey = orderKey
                        try body(core.key(orderKey: orderKey, stripe: stripeIndex), Int64(bitPattern: value))
                    }
                }
                curr = unmarked(loadAcquire(nextWord(curr)))
            }
        }
    }
}
