// Reads: lock-free and allocation-free. They write only
// the reader's own reclamation record (Stripe.lookup).

extension LockFreeInt64Map {
    /// The value stored for `key`, or `nil` if the key is absent.
    ///
    /// Linearizable and lock-free; never allocates. Setting a value through the
    /// subscript is `updateValue(_:forKey:)`; setting `nil` is `removeValue(forKey:)`.
    public subscript(key: Int64) -> Int64? {
        get { value(forKey: key) }
        set {
            if let newValue {
                updateValue(newValue, forKey: key)
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// The value stored for `key`, or `nil` if the key is absent.
    ///
    /// Linearizable and lock-free; never allocates. If it returns a value written by
    /// another thread, that thread's write happens-before this read returns.
    public func value(forKey key: Int64) -> Int64? {
        let hashed = core.hashed(key)
        let stripe = core.stripes[hashed.stripe]
        let pin = EpochDomain.pin()
        defer { EpochDomain.unpin(pin) }
        let (found, value) = stripe.lookup(hashed.low)
        return found ? Int64(bitPattern: value) : nil
    }

    /// Whether the map holds a value for `key`. Linearizable, lock-free (as
    /// `value(forKey:)`), allocation-free.
    public func containsKey(_ key: Int64) -> Bool {
        value(forKey: key) != nil
    }
}
