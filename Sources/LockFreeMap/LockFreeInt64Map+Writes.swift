// Writes: lock-free CAS loops, each linearizable at one CAS (or at the load that
// decided not to write). The core is Stripe.upsert / Stripe.remove.

extension LockFreeInt64Map {
    /// Inserts `value` for `key`, or replaces the value already there.
    ///
    /// As one atomic step: `let old = map[key]; map[key] = value; return old`.
    /// Lock-free and linearizable. Allocates nothing: an insert takes an empty slot of the
    /// table that is already mapped.
    /// - Returns: The value it replaced, or `nil` if the key was absent.
    @discardableResult
    public func updateValue(_ value: Int64, forKey key: Int64) -> Int64? {
        let hashed = core.hashed(key)
        let pin = EpochDomain.pin()
        defer { EpochDomain.unpin(pin) }
        let outcome = core.stripes[hashed.stripe].upsert(
            hashed.low, record: pin, insertion: UInt64(bitPattern: value), change: { _ in UInt64(bitPattern: value) })
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
        let pin = EpochDomain.pin()
        defer { EpochDomain.unpin(pin) }
        let outcome = core.stripes[hashed.stripe].upsert(
            hashed.low, record: pin, insertion: UInt64(bitPattern: value), change: { _ in nil })
        return outcome.wasPresent
            ? (false, Int64(bitPattern: outcome.oldValue)) : (true, value)
    }

    /// Removes `key` and its value.
    ///
    /// As one atomic step: `let old = map[key]; map[key] = nil; return old`.
    /// Lock-free and linearizable. The key's slot stays as a tombstone until the next
    /// migration of its table drops it (DESIGN.md, "Removal and memory").
    /// - Returns: The removed value, or `nil` if the key was absent.
    @discardableResult
    public func removeValue(forKey key: Int64) -> Int64? {
        let hashed = core.hashed(key)
        let pin = EpochDomain.pin()
        defer { EpochDomain.unpin(pin) }
        let outcome = core.stripes[hashed.stripe].remove(hashed.low, record: pin, where: { _ in true })
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
        let pin = EpochDomain.pin()
        defer { EpochDomain.unpin(pin) }
        let stripe = core.stripes[hashed.stripe]
        switch (expected, desired) {
        case (nil, nil):
            let (found, value) = stripe.lookup(hashed.low)
            return found ? (false, Int64(bitPattern: value)) : (true, nil)
        case (nil, let desired?):
            let outcome = stripe.upsert(
                hashed.low, record: pin, insertion: UInt64(bitPattern: desired), change: { _ in nil })
            return outcome.wasPresent ? (false, Int64(bitPattern: outcome.oldValue)) : (true, nil)
        case (let expected?, nil):
            let bits = UInt64(bitPattern: expected)
            let outcome = stripe.remove(hashed.low, record: pin, where: { $0 == bits })
            return (outcome.removed, outcome.wasPresent ? Int64(bitPattern: outcome.oldValue) : nil)
        case (let expected?, let desired?):
            let bits = UInt64(bitPattern: expected)
            let outcome = stripe.upsert(
                hashed.low, record: pin, insertion: nil,
                change: { $0 == bits ? UInt64(bitPattern: desired) : nil })
            return (outcome.changed, outcome.wasPresent ? Int64(bitPattern: outcome.oldValue) : nil)
        }
    }

    /// Atomically adds `delta` (wrapping on overflow) to the value for `key`; an absent
    /// key counts as 0, so it is inserted with value `delta`.
    ///
    /// As one atomic step: `let new = (map[key] ?? 0) &+ delta; map[key] = new; return new`.
    /// Lock-free and linearizable; allocates nothing.
    /// - Returns: The new value.
    @discardableResult
    public func wrappingAdd(_ delta: Int64, forKey key: Int64) -> Int64 {
        let hashed = core.hashed(key)
        let pin = EpochDomain.pin()
        defer { EpochDomain.unpin(pin) }
        let bits = UInt64(bitPattern: delta)
        let outcome = core.stripes[hashed.stripe].upsert(
            hashed.low, record: pin, insertion: bits, change: { $0 &+ bits })
        return Int64(bitPattern: outcome.newValue)
    }

    /// Removes every entry.
    ///
    /// Each removal is linearizable on its own; the call as a whole is not one atomic
    /// step. Entries present for the whole call are removed; an entry inserted
    /// concurrently may survive. Lock-free. Tables shrink back toward their initial
    /// size as removals empty them.
    public func removeAll() {
        forEach { key, _ in removeValue(forKey: key) }
    }
}
