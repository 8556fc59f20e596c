// Unit tests, single-threaded: insertValue (put-if-absent). What this proves: it inserts
// exactly when the key is absent, returns the value now stored (the new one, or the one it
// did not replace), never overwrites, and works on every edge key and value.
import LockFreeMap
import Testing

@Suite("Unit: insertValue")
struct InsertValueTests {
    /// Absent: inserted, current value is the new one. Present: not inserted, current value
    /// is the existing one, which stays.
    @Test(arguments: EdgeValues.basic, EdgeValues.basic)
    func insertsOnlyWhenAbsent(key: Int64, value: Int64) {
        let map = LockFreeInt64Map()
        let first = map.insertValue(value, forKey: key)
        #expect(first.inserted)
        #expect(first.currentValue == value)
        #expect(map[key] == value)

        let second = map.insertValue(~value, forKey: key)
        #expect(!second.inserted)
        #expect(second.currentValue == value, "returns the value already there")
        #expect(map[key] == value, "an existing value is never overwritten")
        #expect(map.count == 1)
    }

    /// After a removal the key is absent again, so insertValue inserts again.
    @Test(arguments: EdgeValues.basic)
    func insertsAgainAfterRemoval(key: Int64) {
        let map = LockFreeInt64Map()
        #expect(map.insertValue(1, forKey: key) == (true, 1))
        #expect(map.removeValue(forKey: key) == 1)
        #expect(map.insertValue(2, forKey: key) == (true, 2))
        #expect(map.insertValue(3, forKey: key) == (false, 2))
        map[key] = nil
        #expect(map.insertValue(.min, forKey: key) == (true, .min))
    }

    /// Same value as the existing one: still "not inserted".
    @Test func sameValueIsNotAnInsert() {
        let map = LockFreeInt64Map()
        #expect(map.insertValue(0, forKey: 0) == (true, 0))
        #expect(map.insertValue(0, forKey: 0) == (false, 0))
        #expect(map.count == 1)
    }
}
