import Testing

/// The parent of every suite that starts threads, pauses them or measures the process: the
/// concurrent invariant tests, the lock-freedom (progress) tests, the memory tests and the
/// hostile-key tests. `.serialized` applies to everything nested in it, so these suites run one
/// test at a time and never compete with each other for the machine's two cores.
///
/// Run them all with `swift test --filter StressSuite`, one kind with e.g.
/// `swift test --filter StressSuite/Progress`.
@Suite("Stress, progress, memory and hostile keys", .serialized)
enum StressSuite {}
