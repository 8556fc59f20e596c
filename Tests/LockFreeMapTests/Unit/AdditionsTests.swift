@_spi(Testing) import LockFreeMap
import Testing
// Unit tests, single-threaded, of the version 2 additions (docs/API.md, "Additions"):
// updateValue(forKey:with:), value(forKey:orInsert:), removeAll(where:), reserveCapacity,
// for-in iteration, dictionary literals, description and Dictionary(map). What this proves:
// every outcome of each with 0, -1, 1, Int64.min and Int64.max as keys and values; what the
// closures receive and how often they run; throwing closures leave the map unchanged;
// reserveCapacity presizes, keeps entries and stops shrinking; iteration produces each entry
// once, also across growth and shrinking between next() calls and with no pin held between
// them; negative capacities and duplicate literal keys stop with their messages.
import _LockFreeMapTestSupport

@Suite("Unit: version 2 additions")
struct AdditionsTests {
    struct Boom: Error {}

    /// All edge keys with all edge values.
    static let edgePairs: [(key: Int64, value: Int64)] =
        EdgeValues.basic.flatMap { key in EdgeValues.basic.map { (key, $0) } }

    // MARK: updateValue(forKey:with:)

    /// absent -> v inserts; v -> w replaces; v -> nil removes; unchanged writes nothing;
    /// nil -> nil on an absent key is a no-op. The closure sees the current value.
    @Test func updateWithEveryTransition() throws {
        for (key, value) in Self.edgePairs {
            let map = LockFreeInt64Map()
            var seen: [Int64?] = []
            #expect(
                map.updateValue(forKey: key) {
                    seen.append($0)
                    return nil
                } == nil)
            #expect(map.isEmpty)
            #expect(
                map.updateValue(forKey: key) {
                    seen.append($0)
                    return value
                } == value)
            #expect(map[key] == value && map.count == 1)
            let other = value &+ 1
            #expect(
                map.updateValue(forKey: key) {
                    seen.append($0)
                    return $0.map { $0 &+ 1 }
                } == other)
            #expect(map[key] == other)
            #expect(
                map.updateValue(forKey: key) {
                    seen.append($0)
                    return $0
                } == other, "unchanged")
            #expect(map[key] == other && map.count == 1)
            #expect(
                map.updateValue(forKey: key) {
                    seen.append($0)
                    return nil
                } == nil)
            #expect(map[key] == nil && map.isEmpty)
            // A removed key (tombstone) is revived.
            #expect(
                map.updateValue(forKey: key) {
                    seen.append($0)
                    return value
                } == value)
            #expect(map[key] == value && map.count == 1)
            #expect(seen == [nil, nil, value, other, other, nil], "key \(key) value \(value)")
            // Single-threaded, the closure runs exactly once per call.
            #expect(seen.count == 6)
            try map.checkInvariants()
        }
    }

    /// A throwing transform changes nothing and rethrows.
    @Test func updateWithThrowingTransform() {
        let map: LockFreeInt64Map = [0: .max]
        #expect(throws: Boom.self) { try map.updateValue(forKey: 0) { _ in throw Boom() } }
        #expect(throws: Boom.self) { try map.updateValue(forKey: .min) { _ in throw Boom() } }
        #expect(map[0] == .max && map[.min] == nil && map.count == 1)
    }

    /// A counter written as a transform wraps like wrappingAdd.
    @Test func updateWithWrapsLikeWrappingAdd() {
        let map = LockFreeInt64Map()
        map[-1] = .max
        #expect(map.updateValue(forKey: -1) { ($0 ?? 0) &+ 1 } == .min)
        #expect(map.updateValue(forKey: 1) { ($0 ?? 0) &+ .min } == .min)
        #expect(map[-1] == .min && map[1] == .min)
    }

    // MARK: value(forKey:orInsert:)

    /// Absent: make() runs once and its value is stored; present: make() does not run.
    @Test func valueOrInsert() throws {
        for (key, value) in Self.edgePairs {
            let map = LockFreeInt64Map()
            var calls = 0
            #expect(
                map.value(
                    forKey: key,
                    orInsert: {
                        calls += 1
                        return value
                    }) == value)
            #expect(calls == 1 && map[key] == value && map.count == 1)
            #expect(
                map.value(
                    forKey: key,
                    orInsert: {
                        calls += 1
                        return value &+ 1
                    }) == value)
            #expect(calls == 1, "make ran for a present key")
            map[key] = nil
            #expect(
                map.value(
                    forKey: key,
                    orInsert: {
                        calls += 1
                        return value &- 1
                    }) == value &- 1)
            #expect(calls == 2 && map[key] == value &- 1)
            try map.checkInvariants()
        }
    }

    /// A throwing make inserts nothing and rethrows.
    @Test func valueOrInsertThrowing() {
        let map = LockFreeInt64Map()
        #expect(throws: Boom.self) { try map.value(forKey: -1, orInsert: { throw Boom() }) }
        #expect(map.isEmpty && map[-1] == nil)
    }

    // MARK: removeAll(where:)

    /// Removes exactly the matching entries, returns how many, and the predicate sees each
    /// entry once with its value.
    @Test func removeAllWhere() throws {
        let map = LockFreeInt64Map()
        for key in EdgeValues.basic { map[key] = key }
        for key in 2..<Int64(2_000) { map[key] = -key }
        var seen: [Int64: Int64] = [:]
        var duplicates = 0
        let removed = map.removeAll { key, value in
            if seen.updateValue(value, forKey: key) != nil { duplicates += 1 }
            return value < 0 || key == .max
        }
        #expect(duplicates == 0 && seen.count == 5 + 1_998)
        #expect(seen.allSatisfy { $0.key == $0.value || $0.key == -$0.value })
        #expect(removed == 1_998 + 3)  // -1 and .min hold negative values; .max by key
        #expect(Dictionary(map) == [0: 0, 1: 1])
        #expect(map.removeAll { _, _ in false } == 0)
        #expect(map.removeAll { _, _ in true } == 2)
        #expect(map.isEmpty)
        try map.checkInvariants()
    }

    /// The predicate may call the map; a throwing predicate stops the sweep, keeping what
    /// it removed.
    @Test func removeAllWhereReentrantAndThrowing() {
        let map: LockFreeInt64Map = [0: 0, -1: -1, 1: 1, .min: .min, .max: .max]
        // Re-entrant: the predicate changes the value first, so the removal (if-equal) fails.
        let removed = map.removeAll { key, value in
            if key == 1 { map[key] = value &+ 100 }
            return key == 1 || key == 0
        }
        #expect(removed == 1 && map[1] == 101 && map[0] == nil)
        var calls = 0
        #expect(throws: Boom.self) {
            try map.removeAll { _, _ in
                calls += 1
                if calls == 2 { throw Boom() }
                return true
            }
        }
        #expect(map.count == 4 - 1, "the first entry was removed, then the sweep stopped")
    }

    // MARK: reserveCapacity

    /// Reserving grows every stripe to the presized map's size at once, keeps the entries,
    /// and then the map neither grows while filled to that capacity nor shrinks when drained.
    @Test func reserveCapacityPresizes() throws {
        let map = LockFreeInt64Map()
        for key in EdgeValues.basic { map[key] = ~key }
        let presized = LockFreeInt64Map(minimumCapacity: 20_000).statistics.bucketCount
        map.reserveCapacity(20_000)
        #expect(map.statistics.bucketCount == presized)
        for key in EdgeValues.basic { #expect(map[key] == ~key) }
        try map.checkInvariants()
        let resizes = map.statistics.resizeCount
        for key in 0..<Int64(20_000) { map[key &* 0x1E37_79B9_7F4A_7C15 | 1 << 62] = key }
        #expect(map.statistics.resizeCount == resizes, "grew while filling the reserved capacity")
        for key in 0..<Int64(20_000) { map[key &* 0x1E37_79B9_7F4A_7C15 | 1 << 62] = nil }
        #expect(map.statistics.bucketCount == presized, "shrank below the reserved capacity")
        // Reserving less, or 0, changes nothing.
        map.reserveCapacity(10)
        map.reserveCapacity(0)
        #expect(map.statistics.bucketCount == presized && map.statistics.resizeCount == resizes)
        #expect(map.count == EdgeValues.basic.count)
        try map.checkInvariants()
    }

    #if compiler(>=6.2) && (os(macOS) || os(Linux))
    // An exit test: Swift Testing 6.2 and later, on macOS and Linux only.
    /// A negative capacity stops with the message (fatalError: it survives release builds).
    @Test func negativeReserveCapacityFails() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            LockFreeInt64Map().reserveCapacity(-3)
        }
        let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("LockFreeInt64Map.reserveCapacity(_:): minimumCapacity must be >= 0, got -3"), "\(text)")
    }
    #endif

    // MARK: Sequence

    /// for-in produces every entry once with its value (edge keys and values included),
    /// empty maps produce nothing, and an exhausted iterator stays exhausted.
    @Test func iterationProducesEachEntryOnce() {
        #expect(Array(LockFreeInt64Map()).isEmpty)
        let map = LockFreeInt64Map()
        var expected: [Int64: Int64] = [:]
        for (key, value) in zip(EdgeValues.basic, EdgeValues.basic.reversed()) {
            map[key] = value
            expected[key] = value
        }
        for key in 2..<Int64(3_000) {
            map[key &* 7919] = key
            expected[key &* 7919] = key
        }
        var seen: [Int64: Int64] = [:]
        var duplicates = 0
        for (key, value) in map where seen.updateValue(value, forKey: key) != nil { duplicates += 1 }
        #expect(duplicates == 0 && seen == expected)
        var iterator = map.makeIterator()
        while iterator.next() != nil {}
        #expect(iterator.next() == nil)
        // Sequence algorithms work on the labeled element.
        #expect(map.contains { $0.key == 0 && $0.value == .max })
        #expect(map.filter { $0.value < 0 }.map(\.key).sorted() == [.min, -1])  // values -1 and .min
    }

    /// An iterator resumes correctly after its stripe's tables grew and then shrank between
    /// two calls of next(), and holds no pin between calls.
    @Test func iteratorSurvivesGrowthAndShrinkingBetweenCalls() throws {
        let map = LockFreeInt64Map()
        let stable = (0..<Int64(500)).map { $0 &* 0x5851_F42D_4C95_7F2D }
        for key in stable { map[key] = key ^ 0x55 }
        var iterator = map.makeIterator()
        var seen: [Int64: Int] = [:]
        #expect(LockFreeInt64Map.currentThreadPinDepth == 0)
        for step in 0..<3 {
            guard let (key, _) = iterator.next() else { break }
            seen[key, default: 0] += 1
            #expect(LockFreeInt64Map.currentThreadPinDepth == 0, "pinned between next() calls")
            if step == 1 {
                // Grow a lot, then shrink back.
                let filler = (0..<Int64(40_000)).map { ($0 &+ 1) &* 0x2545_F491_4F6C_DD1D | 1 }
                for key in filler where !stable.contains(key) { map[key] = 1 }
                #expect(map.statistics.resizeCount > 0)
                for key in filler where !stable.contains(key) { map[key] = nil }
            }
        }
        while let (key, value) = iterator.next() {
            seen[key, default: 0] += 1
            #expect(value == key ^ 0x55)
        }
        #expect(seen.count == stable.count && seen.values.allSatisfy { $0 == 1 })
        #expect(Set(seen.keys) == Set(stable))
        try map.checkInvariants()
    }

    /// The hash order of positions: a bucket's hashes fill exactly its range, the ranges of
    /// consecutive buckets touch, and the home bucket is ⌊h · n / 2^58⌋ computed the slow way,
    /// for size classes small and large, powers of two or not (the property the iterator's
    /// cursor relies on).
    @Test func bucketRangesTileThePositionSpace() {
        var rng = SeededRandom(seed: 7)
        for target in [32, 33, 47, 1_000, 3_000_000, 1 << 40] {
            for _ in 0..<2_000 {
                let hash = rng.next() & ((1 << 58) - 1)
                let (bucket, end, n) = LockFreeInt64Map.iterationBucketRange(containing: hash, buckets: target)
                #expect(n >= UInt64(target) && n - UInt64(target) <= n / 16)
                #expect(bucket == Self.homeTheSlowWay(hash, n))
                // `end` is the first hash of the next bucket: its home is bucket + 1, and the
                // hash before it is still at home in `bucket`.
                #expect(hash < end && end <= 1 << 58)
                if end < 1 << 58 {
                    #expect(Self.homeTheSlowWay(end, n) == bucket + 1)
                }
                #expect(Self.homeTheSlowWay(end - 1, n) == bucket)
            }
        }
    }

    /// ⌊h · n / 2^58⌋ from the full 128-bit product (no UInt128: it needs macOS 15).
    static func homeTheSlowWay(_ hash: UInt64, _ n: UInt64) -> UInt64 {
        let product = hash.multipliedFullWidth(by: n)
        return product.high << 6 | product.low >> 58
    }

    // MARK: Literals, description, Dictionary

    /// Literals with edge keys and values; `[:]` is empty; Dictionary(map) is the contents.
    @Test func dictionaryLiteralAndSnapshot() {
        let map: LockFreeInt64Map = [0: -1, -1: 0, 1: .min, .min: .max, .max: 1]
        #expect(Dictionary(map) == [0: -1, -1: 0, 1: .min, .min: .max, .max: 1])
        let empty: LockFreeInt64Map = [:]
        #expect(empty.isEmpty && Dictionary(empty).isEmpty)
        let big = LockFreeInt64Map(minimumCapacity: 0)
        for key in 0..<Int64(5_000) { big[key] = ~key }
        let snapshot = Dictionary(big)
        #expect(snapshot.count == 5_000 && snapshot.allSatisfy { $0.value == ~$0.key })
    }

    /// A literal sized for its elements does not grow while filled.
    @Test func literalIsPresized() {
        let map: LockFreeInt64Map = [1: 1, 2: 2, 3: 3]
        #expect(map.statistics.resizeCount == 0 && map.count == 3)
    }

    #if compiler(>=6.2) && (os(macOS) || os(Linux))
    // An exit test: Swift Testing 6.2 and later, on macOS and Linux only.
    /// A duplicate key stops with the message naming it.
    @Test func duplicateLiteralKeyFails() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let map: LockFreeInt64Map = [5: 1, -9: 2, 5: 3]
            _ = map
        }
        let text = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(text.contains("LockFreeInt64Map(dictionaryLiteral:): duplicate key 5"), "\(text)")
    }
    #endif

    /// Prints like a Dictionary.
    @Test func descriptions() {
        let empty = LockFreeInt64Map()
        #expect(empty.description == "[:]" && empty.debugDescription == "LockFreeInt64Map([:])")
        let one: LockFreeInt64Map = [.min: .max]
        #expect(one.description == "[-9223372036854775808: 9223372036854775807]")
        #expect(one.debugDescription == "LockFreeInt64Map([-9223372036854775808: 9223372036854775807])")
        let two: LockFreeInt64Map = [1: 10, 2: 20]
        #expect(["[1: 10, 2: 20]", "[2: 20, 1: 10]"].contains(two.description))
        #expect("\(two)" == two.description)
    }
}
