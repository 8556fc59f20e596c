// Writes: lock-free CAS loops, each linearizable at one CAS (or at the read that
// decided not to write). The core is Stripe.upsert / Stripe.remove.

extension LockFreeInt64Map {
    /// Inserts `value` for `key`, or replaces the value already there.
    ///
    /// As one atomic step: `let old = map[key]; map[key] = value; return old`.
    /// Lock-free and linearizable. Allocates a node only when the key is absent.
    /// - Returns: The value it replaced, or `nil` if the key was absent.
    @discardableResult
    public func updateValue(_ value: Int64, forKey key: Int64) -> Int64? {
        let hashed = core.hashed(key)
        let pin = core.domain.pin()
        defer { core.domain.unpin(pin) }
        let outcome = core.stripes[hashed.stripe].upsert(
            hashed, domain: core.domain, insertion: UInt64(bitPattern: value), change: { _ in UInt64(bitPattern: value) })
        return outcome.wasPresent ? Int64(bitPattern: outcome.oldValue) : nil
    }

    /// Inserts `value` for `key` only if the key is absent (put-if-absent).
    ///
    /// As one atomic step:
    /// `if let v = map[key] { return (false, v) }; map[key] = value; return (true, value)`.
    /// Lock-free and linearizable.
    /// - Returns: Whether it inserted, and the value stored for `key` afterwards.
    @discardableResult
    public func insertValue(_ value: Int64, forKey key: Int64) -> (inserted: Bool, currentValue: Int64) {
        let hashed = core.hashed(key)
        let pin = core.domain.pin()
        defer { core.domain.unpin(pin) }
        let outcome = core.stripes[hashed.stripe].upsert(
            hashed, domain: core.domain, insertion: UInt64(bitPattern: value), change: { _ in nil })
        return outcome.wasPresent
            ? (false, Int64(bitPattern: outcome.oldValue)) : (true, value)
    }

    /// Removes `key` and its value.
    ///
    /// As one atomic step: `let old = map[key]; map[key] = nil; return old`.
    /// Lock-free and linearizable; the node is reclaimed once no reader can hold it.
    /// - Returns: The removed value, or `nil` if the key was absent.
    @discardableResult
    public func removeValue(forKey key: Int64) -> Int64? {
        let hashed = core.hashed(key)
        let pin = core.domain.pin()
        defer { core.domain.unpin(pin) }
        let outcome = core.stripes[hashed.stripe].remove(hashed, domain: core.domain, where: { _ in true })
        return outcome.removed ? Int64(bitPattern: outcome.oldValue) : nil
    }

    /// Atomically replaces the value for `key` with `desired` if it equals `expected`,
    /// where `nil` means "absent" on either side.
    ///
    /// As one atomic step:
    /// ```
    /// let original = map[key]
    /// if original == expected { map[key] = desired; return (true, original) }
    /// return (false, original)
    /// ```
    /// So: `expected: nil, desired: v` inserts if absent; `expected: e, desired: nil`
    /// removes if the value is `e`; `expected: e, desired: v` replaces `e` by `v`;
    /// `expected: nil, desired: nil` succeeds if and only if the key is absent.
    /// It never fails spuriously. Lock-free and linearizable; on success the write
    /// happens-before any operation that observes it.
    /// - Returns: Whether it exchanged, and the value seen before (`nil` = absent).
    public func compareExchange(
        forKey key: Int64, expected: Int64?, desired: Int64?
    ) -> (exchanged: Bool, original: Int64?) {
        let hashed = core.hashed(key)
        let pin = core.domain.pin()
        defer { core.domain.unpin(pin) }
        let stripe = core.stripes[hashed.stripe]
        switch (expected, desired) {
        case (nil, nil):
            let node = stripe.find(hashed.orderKey, from: stripe.readStart(hashed.low, domain: core.domain))
            if node == 0 { return (true, nil) }
            let (value, next) = Stripe.readValue(node)
            return isMarked(next) ? (true, nil) : (false, Int64(bitPattern: value))
        case (nil, let desired?):
            let outcome = stripe.upsert(
                hashed, domain: core.domain, insertion: UInt64(bitPattern: desired), change: { _ in nil })
            return outcome.wasPresent ? (false, Int64(bitPattern: outcome.oldValue)) : (true, nil)
        case (let expected?, nil):
            let bits = UInt64(bitPattern: expected)
            let outcome = stripe.remove(hashed, domain: core.domain, where: { $0 == bits })
            return (outcome.removed, outcome.wasPresent ? Int64(bitPattern: outcome.oldValue) : nil)
        case (let expected?, let desired?):
            let bits = UInt64(bitPattern: expected)
            let outcome = stripe.upsert(
                hashed, domain: core.domain, insertion: nil,
                change: { $0 == bits ? UInt64(bitPattern: desired) : nil })
            return (outcome.changed, outcome.wasPresent ? Int64(bitPattern: outcome.oldValue) : nil)
        }
    }

    /// Atomically adds `delta` (wrapping on overflow) to the value for `key`; an absent
    /// key counts as 0, so it is inserted with value `delta`.
    ///
    /// As one atomic step: `let new = (map[key] ?? 0) &+ delta; map[key] = new; return new`.
    /// Lock-free and linearizable; allocates only when it inserts.
    /// - Returns: The new value.
    @discardableResult
    public func wrappingAdd(_ delta: Int64, forKey key: Int64) -> Int64 {
        let hashed = core.hashed(key)
        let pin = core.domain.pin()
        defer { core.domain.unpin(pin) }
        let bits = UInt64(bitPattern: delta)
        let outcome = core.stripes[hashed.stripe].upsert(
            hashed, domain: core.domain, insertion: bits, change: { $0 &+ bits })
        return Int64(bitPattern: outcome.newValue)
    }

    /// Removes every entry.
    ///
    /// Each removal is linearizable on its own; the call as a whole is not one atomic
    /// step. Entries present for the whole call are removed; an entry inserted
    /// concurrently may survive. Lock-free. The bucket arrays keep their size.
    public func removeAll() {
        for stripeIndex in 0..<stripeCount {
            let stripe = core.stripes[stripeIndex]
            // One pass over the stripe's list, pinned, removing each live entry met.
            // The walk may stand on a node that its own removal just marked: a marked
            // node's `next` is frozen and leads back into the list, as in forEach.
            let pin = core.domain.pin()
            defer { core.domain.unpin(pin) }
            var curr = unmarked(loadAcquire(nextWord(stripe.headDummy)))
            while curr != 0 {
                let orderKey = loadRelaxed(orderKeyWord(curr))
                if !isDummyKey(orderKey), !isMarked(loadAcquire(nextWord(curr))) {
                    removeValue(forKey: core.key(orderKey: orderKey, stripe: stripeIndex))
                }
                curr = unmarked(loadAcquire(nextWord(curr)))
            }
        }
    }
}
