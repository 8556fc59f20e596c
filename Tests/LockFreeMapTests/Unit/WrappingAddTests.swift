// Unit tests, single-threaded: wrappingAdd. What this proves: an absent key counts as 0 and
// is inserted (even with delta 0), the returned value is the new value, addition wraps at
// Int64.max / Int64.min instead of trapping, and a sum of 0 leaves the key present.
import LockFreeMap
import Testing

@Suite("Unit: wrappingAdd")
struct WrappingAddTests {
    /// On an absent key the result (and the stored value) is the delta itself.
    @Test(arguments: EdgeValues.basic, EdgeValues.basic)
    func absentKeyCountsAsZero(key: Int64, delta: Int64) {
        let map = LockFreeInt64Map()
        #expect(map.wrappingAdd(delta, forKey: key) == delta)
        #expect(map[key] == delta)
        #expect(map.containsKey(key), "an absent key is inserted, even when delta is 0")
        #expect(map.count == 1)
    }

    /// On a present key the result is the wrapped sum, which is stored.
    @Test(arguments: EdgeValues.basic, EdgeValues.basic)
    func addsWrapping(start: Int64, delta: Int64) {
        let map = LockFreeInt64Map()
        map[9] = start
        #expect(map.wrappingAdd(delta, forKey: 9) == start &+ delta)
        #expect(map[9] == start &+ delta)
        #expect(map.count == 1)
    }

    /// Int64.max + 1 wraps to Int64.min and back; Int64.min + Int64.min is 0 (still present).
    @Test func wrapsAtTheExtremes() {
        let map = LockFreeInt64Map()
        #expect(map.wrappingAdd(.max, forKey: 0) == .max)
        #expect(map.wrappingAdd(1, forKey: 0) == .min)
        #expect(map.wrappingAdd(-1, forKey: 0) == .max)
        #expect(map.wrappingAdd(.max, forKey: 0) == -2)
        #expect(map.wrappingAdd(2, forKey: 0) == 0)
        #expect(map.containsKey(0), "a sum of 0 does not remove the key")
        #expect(map.wrappingAdd(.min, forKey: 0) == .min)
        #expect(map.wrappingAdd(.min, forKey: 0) == 0)
        #expect(map[0] == 0)
        #expect(map.count == 1)
    }

    /// A running counter: n increments give n, decrements come back down.
    @Test func countsUpAndDown() {
        let map = LockFreeInt64Map()
        for expected in 1...100 { #expect(map.wrappingAdd(1, forKey: -1) == Int64(expected)) }
        for expected in stride(from: 99, through: -5, by: -1) {
            #expect(map.wrappingAdd(-1, forKey: -1) == Int64(expected))
        }
        #expect(map[-1] == -5)
    }
}
