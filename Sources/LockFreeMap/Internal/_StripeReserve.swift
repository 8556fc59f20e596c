// reserveCapacity for one stripe: raise the stripe's floor, then migrate until the current
// table is at least that large. Lock-free and cooperative: it finishes (helps) a migration
// under way instead of waiting for it. docs/DESIGN.md, section 4, "reserveCapacity".

extension Stripe {
    /// Makes the stripe's current table at least 2^`log2` buckets and keeps it there: the
    /// floor (`initialLog2`, which both sizes new tables and stops shrinking) is raised
    /// monotonically first, so every migration started afterwards is at least this large.
    /// The caller must be pinned.
    func reserve(log2 target: UInt64, domain: EpochDomain) {
        var floor = loadRelaxed(initialLog2)
        while floor < target {
            let (raised, seen) = compareExchangeAcqRel(initialLog2, expected: floor, desired: target)
            if raised { break }
            floor = seen
        }
        while true {
            let word = currentWord
            if Table.log2(ofWord: word) >= target { return }
            let table = Table(word: word)
            // Either a migration is under way (perhaps to a smaller table, started before
            // the floor rose: finish it and look again) or we start one, sized from
            // max(entries, floor) >= target. finishMigration moves every bucket not moved
            // and publishes; if another thread publishes first, the next loop sees it.
            // Required: reserving is not optional work, so a table that cannot be mapped
            // stops with a message naming its size (instead of looping here for ever).
            if loadAcquire(table.successor) == 0 { startMigration(of: table, domain: domain, required: true) }  // [M1]
            finishMigration(of: table, domain: domain)
        }
    }
}
