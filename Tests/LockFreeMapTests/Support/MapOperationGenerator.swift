// MapOperationGenerator: random `MapOperation`s drawn from a key space and a value pool with
// per-kind weights. Shared by the model-based tests (whole API, single thread) and the
// linearizability rounds (single-key operations only, tiny key and value pools so that
// operations conflict and compare-exchanges succeed often).

/// Draws random operations; all randomness comes from the caller's `SeededRandom`.
import _LockFreeMapTestSupport

struct MapOperationGenerator: Sendable {
    /// The operation kinds, one per `MapOperation` case.
    enum Kind: CaseIterable, Sendable {
        case value, subscriptGet, containsKey, subscriptSet, updateValue, insertValue
        case removeValue, compareExchange, wrappingAdd, removeAll, count, isEmpty, forEach
        case updateWith, valueOrInsert, removeAllWhere, reserveCapacity, iterate
    }

    /// Keys the operations act on.
    var keys: [Int64]
    /// Keys chosen half of the time regardless of `keys.count` (edge values), so that a
    /// large key space still hits them. Empty: uniform over `keys`.
    var hotKeys: [Int64]
    /// Values, deltas and expected/desired arguments are drawn from here ...
    var values: [Int64]
    /// ... except this many in 100 draws, which are any Int64.
    var percentAnyValue: Int
    /// Relative frequency of each kind; a kind with weight 0 is never generated.
    var weights: [(kind: Kind, weight: Int)]

    /// Values for the model tests: edge values, small numbers, and 30% anything.
    static let mixedValues: [Int64] = EdgeValues.extended + [3, -3, 4, 5]

    /// Every kind, reads and writes balanced, whole-map operations rare.
    static let balancedWeights: [(kind: Kind, weight: Int)] = [
        (.value, 8), (.subscriptGet, 4), (.containsKey, 6), (.subscriptSet, 6),
        (.updateValue, 10), (.insertValue, 8), (.removeValue, 8), (.compareExchange, 12),
        (.wrappingAdd, 8), (.removeAll, 1), (.count, 3), (.isEmpty, 2), (.forEach, 2),
        (.updateWith, 10), (.valueOrInsert, 6), (.removeAllWhere, 1), (.reserveCapacity, 1), (.iterate, 2),
    ]

    /// Single-key kinds only, writes and compare-exchange favoured (for concurrent rounds).
    static let singleKeyWeights: [(kind: Kind, weight: Int)] = [
        (.value, 8), (.subscriptGet, 2), (.containsKey, 4), (.subscriptSet, 5),
        (.updateValue, 8), (.insertValue, 8), (.removeValue, 8), (.compareExchange, 14),
        (.wrappingAdd, 10), (.updateWith, 12), (.valueOrInsert, 6),
    ]

    /// Inserting kinds dominate: the key space fills up and the table grows.
    static let growingWeights: [(kind: Kind, weight: Int)] = [
        (.value, 6), (.containsKey, 2), (.subscriptSet, 6), (.updateValue, 16),
        (.insertValue, 16), (.removeValue, 3), (.compareExchange, 8), (.wrappingAdd, 12),
        (.count, 1), (.updateWith, 8), (.valueOrInsert, 6),
    ]

    /// Removing kinds dominate: the map drains (a table that shrinks does so here).
    static let drainingWeights: [(kind: Kind, weight: Int)] = [
        (.value, 6), (.containsKey, 2), (.subscriptSet, 6), (.updateValue, 2),
        (.removeValue, 24), (.compareExchange, 12), (.wrappingAdd, 1), (.count, 1), (.updateWith, 6),
    ]

    /// A small key pool: all of `EdgeValues.extended`, then 3, 4, ... up to `poolSize`
    /// keys; edge values are picked half of the time.
    static func edgeBiased(poolSize: Int, weights: [(kind: Kind, weight: Int)] = balancedWeights)
        -> MapOperationGenerator
    {
        var keys = EdgeValues.extended
        var next: Int64 = 3
        while keys.count < poolSize {
            keys.append(next)
            next += 1
        }
        return MapOperationGenerator(
            keys: keys, hotKeys: EdgeValues.basic, values: mixedValues,
            percentAnyValue: 30, weights: weights)
    }

    /// `distinctKeys` keys: the edge values, a run of consecutive integers and random
    /// 64-bit keys (fixed by `rng`), so that a growing table resizes many times.
    static func wide(distinctKeys: Int, weights: [(kind: Kind, weight: Int)], using rng: inout SeededRandom)
        -> MapOperationGenerator
    {
        var keys = EdgeValues.basic
        var seen = Set(keys)
        var consecutive: Int64 = 1000
        while keys.count < distinctKeys {
            let key = keys.count % 2 == 0 ? consecutive : rng.anyInt64()
            consecutive += 1
            if seen.insert(key).inserted { keys.append(key) }
        }
        return MapOperationGenerator(
            keys: keys, hotKeys: [], values: mixedValues,
            percentAnyValue: 30, weights: weights)
    }

    /// The next operation. `current`, when given, reads the model's value for a key: then
    /// compare-exchange expects the current value half of the time (so that it succeeds).
    func next(using rng: inout SeededRandom, current: ((Int64) -> Int64?)? = nil) -> MapOperation {
        let key = !hotKeys.isEmpty && rng.chance(1, in: 2) ? rng.element(of: hotKeys) : rng.element(of: keys)
        switch pickKind(using: &rng) {
        case .value: return .value(forKey: key)
        case .subscriptGet: return .subscriptGet(key)
        case .containsKey: return .containsKey(key)
        case .subscriptSet: return .subscriptSet(key, rng.chance(1, in: 4) ? nil : value(using: &rng))
        case .updateValue: return .updateValue(value(using: &rng), forKey: key)
        case .insertValue: return .insertValue(value(using: &rng), forKey: key)
        case .removeValue: return .removeValue(forKey: key)
        case .compareExchange:
            let expected: Int64?
            if let current, rng.chance(1, in: 2) {
                expected = current(key)
            } else {
                expected = rng.chance(1, in: 3) ? nil : value(using: &rng)
            }
            let desired = rng.chance(1, in: 4) ? nil : value(using: &rng)
            return .compareExchange(forKey: key, expected: expected, desired: desired)
        case .wrappingAdd:
            // Deltas of ±1 keep counters small; the extremes make them wrap.
            let delta = rng.chance(1, in: 2) ? rng.element(of: [1, -1, 1, 2, .max, .min]) : value(using: &rng)
            return .wrappingAdd(delta, forKey: key)
        case .removeAll: return .removeAll
        case .count: return .count
        case .isEmpty: return .isEmpty
        case .forEach: return .forEach
        case .updateWith: return .updateWith(forKey: key, transform: transform(using: &rng, current: current?(key)))
        case .valueOrInsert: return .valueOrInsert(forKey: key, value: value(using: &rng))
        case .removeAllWhere:
            let predicate: PredicateKind =
                switch rng.index(below: 6) {
                case 0: .all
                case 1: .none
                case 2, 3: .valueIsOdd
                case 4: .valueEquals(value(using: &rng))
                default: .keyBelow(rng.element(of: keys))
                }
            return .removeAllWhere(predicate)
        case .reserveCapacity: return .reserveCapacity(rng.element(of: [0, 1, 100, 3_000, 20_000]))
        case .iterate: return .iterate
        }
    }

    /// A transform for updateWith. With the model's value for the key (`current`), the
    /// equality-based transforms often match it.
    private func transform(using rng: inout SeededRandom, current: Int64??) -> TransformKind {
        let x: Int64 = if let current = current ?? nil, rng.chance(1, in: 2) { current } else { value(using: &rng) }
        switch rng.index(below: 8) {
        case 0: return .identity
        case 1, 2: return .add(rng.chance(1, in: 2) ? rng.element(of: [1, -1, .max, .min]) : x)
        case 3: return .addIfPresent(x)
        case 4: return .removeIfEqual(x)
        case 5: return .insertIfAbsent(x)
        default: return .set(rng.chance(1, in: 4) ? nil : x)
        }
    }

    private func pickKind(using rng: inout SeededRandom) -> Kind {
        let total = weights.reduce(0) { $0 + $1.weight }
        precondition(total > 0, "MapOperationGenerator needs a positive weight")
        var ticket = rng.index(below: total)
        for (kind, weight) in weights {
            if ticket < weight { return kind }
            ticket -= weight
        }
        preconditionFailure("unreachable: ticket < total")
    }

    private func value(using rng: inout SeededRandom) -> Int64 {
        rng.chance(percentAnyValue, in: 100) ? rng.anyInt64() : rng.element(of: values)
    }
}
