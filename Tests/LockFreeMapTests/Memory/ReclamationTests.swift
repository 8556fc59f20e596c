import Foundation
@_spi(Testing) import LockFreeMap
import Testing
// Memory tests of the map itself, each in a child process (an exit test): removed entries
// are reclaimed while the map lives, and released maps return every page and their resident
// memory. (Moved from Core/StructureTests.swift; the churn curve and the valgrind/ASan release
// tests are in MemoryTests.swift and ReleaseTests.swift.)
import _LockFreeMapPlatformSupport
import _LockFreeMapTestSupport

@Suite(.serialized) struct ReclamationTests {
    #if compiler(>=6.2) && (os(macOS) || os(Linux))
    // An exit test: Swift Testing 6.2 and later, on macOS and Linux only.
    /// Removed entries are reclaimed while the map lives: churning over ever-new keys
    /// with a fixed window of live entries leaves tombstones that migrations drop, and
    /// the tables those migrations retire are freed, so mapped memory stays level. In a
    /// child process: reclamation is process-wide, so a thread of another test paused
    /// inside a map call (the pause tests do that on purpose) would hold back frees here.
    @Test func removedEntriesAreReclaimed() async {
        await #expect(processExitsWith: .success) {
            let map = LockFreeInt64Map()
            let window: Int64 = 1_000
            var mappedAfterWarmUp = 0
            for i in Int64(0)..<400_000 {
                map.insertValue(i, forKey: i)
                if i >= window { map.removeValue(forKey: i - window) }
                if i == 100_000 { mappedAfterWarmUp = LockFreeInt64Map.mappedByteCount }
            }
            let stats = map.statistics
            // Without reclamation the last 300,000 removed keys would hold 300,000 slots
            // (about 6 MB of buckets); with it, the tables stay sized for the window.
            if LockFreeInt64Map.mappedByteCount - mappedAfterWarmUp >= 1 << 20 { exit(1) }
            if stats.tombstoneCount + stats.entryCount > 20 * Int(window) { exit(2) }
            if stats.resizeCount == 0 { exit(3) }
            if map.count != Int(window) { exit(4) }
            if map.retiredTableCount > 2 * 64 { exit(5) }
            do { try map.checkInvariants() } catch { exit(6) }
        }
    }
    #endif

    #if compiler(>=6.2) && (os(macOS) || os(Linux))
    // An exit test: Swift Testing 6.2 and later, on macOS and Linux only.
    /// Releasing a map unmaps every page it mapped: stripes, tables and pools, after
    /// growth, churn and removals (valgrind cannot see mmap'ed pages, so this is the
    /// exact check). In a child process, so no other test's maps are counted.
    @Test func releasingMapsUnmapsEverything() async {
        await #expect(processExitsWith: .success) {
            _ = LockFreeInt64Map().value(forKey: 0)  // thread record page: process-lifetime
            let baseline = LockFreeInt64Map.mappedByteCount
            do {
                let maps = [LockFreeInt64Map(), LockFreeInt64Map(minimumCapacity: 50_000)]
                for map in maps {
                    for i in Int64(0)..<100_000 { map.insertValue(i, forKey: i &* 0x9E37_79B9) }
                    for i in Int64(0)..<50_000 { map.removeValue(forKey: i &* 0x9E37_79B9) }
                    for i in Int64(0)..<20_000 { map.wrappingAdd(1, forKey: -i) }
                    map.removeAll()
                }
                if LockFreeInt64Map.mappedByteCount <= baseline { exit(2) }  // it did map memory
            }
            if LockFreeInt64Map.mappedByteCount != baseline { exit(1) }
        }
    }
    #endif

    #if compiler(>=6.2) && (os(macOS) || os(Linux))
    // An exit test: Swift Testing 6.2 and later, on macOS and Linux only.
    /// Maps created and released repeatedly return their memory (no growth of the
    /// process's resident size across many maps). In a child process (an exit test), so
    /// that tests running in parallel do not move the measurement.
    @Test(
        .disabled(
            if: TestKnobs.isThreadSanitizer || TestKnobs.isAddressSanitizer,
            "sanitizers keep freed memory in quarantine and shadow memory"))
    func releasedMapsReturnTheirMemory() async {
        await #expect(processExitsWith: .success) {
            // /proc/self/statm's resident pages times the page size on Linux (task_info on Darwin).
            func residentBytes() -> Int { ResidentMemory.bytes() ?? 0 }
            func fillAndRelease() {
                let map = LockFreeInt64Map()
                for i in 0..<100_000 { map.insertValue(Int64(i), forKey: Int64(i)) }
            }
            fillAndRelease()
            let before = residentBytes()
            for _ in 0..<20 { fillAndRelease() }
            let grown = residentBytes() - before
            // Each map holds ~6 MB; 20 leaked maps would be > 100 MB.
            if grown >= 8 << 20 {
                print("resident grew by \(grown) bytes")
                exit(1)
            }
        }
    }
    #endif
}
