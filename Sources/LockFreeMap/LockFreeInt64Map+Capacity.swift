// reserveCapacity: grow every stripe to the size `init(minimumCapacity:)` would have given
// it, and keep it from shrinking below that. The per-stripe work is Stripe.reserve
// (Internal/_Stripe+Migration.swift, "reserveCapacity").

extension LockFreeInt64Map {
    /// Prepares the map to hold `minimumCapacity` entries without growing again.
    ///
    /// Afterwards every stripe's table is at least as large as
    /// `LockFreeInt64Map(minimumCapacity: minimumCapacity)` would have made it, and it no
    /// longer shrinks below that size when entries are removed (as for a map created with
    /// that capacity). A shrink already under way to a smaller table is finished first,
    /// and the stripe then grows again. Reserving less than the map already has allocates
    /// nothing and moves no entry, but it still keeps the tables from shrinking below the
    /// reserved size.
    ///
    /// Lock-free and concurrent-safe: it grows each stripe by the same cooperative
    /// migration that inserts use (finishing one already under way rather than waiting
    /// for it), so readers and writers continue meanwhile and every entry keeps its value.
    /// It allocates the new tables; the old ones are freed by reclamation. A removal (or an
    /// insert) running concurrently with the call may have sized a migration before the
    /// call raised the floor and install it just after the call looked at the stripe: that
    /// stripe may then end smaller than reserved until its next growth, which restores the
    /// reserved size.
    /// - Precondition: `0 <= minimumCapacity <= maximumCapacity` (checked in every build
    ///   configuration, with a message that names the value).
    ///
    /// Stops the process with a message naming the size if the kernel refuses a table's
    /// memory.
    /// - Complexity: O(entries + new buckets).
    public func reserveCapacity(_ minimumCapacity: Int) {
        MapCore.checkCapacity(minimumCapacity, in: "reserveCapacity(_:)")
        let buckets = SizeClass.buckets(code: MapCore.initialCode(minimumCapacity: minimumCapacity))
        let pin = EpochDomain.pin()
        defer { EpochDomain.unpin(pin) }
        for i in 0..<stripeCount {
            core.stripes[i].reserve(buckets: buckets)
        }
    }
}
