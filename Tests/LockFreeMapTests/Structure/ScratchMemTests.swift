@_spi(Testing) import LockFreeMap
import Testing

@Suite struct ScratchMemTests {
    @Test func memoryState() {
        for k in [2_000_000, 7_000_000] {
            let map = LockFreeInt64Map()
            for i in 0..<k { map.insertValue(Int64(i), forKey: Int64(i) &* 0x2545_F491_4F6C_DD1D) }
            let s = map.statistics
            print("K=\(k) migrating=\(map.migratingStripeCount) retired=\(map.retiredTableCount) mapped=\(Double(LockFreeInt64Map.mappedByteCount) / Double(k)) B/entry tableBytes=\(Double(s.tableBytes) / Double(k)) buckets=\(s.bucketCount) resizes=\(s.resizeCount)")
        }
    }
}
