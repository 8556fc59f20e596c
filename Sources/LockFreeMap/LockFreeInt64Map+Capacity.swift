// reserveCapacity: grow every stripe to the size `init(minimumCapacity:)` would have given
// it, and keep it from shrinking below that. The per-stripe work is Stripe.reserve
// (Internal/_Stripe+Migration.swift, "reserveCapacity").

extension LockFreeInt64Map {
    /// Prepares the map to hold `minimumCapacity` entries without growing again.
    ///
    /// Afterwards every stripe's table is at least as large as
    /// `LockFreeInt64Map(minimumCapacity: minimumCapacity)` would have made it, and it no
    /// longer shrinks below that size when entries are removed (as for a map created with
    /// that capacity). Reserving less than the map already has does nothing.
    ///
    /// Lock-free and concurrent-safe: it grows each stripe by the same cooperative
    /// migration that inserts use (finishing one already under way rather than waiting
    /// for it), so readers and writers continue meanwhile and every entry keeps its value.
    /// It allocates the new tables; the old ones are freed by reclamation.
    /// - Precondition: `0 <= minimumCapacity <= maximumCapacity` (checked in every build
    ///   configuration, with a message that names the value).
    ///
    /// Stops the process with a message naming the size if the kernel refuses a table's
    /// memory.
    /// - Complexity: O(entries + new buckets).
    public func reserveCapacity(_ minimumCapacity: Int) {
        MapCore.checkCapacity(minimumCapacity, in: "reserveCapacity(_:)")
        let log2 = MapCore.initialLog2(minimumCapacity: minimumCapacity)
        let pin = EpochDomain.pin()
        defer { EpochDomain.unpin(pin) }
        for i in 0..<stripeCount {
            core.stripes[i].reserve(log2: log2)
        }
    }
}
