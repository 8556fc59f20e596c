// Unit tests, single-threaded: forEach. What this proves: it visits every entry exactly once
// with its current value and nothing else, propagates the body's error at once, and
// tolerates a body that calls the map: reads of any key, and writes (inserts, removals,
// updates) of keys other than the visited ones, without losing or repeating a visited key.
import LockFreeMap
import Testing

@Suite("Unit: forEach")
struct ForEachTests {
    private struct Stop: Error {}

    /// Every entry exactly once, with its value; removed keys are not visited.
    @Test func visitsEveryEntryExactlyOnce() {
        let map = LockFreeInt64Map()
        var expected: [Int64: Int64] = [:]
        for key in EdgeValues.extended + (0..<Int64(2_000)).map({ $0 &* 0x2545_F491_4F6C_DD1D }) {
            map[key] = key &* 3
            expected[key] = key &* 3
        }
        for key in expected.keys.sorted().enumerated().filter({ $0.offset % 3 == 0 }).map(\.element) {
            map[key] = nil
            expected[key] = nil
        }
        var seen: [Int64: Int64] = [:]
        var visits = 0
        map.forEach { key, value in
            visits += 1
            #expect(seen.updateValue(value, forKey: key) == nil, "key \(key) visited twice")
        }
        #expect(visits == expected.count)
        #expect(seen == expected)
    }

    /// An empty map calls the body never.
    @Test func emptyMapVisitsNothing() {
        var visits = 0
        LockFreeInt64Map(minimumCapacity: 64).forEach { _, _ in visits += 1 }
        #expect(visits == 0)
    }

    /// A throwing body stops the iteration immediately and the error reaches the caller.
    @Test func bodyErrorPropagatesAndStops() {
        let map = LockFreeInt64Map()
        for key in 0..<Int64(100) { map[key] = key }
        var visits = 0
        #expect(throws: Stop.self) {
            try map.forEach { _, _ in
                visits += 1
                throw Stop()
            }
        }
        #expect(visits == 1)
        #expect(map.count == 100, "an aborted iteration changes nothing")
    }

    /// The body reads the map, inserts and removes other keys and updates values of keys
    /// not in the visited set. Each original key is still visited exactly once with its
    /// original value, every visited extra key at most once, and all the writes land.
    @Test func bodyMayCallTheMap() {
        let map = LockFreeInt64Map()
        let originals = EdgeValues.basic + Array(1_000..<Int64(1_300))
        for key in originals { map[key] = key }
        // Shadow keys live far from the originals; the body writes only those.
        func shadow(_ key: Int64) -> Int64 { key ^ 0x4000_0000_0000_0000 }

        var seenOriginals: [Int64: Int] = [:]
        var seenShadows: [Int64: Int] = [:]
        let originalSet = Set(originals)
        map.forEach { key, value in
            if originalSet.contains(key) {
                seenOriginals[key, default: 0] += 1
                #expect(value == key, "originals are never written during the iteration")
                // Reads of other keys see their values.
                #expect(map.value(forKey: EdgeValues.basic[Int(UInt64(bitPattern: key) % 5)]) != nil)
                #expect(map.containsKey(.max))
                // Writes to keys outside the iterated set.
                #expect(map.insertValue(key, forKey: shadow(key)).inserted)
                map.wrappingAdd(1, forKey: shadow(key))
                if key % 2 == 0 { #expect(map.removeValue(forKey: shadow(key)) == key &+ 1) }
            } else {
                seenShadows[key, default: 0] += 1
                #expect(originalSet.contains(shadow(key)), "only shadow keys can appear besides the originals")
            }
        }
        #expect(seenOriginals.count == originals.count, "every original key visited")
        #expect(seenOriginals.values.allSatisfy { $0 == 1 }, "each original key exactly once")
        #expect(seenShadows.values.allSatisfy { $0 == 1 }, "a key inserted during the call at most once")
        for key in originals {
            #expect(map[key] == key)
            #expect(map[shadow(key)] == (key % 2 == 0 ? nil : key &+ 1))
        }
        #expect(map.count == originals.count + originals.filter { $0 % 2 != 0 }.count)
    }
}
