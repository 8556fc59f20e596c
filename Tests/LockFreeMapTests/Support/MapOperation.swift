// MapOperation: one call of the public API as data, with its sequential specification.
//
// The model-based tests apply the same operations to the map and to `[Int64: Int64]`; the
// linearizability checker replays recorded single-key operations against a per-key
// register (`Int64?`). Both use `apply(toRegister:)` below, which is the written-down
// meaning of docs/API.md for one key, independent of any map implementation.

/// A call of one public map operation with its arguments.
///
/// `description` prints the case as Swift source (`.updateValue(5, forKey: Int64.min)`), so a
/// shrunk failing sequence can be pasted into a regression test as an array literal.
enum MapOperation: Hashable, Sendable, CustomStringConvertible {
    case value(forKey: Int64)
    case subscriptGet(Int64)
    case containsKey(Int64)
    case subscriptSet(Int64, Int64?)
    case updateValue(Int64, forKey: Int64)
    case insertValue(Int64, forKey: Int64)
    case removeValue(forKey: Int64)
    case compareExchange(forKey: Int64, expected: Int64?, desired: Int64?)
    case wrappingAdd(Int64, forKey: Int64)
    case removeAll
    case count
    case isEmpty
    case forEach
    // Version 2 additions (docs/API.md). Closures are data: a TransformKind or PredicateKind.
    /// `updateValue(forKey:with:)` with the transform `transform`.
    case updateWith(forKey: Int64, transform: TransformKind)
    /// `value(forKey:orInsert:)` whose `make` returns `value`.
    case valueOrInsert(forKey: Int64, value: Int64)
    /// `removeAll(where:)` with the predicate `predicate`.
    case removeAllWhere(PredicateKind)
    /// `reserveCapacity(_:)`.
    case reserveCapacity(Int)
    /// A full `for (key, value) in map` iteration.
    case iterate

    /// The key a single-key operation acts on; nil for whole-map operations.
    var key: Int64? {
        switch self {
        case .value(let key), .subscriptGet(let key), .containsKey(let key),
            .subscriptSet(let key, _), .updateValue(_, let key), .insertValue(_, let key),
            .removeValue(let key), .compareExchange(let key, _, _), .wrappingAdd(_, let key),
            .updateWith(let key, _), .valueOrInsert(let key, _):
            return key
        case .removeAll, .count, .isEmpty, .forEach, .removeAllWhere, .reserveCapacity, .iterate:
            return nil
        }
    }

    /// The same operation on `newKey` (whole-map operations are returned unchanged).
    func withKey(_ newKey: Int64) -> MapOperation {
        switch self {
        case .value: return .value(forKey: newKey)
        case .subscriptGet: return .subscriptGet(newKey)
        case .containsKey: return .containsKey(newKey)
        case .subscriptSet(_, let value): return .subscriptSet(newKey, value)
        case .updateValue(let value, _): return .updateValue(value, forKey: newKey)
        case .insertValue(let value, _): return .insertValue(value, forKey: newKey)
        case .removeValue: return .removeValue(forKey: newKey)
        case .compareExchange(_, let expected, let desired):
            return .compareExchange(forKey: newKey, expected: expected, desired: desired)
        case .wrappingAdd(let delta, _): return .wrappingAdd(delta, forKey: newKey)
        case .updateWith(_, let transform): return .updateWith(forKey: newKey, transform: transform)
        case .valueOrInsert(_, let value): return .valueOrInsert(forKey: newKey, value: value)
        case .removeAll, .count, .isEmpty, .forEach, .removeAllWhere, .reserveCapacity, .iterate: return self
        }
    }

    var description: String {
        switch self {
        case .value(let key): return ".value(forKey: \(SwiftLiteral.text(key)))"
        case .subscriptGet(let key): return ".subscriptGet(\(SwiftLiteral.text(key)))"
        case .containsKey(let key): return ".containsKey(\(SwiftLiteral.text(key)))"
        case .subscriptSet(let key, let value):
            return ".subscriptSet(\(SwiftLiteral.text(key)), \(SwiftLiteral.text(value)))"
        case .updateValue(let value, let key):
            return ".updateValue(\(SwiftLiteral.text(value)), forKey: \(SwiftLiteral.text(key)))"
        case .insertValue(let value, let key):
            return ".insertValue(\(SwiftLiteral.text(value)), forKey: \(SwiftLiteral.text(key)))"
        case .removeValue(let key): return ".removeValue(forKey: \(SwiftLiteral.text(key)))"
        case .compareExchange(let key, let expected, let desired):
            return
                ".compareExchange(forKey: \(SwiftLiteral.text(key)), expected: \(SwiftLiteral.text(expected)), desired: \(SwiftLiteral.text(desired)))"
        case .wrappingAdd(let delta, let key):
            return ".wrappingAdd(\(SwiftLiteral.text(delta)), forKey: \(SwiftLiteral.text(key)))"
        case .removeAll: return ".removeAll"
        case .count: return ".count"
        case .isEmpty: return ".isEmpty"
        case .forEach: return ".forEach"
        case .updateWith(let key, let transform):
            return ".updateWith(forKey: \(SwiftLiteral.text(key)), transform: \(transform))"
        case .valueOrInsert(let key, let value):
            return ".valueOrInsert(forKey: \(SwiftLiteral.text(key)), value: \(SwiftLiteral.text(value)))"
        case .removeAllWhere(let predicate): return ".removeAllWhere(\(predicate))"
        case .reserveCapacity(let n): return ".reserveCapacity(\(n))"
        case .iterate: return ".iterate"
        }
    }
}

/// A transform for `updateValue(forKey:with:)`, as data (printable as Swift source).
enum TransformKind: Hashable, Sendable, CustomStringConvertible {
    /// Returns its argument: writes nothing.
    case identity
    /// `(v ?? 0) &+ delta`: inserts an absent key (as wrappingAdd).
    case add(Int64)
    /// `v.map { $0 &+ delta }`: changes only a present key.
    case addIfPresent(Int64)
    /// `v == x ? nil : v`: remove if equal.
    case removeIfEqual(Int64)
    /// `v ?? x`: insert if absent.
    case insertIfAbsent(Int64)
    /// Returns `x` whatever the argument (nil: remove).
    case set(Int64?)

    /// The transform's result for the current value `v` (nil = absent).
    func apply(_ v: Int64?) -> Int64? {
        switch self {
        case .identity: return v
        case .add(let delta): return (v ?? 0) &+ delta
        case .addIfPresent(let delta): return v.map { $0 &+ delta }
        case .removeIfEqual(let x): return v == x ? nil : v
        case .insertIfAbsent(let x): return v ?? x
        case .set(let x): return x
        }
    }

    /// The same transform with its argument replaced by each simpler value (for the shrinker).
    func simpler() -> [TransformKind] {
        switch self {
        case .identity: return []
        case .add(let x): return [.identity] + Int64Simplicity.simpler(than: x).map { .add($0) }
        case .addIfPresent(let x): return [.identity] + Int64Simplicity.simpler(than: x).map { .addIfPresent($0) }
        case .removeIfEqual(let x): return [.identity] + Int64Simplicity.simpler(than: x).map { .removeIfEqual($0) }
        case .insertIfAbsent(let x): return [.identity] + Int64Simplicity.simpler(than: x).map { .insertIfAbsent($0) }
        case .set(let x?): return [.set(nil)] + Int64Simplicity.simpler(than: x).map { .set($0) }
        case .set(nil): return [.identity]
        }
    }

    var description: String {
        switch self {
        case .identity: return ".identity"
        case .add(let x): return ".add(\(SwiftLiteral.text(x)))"
        case .addIfPresent(let x): return ".addIfPresent(\(SwiftLiteral.text(x)))"
        case .removeIfEqual(let x): return ".removeIfEqual(\(SwiftLiteral.text(x)))"
        case .insertIfAbsent(let x): return ".insertIfAbsent(\(SwiftLiteral.text(x)))"
        case .set(let x): return ".set(\(SwiftLiteral.text(x)))"
        }
    }
}

/// A predicate for `removeAll(where:)`, as data (printable as Swift source).
enum PredicateKind: Hashable, Sendable, CustomStringConvertible {
    case all
    case none
    /// The value is odd.
    case valueIsOdd
    /// The value equals `x`.
    case valueEquals(Int64)
    /// The key is below `x`.
    case keyBelow(Int64)

    func matches(key: Int64, value: Int64) -> Bool {
        switch self {
        case .all: return true
        case .none: return false
        case .valueIsOdd: return value & 1 != 0
        case .valueEquals(let x): return value == x
        case .keyBelow(let x): return key < x
        }
    }

    var description: String {
        switch self {
        case .all: return ".all"
        case .none: return ".none"
        case .valueIsOdd: return ".valueIsOdd"
        case .valueEquals(let x): return ".valueEquals(\(SwiftLiteral.text(x)))"
        case .keyBelow(let x): return ".keyBelow(\(SwiftLiteral.text(x)))"
        }
    }
}

/// What a `MapOperation` returned, in a form that compares exactly.
enum MapOperationResult: Hashable, Sendable, CustomStringConvertible {
    /// value(forKey:), subscript get, updateValue, removeValue, updateWith, valueOrInsert.
    case value(Int64?)
    /// containsKey, isEmpty.
    case flag(Bool)
    /// subscript set, removeAll, reserveCapacity: nothing to compare.
    case done
    /// insertValue.
    case insert(inserted: Bool, currentValue: Int64)
    /// compareExchange.
    case exchange(exchanged: Bool, original: Int64?)
    /// wrappingAdd: the new value.
    case sum(Int64)
    /// count; removeAllWhere: how many it removed.
    case count(Int)
    /// forEach, iterate: every (key, value) the body saw, sorted by key; a key seen twice appears twice.
    case entries([KeyValuePair])

    var description: String {
        switch self {
        case .value(let value): return SwiftLiteral.text(value)
        case .flag(let flag): return "\(flag)"
        case .done: return "()"
        case .insert(let inserted, let current):
            return "(inserted: \(inserted), currentValue: \(SwiftLiteral.text(current)))"
        case .exchange(let exchanged, let original):
            return "(exchanged: \(exchanged), original: \(SwiftLiteral.text(original)))"
        case .sum(let sum): return SwiftLiteral.text(sum)
        case .count(let count): return "\(count)"
        case .entries(let pairs):
            let shown = pairs.prefix(8).map { "\(SwiftLiteral.text($0.key)): \(SwiftLiteral.text($0.value))" }
            return "[" + shown.joined(separator: ", ") + (pairs.count > 8 ? ", ... (\(pairs.count) entries)" : "") + "]"
        }
    }
}

/// One entry seen by `forEach`.
struct KeyValuePair: Hashable, Sendable, Comparable {
    var key: Int64
    var value: Int64

    static func < (lhs: KeyValuePair, rhs: KeyValuePair) -> Bool {
        (lhs.key, lhs.value) < (rhs.key, rhs.value)
    }
}

// MARK: - Sequential specification

extension MapOperation {
    /// The sequential specification of a single-key operation on its key's register:
    /// `state` is the key's value before (nil = absent); returns the result docs/API.md
    /// demands and the register's value after.
    ///
    /// Precondition: `key != nil` (whole-map operations have no per-key meaning).
    func apply(toRegister state: Int64?) -> (result: MapOperationResult, newState: Int64?) {
        switch self {
        case .value, .subscriptGet:
            return (.value(state), state)
        case .containsKey:
            return (.flag(state != nil), state)
        case .subscriptSet(_, let newValue):
            return (.done, newValue)
        case .updateValue(let value, _):
            return (.value(state), value)
        case .insertValue(let value, _):
            if let state { return (.insert(inserted: false, currentValue: state), state) }
            return (.insert(inserted: true, currentValue: value), value)
        case .removeValue:
            return (.value(state), nil)
        case .compareExchange(_, let expected, let desired):
            // "nil means absent on either side": the exchange happens iff the current
            // presence/value equals `expected`, and then `desired` (maybe absent) is stored.
            if state == expected { return (.exchange(exchanged: true, original: state), desired) }
            return (.exchange(exchanged: false, original: state), state)
        case .wrappingAdd(let delta, _):
            let sum = (state ?? 0) &+ delta
            return (.sum(sum), sum)
        case .updateWith(_, let transform):
            // The stored value after the step is the transform of the value before.
            let stored = transform.apply(state)
            return (.value(stored), stored)
        case .valueOrInsert(_, let value):
            if let state { return (.value(state), state) }
            return (.value(value), value)
        case .removeAll, .count, .isEmpty, .forEach, .removeAllWhere, .reserveCapacity, .iterate:
            preconditionFailure("\(self) is not a single-key operation")
        }
    }

    /// The sequential specification on a whole map, modelled by a dictionary.
    func apply(to model: inout [Int64: Int64]) -> MapOperationResult {
        if let key {
            let (result, newState) = apply(toRegister: model[key])
            model[key] = newState
            return result
        }
        switch self {
        case .removeAll:
            model.removeAll()
            return .done
        case .count:
            return .count(model.count)
        case .isEmpty:
            return .flag(model.isEmpty)
        case .forEach, .iterate:
            return .entries(model.map { KeyValuePair(key: $0.key, value: $0.value) }.sorted())
        case .removeAllWhere(let predicate):
            let before = model.count
            model = model.filter { !predicate.matches(key: $0.key, value: $0.value) }
            return .count(before - model.count)
        case .reserveCapacity:
            return .done
        default:
            preconditionFailure("unreachable: single-key operations are handled above")
        }
    }

    /// Calls the operation on `map` and captures its result.
    func perform(on map: some MapUnderTest) -> MapOperationResult {
        switch self {
        case .value(let key):
            return .value(map.value(forKey: key))
        case .subscriptGet(let key):
            return .value(map[key])
        case .containsKey(let key):
            return .flag(map.containsKey(key))
        case .subscriptSet(let key, let value):
            map[key] = value
            return .done
        case .updateValue(let value, let key):
            return .value(map.updateValue(value, forKey: key))
        case .insertValue(let value, let key):
            let (inserted, current) = map.insertValue(value, forKey: key)
            return .insert(inserted: inserted, currentValue: current)
        case .removeValue(let key):
            return .value(map.removeValue(forKey: key))
        case .compareExchange(let key, let expected, let desired):
            let (exchanged, original) = map.compareExchange(forKey: key, expected: expected, desired: desired)
            return .exchange(exchanged: exchanged, original: original)
        case .wrappingAdd(let delta, let key):
            return .sum(map.wrappingAdd(delta, forKey: key))
        case .removeAll:
            map.removeAll()
            return .done
        case .count:
            return .count(map.count)
        case .isEmpty:
            return .flag(map.isEmpty)
        case .forEach:
            var seen: [KeyValuePair] = []
            map.forEach { key, value in seen.append(KeyValuePair(key: key, value: value)) }
            return .entries(seen.sorted())
        case .updateWith(let key, let transform):
            return .value(map.updateValue(forKey: key, with: transform.apply))
        case .valueOrInsert(let key, let value):
            return .value(map.value(forKey: key, orInsert: { value }))
        case .removeAllWhere(let predicate):
            return .count(map.removeAll(where: predicate.matches))
        case .reserveCapacity(let n):
            map.reserveCapacity(n)
            return .done
        case .iterate:
            return .entries(map.iteratedEntries().map { KeyValuePair(key: $0.key, value: $0.value) }.sorted())
        }
    }
}

/// Int64 values as Swift source, naming the extremes so that printed sequences read well.
enum SwiftLiteral {
    /// `Int64.min`, `Int64.max` or the decimal number.
    static func text(_ value: Int64) -> String {
        switch value {
        case .min: return "Int64.min"
        case .max: return "Int64.max"
        default: return "\(value)"
        }
    }

    /// As above, with `nil` for absent.
    static func text(_ value: Int64?) -> String {
        value.map { text($0) } ?? "nil"
    }
}
