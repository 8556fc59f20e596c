import Testing

extension StressSuite {
    /// Concurrent invariant tests: several threads run operations whose combined effect is known
    /// exactly (sums, insert/remove balances, published high-water marks), and the final state,
    /// or what readers see while the writers run, is checked against that oracle.
    @Suite("Concurrent invariants")
    struct Invariants {}
}
