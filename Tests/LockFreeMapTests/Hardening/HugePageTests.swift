#if os(Linux)
@_spi(Testing) import LockFreeMap
import _LockFreeMapPlatformSupport
import Testing

// A dense table (a migration's successor) is backed by transparent huge pages from its first
// byte (DESIGN.md, "Huge pages"). The advice must come before the table's first write: a
// 2 MiB region that already holds a base page (the header, written at allocation) is not
// backed by a huge page when the rest of it faults in. Advised after the header, no table
// under 4 MiB had a huge page.
//
// Huge pages are the kernel's to give: the test runs where transparent huge pages are on
// ("always" or "madvise") and a plain advised mapping gets one right now.
@Suite struct HugePageTests {
    @Test(.enabled(if: HugePageProbe.kernelGivesHugePages()))
    func aDenseTableIsOnHugePagesFromItsFirstByte() throws {
        // 49,152 buckets: a block of just over 3 MiB, one whole 2 MiB region then a partial one.
        let (address, byteCount) = LockFreeInt64Map.allocateDenseTableForTesting(buckets: 49_152)
        defer { LockFreeInt64Map.deallocateTableForTesting(address: address) }
        #expect(address % UInt(HugePageProbe.hugePage) == 0, "a block of 2 MiB or more is 2 MiB-aligned")
        let area = try #require(HugePageProbe.mapping(containing: address))
        // Only when the kernel kept the block a mapping of its own: it merges neighbours with
        // the same flags (another test's dense table), whose huge pages would count here too.
        let page = UInt(HugePageProbe.basePage)
        let pageEnd = (address + UInt(byteCount) + page - 1) & ~(page - 1)
        guard area.start == address, area.end == pageEnd else { return }
        #expect(area.anonHugeBytes >= HugePageProbe.hugePage, "the table's first 2 MiB is not a huge page")
    }
}
#endif
