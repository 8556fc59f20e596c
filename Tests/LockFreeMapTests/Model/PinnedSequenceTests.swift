// Pinned operation sequences, replayed against the model on every run.
//
// Each entry is a named sequence in the pasteable form the model tests print on failure.
// When a randomized test (or a person) finds a bug, its minimal sequence goes here under a
// name that says what broke, like swift-collections' `test_fuzzerDiscovered00`.
//
// No randomized test has found a bug yet (the map under test is still the scaffold), so the
// entries so far are hazards other concurrent maps were bitten by (bugs reported against other concurrent maps):
// sentinel keys and values, put-if-absent on key 0, counters that wrap, empty-state checks.
import LockFreeMap
import Testing

/// A sequence worth replaying forever, with the reason it is pinned.
struct PinnedSequence: Sendable, CustomTestStringConvertible {
    /// What the sequence guards against.
    var name: String
    /// The operations, checked result by result against the model.
    var operations: [MapOperation]

    var testDescription: String { name }

    /// All pinned sequences.
    static let all: [PinnedSequence] = [
        PinnedSequence(
            name: "put-if-absent on key 0 after its removal (high-scale-lib#5)",
            operations: [
                .insertValue(5, forKey: 0), .removeValue(forKey: 0), .insertValue(6, forKey: 0),
                .insertValue(7, forKey: 0), .value(forKey: 0), .containsKey(0), .count,
            ]),
        PinnedSequence(
            name: "sentinel-looking keys are ordinary keys (folly reserves -1, -2, -3)",
            operations: [
                .updateValue(1, forKey: -1), .updateValue(2, forKey: -2), .updateValue(3, forKey: -3),
                .updateValue(4, forKey: 0), .count, .removeValue(forKey: -2), .value(forKey: -1),
                .value(forKey: -3), .containsKey(-2), .forEach,
            ]),
        PinnedSequence(
            name: "sentinel-looking values are ordinary values",
            operations: [
                .updateValue(0, forKey: 1), .updateValue(-1, forKey: 2), .updateValue(Int64.min, forKey: 3),
                .updateValue(Int64.max, forKey: 4), .containsKey(1), .containsKey(2), .containsKey(3),
                .containsKey(4), .count, .forEach,
            ]),
        PinnedSequence(
            name: "wrappingAdd of 0 on an absent key inserts 0",
            operations: [
                .wrappingAdd(0, forKey: Int64.min), .containsKey(Int64.min), .value(forKey: Int64.min), .count,
            ]),
        PinnedSequence(
            name: "wrappingAdd wraps both ways and a sum of 0 stays present",
            operations: [
                .wrappingAdd(Int64.max, forKey: 7), .wrappingAdd(1, forKey: 7), .wrappingAdd(-1, forKey: 7),
                .wrappingAdd(Int64.min, forKey: 7), .wrappingAdd(1, forKey: 7), .containsKey(7), .count,
            ]),
        PinnedSequence(
            name: "compareExchange nil -> nil succeeds only while absent and never inserts",
            operations: [
                .compareExchange(forKey: Int64.max, expected: nil, desired: nil), .count,
                .updateValue(0, forKey: Int64.max),
                .compareExchange(forKey: Int64.max, expected: nil, desired: nil),
                .compareExchange(forKey: Int64.max, expected: 0, desired: nil),
                .compareExchange(forKey: Int64.max, expected: nil, desired: nil), .isEmpty,
            ]),
        PinnedSequence(
            name: "subscript set nil removes; removeAll then reuse",
            operations: [
                .subscriptSet(-1, Int64.min), .subscriptSet(0, 0), .subscriptSet(-1, nil), .subscriptGet(-1),
                .count, .removeAll, .isEmpty, .subscriptSet(-1, 1), .insertValue(2, forKey: 0), .forEach,
            ]),
    ]
}

@Suite("Model-based: pinned sequences")
struct PinnedSequenceTests {
    /// Each pinned sequence matches the model step by step and in its final contents.
    @Test(arguments: PinnedSequence.all)
    func pinnedSequenceMatchesModel(_ pinned: PinnedSequence) {
        ModelSequences.expectMatchesModel(pinned.operations, context: "pinned: \(pinned.name)") {
            LockFreeInt64Map()
        }
    }
}
