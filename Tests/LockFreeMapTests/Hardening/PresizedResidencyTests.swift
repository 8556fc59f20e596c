@_spi(Testing) import LockFreeMap
import Testing
import _LockFreeMapPlatformSupport
import _LockFreeMapTestSupport

// A presized map is address space, touched only as entries arrive: its bucket arrays are
// advised against transparent huge pages until they are dense (docs/DESIGN.md, "Huge
// pages"). Before, 5,000 inserts into a map presized for 20,000,000 made 1 GiB resident.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Presized residency")
struct PresizedResidencyTests {
    #if compiler(>=6.2) && (os(macOS) || os(Linux))
    // An exit test: Swift Testing 6.2 and later, on macOS and Linux only.
    @Test(.disabled(if: TestKnobs.isInstrumented, "sanitizers and valgrind add their own resident memory"))
    func sparsePresizedMapStaysSmallInResidentMemory() async {
        await #expect(processExitsWith: .success) {
            guard let start = ResidentMemory.bytes() else {
                print("skipped: no resident-memory reading on this platform")
                return
            }
            let map = LockFreeInt64Map(minimumCapacity: 20_000_000)
            var random = SeededRandom(seed: 20_000_000)
            for _ in 0..<5_000 { map[Int64(bitPattern: random.next())] = 1 }
            guard let end = ResidentMemory.bytes() else { exit(2) }
            // 5,000 random 4 KiB pages are about 20 MiB; 2 MiB huge pages would be 1 GiB+.
            let grown = end - start
            print("resident grew by \(grown >> 20) MiB")
            if grown > 160 << 20 { exit(1) }
            if map.count != 5_000 { exit(3) }
        }
    }
    #endif
}
