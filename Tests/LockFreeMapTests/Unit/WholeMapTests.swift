// Unit tests, single-threaded: init(minimumCapacity:), count, isEmpty and removeAll. What
// this proves: count is exact when quiescent and moves only when an entry appears or
// disappears (not on replace or failed operations), removeAll empties any map and leaves it
// usable, minimumCapacity 0 and large both work, minimumCapacity entries fit without growth,
// and a negative capacity stops with a precondition failure.
import LockFreeMap
import Testing

@Suite("Unit: init, count, isEmpty, removeAll")
struct WholeMapTests {
    /// Capacity 0 and a large capacity give empty, working maps.
    @Test(arguments: [0, 1, 1 << 20])
    func initWithCapacity(capacity: Int) {
        let map = LockFreeInt64Map(minimumCapacity: capacity)
        #expect(map.isEmpty)
        #expect(map.count == 0)
        for key in EdgeValues.basic { map[key] = key }
        #expect(map.count == EdgeValues.basic.count)
        for key in EdgeValues.basic { #expect(map[key] == key) }
    }

    /// "Sized so that minimumCapacity entries fit without growing": inserting that many
    /// entries triggers no resize (statistics.resizeCount, exact when quiescent).
    @Test func minimumCapacityEntriesFitWithoutGrowing() {
        let capacity = 5_000
        let map = LockFreeInt64Map(minimumCapacity: capacity)
        for key in 0..<Int64(capacity) { map[key &* 0x1E37_79B9_7F4A_7C15] = key }
        #expect(map.count == capacity)
        #expect(map.statistics.resizeCount == 0)
    }

    #if compiler(>=6.2) && (os(macOS) || os(Linux))
    // An exit test: Swift Testing 6.2 and later, on macOS and Linux only.
    /// A negative capacity is a clear precondition failure (checked in a child process).
    @Test func negativeCapacityIsAPreconditionFailure() async {
        await #expect(processExitsWith: .failure) {
            _ = LockFreeInt64Map(minimumCapacity: -1)
        }
    }
    #endif

    /// count changes only when an entry appears or disappears.
    @Test func countTracksEntriesExactly() {
        let map = LockFreeInt64Map()
        #expect(map.count == 0 && map.isEmpty)
        map.updateValue(1, forKey: 1)
        map.updateValue(2, forKey: 1)
        #expect(map.count == 1, "replace")
        map.insertValue(3, forKey: 1)
        #expect(map.count == 1, "put-if-absent on a present key")
        _ = map.compareExchange(forKey: 1, expected: 99, desired: nil)
        #expect(map.count == 1, "failed remove-if-equal")
        _ = map.compareExchange(forKey: 2, expected: nil, desired: nil)
        #expect(map.count == 1, "nil -> nil on an absent key")
        map.wrappingAdd(0, forKey: 2)
        #expect(map.count == 2, "wrappingAdd inserts")
        map.removeValue(forKey: 3)
        #expect(map.count == 2, "removing an absent key")
        map[2] = nil
        #expect(map.count == 1)
        _ = map.compareExchange(forKey: 1, expected: 2, desired: nil)
        #expect(map.count == 0 && map.isEmpty)
    }

    /// count stays exact through 10,000 inserts and removals (growth included).
    @Test func countIsExactThroughGrowth() {
        let map = LockFreeInt64Map()
        for key in 0..<Int64(10_000) {
            map[key] = key
            if key % 1_000 == 999 { #expect(map.count == Int(key) + 1) }
        }
        for key in stride(from: Int64(0), to: 10_000, by: 2) { map.removeValue(forKey: key) }
        #expect(map.count == 5_000)
        #expect(!map.isEmpty)
    }

    /// removeAll empties a map with edge keys and many others; the map stays usable.
    @Test func removeAllEmptiesAndMapStaysUsable() {
        let map = LockFreeInt64Map()
        map.removeAll()
        #expect(map.isEmpty, "removeAll on an empty map")

        let keys = EdgeValues.extended + (100..<Int64(3_100)).map { $0 &* 0x5851_F42D_4C95_7F2D }
        for key in keys { map[key] = ~key }
        #expect(map.count == keys.count)
        map.removeAll()
        #expect(map.count == 0)
        #expect(map.isEmpty)
        for key in keys { #expect(!map.containsKey(key)) }
        var visited = 0
        map.forEach { _, _ in visited += 1 }
        #expect(visited == 0)

        for key in EdgeValues.basic { #expect(map.insertValue(key, forKey: key) == (true, key)) }
        #expect(map.count == EdgeValues.basic.count)
        map.removeAll()
        #expect(map.isEmpty)
    }
}
