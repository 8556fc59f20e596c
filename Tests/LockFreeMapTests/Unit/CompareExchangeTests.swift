// Unit tests, single-threaded: compareExchange in its four nil/non-nil forms, each in its
// success and failure cases, over edge values. What this proves: docs/API.md's table
//   expected nil + desired v   = insert if absent
//   expected e   + desired nil = remove if equal to e
//   expected e   + desired v   = replace if equal to e
//   expected nil + desired nil = succeed iff absent (and change nothing)
// and that `original` is always the value seen before (nil = absent), success or not.
import LockFreeMap
import Testing

@Suite("Unit: compareExchange")
struct CompareExchangeTests {
    /// nil -> v on an absent key inserts v; on a present key it fails and changes nothing.
    @Test(arguments: EdgeValues.basic, EdgeValues.basic)
    func insertIfAbsent(key: Int64, value: Int64) {
        let map = LockFreeInt64Map()
        #expect(map.compareExchange(forKey: key, expected: nil, desired: value) == (true, nil))
        #expect(map[key] == value)
        #expect(map.count == 1)

        #expect(map.compareExchange(forKey: key, expected: nil, desired: ~value) == (false, value))
        #expect(map[key] == value)
        #expect(map.count == 1)
    }

    /// e -> nil removes when the value equals e; a different value or an absent key fails.
    @Test(arguments: EdgeValues.basic, EdgeValues.basic)
    func removeIfEqual(key: Int64, value: Int64) {
        let map = LockFreeInt64Map()
        #expect(map.compareExchange(forKey: key, expected: value, desired: nil) == (false, nil), "absent")
        #expect(map.isEmpty)

        map[key] = value
        #expect(
            map.compareExchange(forKey: key, expected: value &+ 1, desired: nil) == (false, value), "different value")
        #expect(map[key] == value)

        #expect(map.compareExchange(forKey: key, expected: value, desired: nil) == (true, value))
        #expect(!map.containsKey(key))
        #expect(map.isEmpty)
    }

    /// e -> v replaces when the value equals e; a different value or an absent key fails
    /// (and an absent key stays absent: e -> v never inserts).
    @Test(arguments: EdgeValues.basic, EdgeValues.basic)
    func replaceIfEqual(key: Int64, value: Int64) {
        let map = LockFreeInt64Map()
        let desired = ~value
        #expect(map.compareExchange(forKey: key, expected: value, desired: desired) == (false, nil), "absent")
        #expect(!map.containsKey(key), "a failed replace must not insert")

        map[key] = value
        #expect(
            map.compareExchange(forKey: key, expected: desired, desired: value) == (false, value), "different value")
        #expect(map[key] == value)

        #expect(map.compareExchange(forKey: key, expected: value, desired: desired) == (true, value))
        #expect(map[key] == desired)
        #expect(map.count == 1)

        #expect(
            map.compareExchange(forKey: key, expected: desired, desired: desired) == (true, desired), "v -> v succeeds")
        #expect(map[key] == desired)
    }

    /// nil -> nil succeeds iff absent and never inserts anything; on a present key it fails
    /// and reports the value.
    @Test(arguments: EdgeValues.basic, EdgeValues.basic)
    func succeedIffAbsent(key: Int64, value: Int64) {
        let map = LockFreeInt64Map()
        #expect(map.compareExchange(forKey: key, expected: nil, desired: nil) == (true, nil))
        #expect(map.isEmpty, "nil -> nil must not insert")
        #expect(!map.containsKey(key))

        map[key] = value
        #expect(map.compareExchange(forKey: key, expected: nil, desired: nil) == (false, value))
        #expect(map[key] == value)

        map[key] = nil
        #expect(
            map.compareExchange(forKey: key, expected: nil, desired: nil) == (true, nil), "absent again after removal")
    }

    /// A compare-exchange on one key never affects another.
    @Test func otherKeysAreUntouched() {
        let map = LockFreeInt64Map()
        for key in EdgeValues.basic { map[key] = key }
        #expect(map.compareExchange(forKey: 0, expected: 0, desired: nil) == (true, 0))
        #expect(map.compareExchange(forKey: -1, expected: -1, desired: 5) == (true, -1))
        #expect(map.compareExchange(forKey: 2, expected: nil, desired: 2) == (true, nil))
        #expect(map[1] == 1 && map[.min] == .min && map[.max] == .max)
        #expect(map.count == EdgeValues.basic.count)
    }
}
