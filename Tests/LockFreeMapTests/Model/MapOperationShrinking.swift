// How a failing sequence of map operations is made simpler: the MapOperation-specific half
// of the Shrinker (Support/Shrinker.swift). Keys and values move toward 0; a key can also be
// renamed everywhere at once, which keeps operations on the same key colliding.

/// Shrinker configuration for `[MapOperation]`.
enum MapOperationShrinking {
    /// A shrinker for operation sequences that fail `stillFails`.
    static func shrinker(
        maxEvaluations: Int = 4_000, timeLimit: Duration = .seconds(30),
        stillFails: @escaping ([MapOperation]) -> Bool
    ) -> Shrinker<MapOperation> {
        Shrinker(
            stillFails: stillFails, simplerElements: simpler(than:), rewrites: keyRenamings(of:),
            maxEvaluations: maxEvaluations, timeLimit: timeLimit)
    }

    /// The same kind of operation with one key or value argument moved toward 0.
    static func simpler(than operation: MapOperation) -> [MapOperation] {
        var result: [MapOperation] = []
        if let key = operation.key {
            result += Int64Simplicity.simpler(than: key).map { operation.withKey($0) }
        }
        switch operation {
        case .subscriptSet(let key, let value?):
            result += Int64Simplicity.simpler(than: value).map { .subscriptSet(key, $0) }
        case .updateValue(let value, let key):
            result += Int64Simplicity.simpler(than: value).map { .updateValue($0, forKey: key) }
        case .insertValue(let value, let key):
            result += Int64Simplicity.simpler(than: value).map { .insertValue($0, forKey: key) }
        case .wrappingAdd(let delta, let key):
            result += Int64Simplicity.simpler(than: delta).map { .wrappingAdd($0, forKey: key) }
        case .compareExchange(let key, let expected, let desired):
            if let expected {
                result += Int64Simplicity.simpler(than: expected).map {
                    .compareExchange(forKey: key, expected: $0, desired: desired)
                }
            }
            if let desired {
                result += Int64Simplicity.simpler(than: desired).map {
                    .compareExchange(forKey: key, expected: expected, desired: $0)
                }
            }
        case .updateWith(let key, let transform):
            result += transform.simpler().map { .updateWith(forKey: key, transform: $0) }
        case .valueOrInsert(let key, let value):
            result += Int64Simplicity.simpler(than: value).map { .valueOrInsert(forKey: key, value: $0) }
        case .reserveCapacity(let n) where n > 0:
            result += [.reserveCapacity(0), .reserveCapacity(n / 2)]
        case .removeAllWhere(let predicate) where predicate != .all:
            result.append(.removeAllWhere(.all))
        default:
            break
        }
        return result
    }

    /// Every key renamed, everywhere in the sequence, to a simpler key not used yet.
    static func keyRenamings(of operations: [MapOperation]) -> AnySequence<[MapOperation]> {
        var used = Set<Int64>()
        var order: [Int64] = []
        for key in operations.lazy.compactMap(\.key) where used.insert(key).inserted {
            order.append(key)
        }
        // The most complicated keys first: renaming them gains the most.
        order.sort { Int64Simplicity.rank($0) > Int64Simplicity.rank($1) }
        return AnySequence(
            order.lazy.flatMap { key in
                Int64Simplicity.simpler(than: key).lazy.filter { !used.contains($0) }.map { target in
                    operations.map { $0.key == key ? $0.withKey(target) : $0 }
                }
            })
    }
}
