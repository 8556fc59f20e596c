// Unit tests, single-threaded: value(forKey:), containsKey, the subscript, updateValue and
// removeValue, with every edge value (0, -1, 1, Int64.min, Int64.max) as key and as value.
// What this proves: each return value matches docs/API.md exactly, no key or value is treated as
// a sentinel, and edge keys never alias each other or their neighbours.
import LockFreeMap
import Testing

@Suite("Unit: reads, updateValue, removeValue, subscript")
struct ReadWriteTests {
    /// A fresh map knows no key at all.
    @Test(arguments: EdgeValues.extended)
    func freshMapHasNoKey(key: Int64) {
        let map = LockFreeInt64Map()
        #expect(map.value(forKey: key) == nil)
        #expect(map[key] == nil)
        #expect(!map.containsKey(key))
        #expect(map.removeValue(forKey: key) == nil)
        #expect(map.isEmpty)
    }

    /// Insert, read, replace, remove, remove again: every return value is checked.
    @Test(arguments: EdgeValues.basic, EdgeValues.basic)
    func updateReadReplaceRemove(key: Int64, value: Int64) {
        let map = LockFreeInt64Map()
        let replacement = value &+ 1

        #expect(map.updateValue(value, forKey: key) == nil, "insert returns nil: the key was absent")
        #expect(map.value(forKey: key) == value)
        #expect(map[key] == value)
        #expect(map.containsKey(key))
        #expect(map.count == 1)

        #expect(map.updateValue(replacement, forKey: key) == value, "replace returns the old value")
        #expect(map.value(forKey: key) == replacement)
        #expect(map.count == 1, "replacing does not add an entry")

        #expect(map.updateValue(replacement, forKey: key) == replacement, "same value again")
        #expect(map.removeValue(forKey: key) == replacement)
        #expect(map.value(forKey: key) == nil)
        #expect(!map.containsKey(key))
        #expect(map.removeValue(forKey: key) == nil, "second removal finds nothing")
        #expect(map.count == 0)
        #expect(map.isEmpty)
    }

    /// The subscript setter inserts, replaces, and with nil removes; nil on an absent key
    /// changes nothing.
    @Test(arguments: EdgeValues.basic, EdgeValues.basic)
    func subscriptSetAndSetNil(key: Int64, value: Int64) {
        let map = LockFreeInt64Map()
        map[key] = nil
        #expect(map.isEmpty, "setting nil on an absent key inserts nothing")

        map[key] = value
        #expect(map[key] == value)
        #expect(map.value(forKey: key) == value)
        #expect(map.count == 1)

        map[key] = ~value
        #expect(map[key] == ~value)
        #expect(map.count == 1)

        map[key] = nil
        #expect(map[key] == nil)
        #expect(!map.containsKey(key))
        #expect(map.isEmpty)
    }

    /// All edge keys (and their neighbours) live side by side without aliasing: each keeps
    /// its own value, and removing one leaves the others.
    @Test func edgeKeysDoNotAlias() {
        let map = LockFreeInt64Map()
        let keys = EdgeValues.extended
        for (index, key) in keys.enumerated() {
            #expect(map.updateValue(Int64(index) * 1_000 - 3, forKey: key) == nil)
        }
        #expect(map.count == keys.count)
        for (index, key) in keys.enumerated() {
            #expect(map.value(forKey: key) == Int64(index) * 1_000 - 3)
        }
        for neighbour: Int64 in [3, -3, 4, .min + 2, .max - 2] {
            #expect(!map.containsKey(neighbour))
        }
        for (removedIndex, removed) in keys.enumerated() {
            #expect(map.removeValue(forKey: removed) == Int64(removedIndex) * 1_000 - 3)
            for (index, key) in keys.enumerated().dropFirst(removedIndex + 1) {
                #expect(map.value(forKey: key) == Int64(index) * 1_000 - 3)
            }
            #expect(map.count == keys.count - removedIndex - 1)
        }
        #expect(map.isEmpty)
    }

    /// Every edge value stored under every edge key at once reads back unchanged.
    @Test(arguments: EdgeValues.basic)
    func edgeValuesUnderAllEdgeKeys(value: Int64) {
        let map = LockFreeInt64Map()
        for key in EdgeValues.basic { map[key] = value }
        #expect(map.count == EdgeValues.basic.count)
        for key in EdgeValues.basic {
            #expect(map[key] == value)
            #expect(map.containsKey(key))
        }
    }

    /// A removed key can be inserted again, with any value.
    @Test(arguments: EdgeValues.basic)
    func reinsertAfterRemoval(key: Int64) {
        let map = LockFreeInt64Map()
        for round in 0..<3 {
            let value = EdgeValues.basic[round]
            #expect(map.updateValue(value, forKey: key) == nil)
            #expect(map.removeValue(forKey: key) == value)
        }
        #expect(map.updateValue(42, forKey: key) == nil)
        #expect(map[key] == 42)
        #expect(map.count == 1)
    }
}
