// A deliberately broken map for the shrinker's self-test: it proves that the model runner
// detects a wrong map and that the shrinker turns the failure into a tiny sequence.

/// Broken on purpose: `removeValue(forKey: 0)` returns the value as if it removed it, but
/// the entry stays. Every other operation (including other ways to remove) is correct.
final class ForgetsRemovalOfKeyZero: ForwardingMap, @unchecked Sendable {  // adds no state (see ForwardingMap)
    override func removeValue(forKey key: Int64) -> Int64? {
        key == 0 ? base.value(forKey: key) : base.removeValue(forKey: key)
    }
}
