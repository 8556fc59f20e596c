// A deliberately broken map for the checker's end-to-end self-test: the recorder, threads
// and checker together must find its lost updates.
import Foundation

/// Broken on purpose: wrappingAdd is a read followed by a separate write on a thread-safe
/// map, with a yield in between to widen the window, so concurrent adds lose updates.
/// Every other operation is correct.
final class LostUpdateMap: ForwardingMap, @unchecked Sendable {  // adds no state (see ForwardingMap)
    override func wrappingAdd(_ delta: Int64, forKey key: Int64) -> Int64 {
        let sum = (base.value(forKey: key) ?? 0) &+ delta
        sched_yield()
        base.updateValue(sum, forKey: key)
        return sum
    }
}

/// Broken on purpose: updateValue(forKey:with:) reads, yields, then writes the transform's
/// result unconditionally (no compare-and-retry), so concurrent transforms lose updates.
/// Every other operation is correct.
final class RacyTransformMap: ForwardingMap, @unchecked Sendable {  // adds no state (see ForwardingMap)
    override func updateValue(forKey key: Int64, with transform: (Int64?) throws -> Int64?) rethrows -> Int64? {
        let new = try transform(base.value(forKey: key))
        sched_yield()
        base[key] = new
        return new
    }
}
