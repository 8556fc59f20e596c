// Unit tests, single-threaded: the batch calls. What this proves: both forms of each batch
// give exactly what the single-key calls give (edge keys, absent keys, an empty batch, a
// batch of 1, of 17 = one group and one key, of 1,000 keys, a sequence without contiguous
// storage), a key given twice to an add batch is added to twice, the allocation-free forms
// report the found count and write 0 for an absent key, and a model check: on two maps with
// the same content, random batches and the same keys one by one give the same results and
// leave the same content.
import LockFreeMap
import Testing
import _LockFreeMapTestSupport

@Suite("Unit: batches")
struct BatchTests {
    /// The allocation-free lookup of `keys`, as optionals.
    static func bufferedValues(_ map: LockFreeInt64Map, _ keys: [Int64]) -> (values: [Int64?], found: Int) {
        var values = [Int64](repeating: 7, count: keys.count)
        var found = [Bool](repeating: false, count: keys.count)
        let n = keys.withUnsafeBufferPointer { k in
            values.withUnsafeMutableBufferPointer { v in
                found.withUnsafeMutableBufferPointer { f in map.values(forKeys: k, into: v, found: f) }
            }
        }
        for i in keys.indices where !found[i] {
            #expect(values[i] == 0, "an absent key's value slot is 0")
        }
        return (keys.indices.map { found[$0] ? values[$0] : nil }, n)
    }

    /// The allocation-free add of `delta` to `keys`, returning the new values.
    static func bufferedAdd(_ map: LockFreeInt64Map, _ delta: Int64, _ keys: [Int64]) -> [Int64] {
        var newValues = [Int64](repeating: 0, count: keys.count)
        keys.withUnsafeBufferPointer { k in
            newValues.withUnsafeMutableBufferPointer { map.wrappingAdd(delta, forKeys: k, into: $0) }
        }
        return newValues
    }

    /// Keys 0 ..< n spread over the key space (a bijection, so distinct).
    static func spreadKeys(_ n: Int) -> [Int64] {
        (0..<n).map { Int64(bitPattern: SeededRandom.mix(UInt64($0))) }
    }

    @Test("edge keys: present and absent, both forms")
    func edgeKeys() {
        let map = LockFreeInt64Map()
        for key in EdgeValues.basic where key != 1 { map[key] = key &* 3 }
        let expected = EdgeValues.basic.map { map.value(forKey: $0) }
        #expect(expected.contains(nil), "key 1 is absent")
        #expect(map.values(forKeys: EdgeValues.basic) == expected)
        let (values, found) = Self.bufferedValues(map, EdgeValues.basic)
        #expect(values == expected)
        #expect(found == EdgeValues.basic.count - 1)
    }

    @Test("edge keys: wrappingAdd batches add like wrappingAdd(_:forKey:)")
    func edgeKeyAdds() {
        let batch = LockFreeInt64Map()
        let single = LockFreeInt64Map()
        for key in EdgeValues.basic {
            batch[key] = key
            single[key] = key
        }
        for delta in EdgeValues.basic {
            let expected = EdgeValues.basic.map { single.wrappingAdd(delta, forKey: $0) }
            #expect(Self.bufferedAdd(batch, delta, EdgeValues.basic) == expected)
        }
        batch.wrappingAdd(.max, forKeys: EdgeValues.basic)
        for key in EdgeValues.basic { single.wrappingAdd(.max, forKey: key) }
        #expect(Dictionary(batch) == Dictionary(single))
    }

    @Test("empty batch: nothing found, nothing added")
    func emptyBatch() {
        let map: LockFreeInt64Map = [1: 10]
        #expect(map.values(forKeys: [Int64]()).isEmpty)
        #expect(Self.bufferedValues(map, []).found == 0)
        #expect(
            map.values(
                forKeys: UnsafeBufferPointer(start: nil, count: 0), into: .init(start: nil, count: 0),
                found: .init(start: nil, count: 0)) == 0)
        map.wrappingAdd(5, forKeys: [Int64]())
        map.wrappingAdd(5, forKeys: UnsafeBufferPointer(start: nil, count: 0), into: nil)
        #expect(Self.bufferedAdd(map, 5, []).isEmpty)
        #expect(Dictionary(map) == [1: 10])
    }

    @Test("batches of 1, 17 and 1,000 keys, half of them absent", arguments: [1, 17, 1_000])
    func sizes(count: Int) {
        let keys = Self.spreadKeys(count)
        let map = LockFreeInt64Map()
        for (i, key) in keys.enumerated() where i % 2 == 0 { map[key] = Int64(i) }
        let expected = keys.map { map.value(forKey: $0) }
        #expect(map.values(forKeys: keys) == expected)
        #expect(Self.bufferedValues(map, keys) == (expected, (count + 1) / 2))
        // A sequence without contiguous storage goes through the stack buffer.
        #expect(map.values(forKeys: keys.lazy.map { $0 }) == expected)

        let single = LockFreeInt64Map()
        for (i, key) in keys.enumerated() where i % 2 == 0 { single[key] = Int64(i) }
        #expect(Self.bufferedAdd(map, 3, keys) == keys.map { single.wrappingAdd(3, forKey: $0) })
        map.wrappingAdd(-1, forKeys: keys.lazy.map { $0 })
        map.wrappingAdd(2, forKeys: keys)
        for key in keys {
            single.wrappingAdd(-1, forKey: key)
            single.wrappingAdd(2, forKey: key)
        }
        #expect(Dictionary(map) == Dictionary(single))
        #expect(map.count == count)
    }

    @Test("a key given twice in one add batch is added to twice, in order")
    func duplicatesAddTwice() {
        let map = LockFreeInt64Map()
        // 5 appears in the first group twice and in the second group once; 8 is absent.
        let keys: [Int64] = [5, 5, 8] + Array(100..<113) + [5]
        #expect(keys.count == 17)
        let newValues = Self.bufferedAdd(map, 10, keys)
        #expect(newValues[0] == 10 && newValues[1] == 20 && newValues[16] == 30)
        #expect(newValues[2] == 10, "an absent key counts as 0")
        #expect(map[5] == 30)
        map.wrappingAdd(1, forKeys: [5, 5, 5])
        #expect(map[5] == 33)
        #expect(map.values(forKeys: [5, 5, 8, 9]) == [33, 33, 10, nil])
        #expect(map.count == 15)
    }

    @Test("model: random batches give what the single-key calls give on a copy")
    func modelAgainstSingleKeyCalls() {
        let rounds = TestKnobs.scaled(short: 200, long: 5_000)
        var random = SeededRandom(seed: TestKnobs.seed, salts: 0xBA7C)
        let batch = LockFreeInt64Map()
        let single = LockFreeInt64Map()
        // A small key pool, so that batches repeat keys and hit present and absent ones; the
        // maps grow past several migrations along the way.
        let pool = (0..<3_000).map { _ in random.edgeBiasedInt64() }
        for round in 0..<rounds {
            let size = random.index(below: 3) == 0 ? random.index(below: 40) : random.index(below: 600)
            let keys = (0..<size).map { _ in random.element(of: pool) }
            if random.chance(1, in: 2) {
                let delta = random.edgeBiasedInt64()
                let expected = keys.map { single.wrappingAdd(delta, forKey: $0) }
                if random.chance(1, in: 2) {
                    #expect(Self.bufferedAdd(batch, delta, keys) == expected, "round \(round); \(TestKnobs.replayHint)")
                } else {
                    batch.wrappingAdd(delta, forKeys: keys)
                }
            } else {
                let expected = keys.map { single.value(forKey: $0) }
                #expect(batch.values(forKeys: keys) == expected, "round \(round); \(TestKnobs.replayHint)")
                let (values, found) = Self.bufferedValues(batch, keys)
                #expect(values == expected && found == expected.count { $0 != nil }, "round \(round)")
            }
            if random.chance(1, in: 10) {
                // Removals between batches keep tombstones and shrinking in play.
                for _ in 0..<50 {
                    let key = random.element(of: pool)
                    #expect(batch.removeValue(forKey: key) == single.removeValue(forKey: key))
                }
            }
        }
        #expect(Dictionary(batch) == Dictionary(single), "\(TestKnobs.replayHint)")
    }
}
