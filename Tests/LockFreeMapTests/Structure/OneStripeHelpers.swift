@_spi(Testing) import LockFreeMap

// What the tests that watch one stripe grow (GrowthTests, AdmissionTests) share.
extension LockFreeInt64Map {
    /// Writes to every stripe until no migration is under way: each write moves a chunk of
    /// its stripe's buckets, and the one that moves the last publishes. (The writes remove
    /// a key that is never inserted: they change nothing else.)
    func finishMigrations() {
        var rounds = 0
        while migratingStripeCount > 0 {
            for stripe in 0..<64 { removeValue(forKey: key(stripe: stripe, hash: 1 << 57)) }
            rounds += 1
            precondition(rounds < 1_000_000, "a migration did not finish")
        }
    }

    /// The `i`th key of stripe 0 whose hashes are spread over the whole hash space (an odd
    /// multiplier is a bijection), so that their home buckets are spread over the table.
    func spreadKey(_ i: Int) -> Int64 {
        key(stripe: 0, hash: UInt64(i) &* 0x9E37_79B9_7F4A_7C15)
    }
}
