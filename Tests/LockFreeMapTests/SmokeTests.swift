import Testing
import LockFreeMap

@Test func insertReadRemove() {
    let map = LockFreeInt64Map()
    #expect(map.updateValue(7, forKey: -1) == nil)
    #expect(map[-1] == 7)
    #expect(map.removeValue(forKey: -1) == 7)
    #expect(map.isEmpty)
}
