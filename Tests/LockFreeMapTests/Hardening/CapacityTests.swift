@_spi(Testing) import LockFreeMap
import Testing
import _LockFreeMapTestSupport

// Capacities: a presized map does not grow before it holds its capacity, from 1 entry to
// 100,000, on random keys (each stripe is sized for its share plus six standard deviations);
// bad capacities stop with a message that survives release builds (also checked on a release
// build by .ci/release-messages.sh).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Capacity")
struct CapacityTests {
    @Test(arguments: [1, 2, 3, 5, 8, 13, 64, 100, 500, 1_000, 2_000, 4_000, 10_000, 30_000, 100_000])
    func presizedMapDoesNotGrowBeforeItsCapacityOnRandomKeys(capacity: Int) {
        var random = SeededRandom(seed: TestKnobs.seed, salts: UInt64(capacity))
        for _ in 0..<(capacity <= 4_000 ? 20 : 3) {
            let map = LockFreeInt64Map(minimumCapacity: capacity)
            var inserted = 0
            while inserted < capacity {
                if map.insertValue(0, forKey: Int64(bitPattern: random.next())).inserted { inserted += 1 }
            }
            #expect(
                map.statistics.resizeCount == 0, "capacity \(capacity): grew at \(inserted) entries: \(map.statistics)")
        }
    }

    @Test func maximumCapacityIsDocumentedBound() {
        #expect(LockFreeInt64Map.maximumCapacity == 1 << 40)
    }

    #if compiler(>=6.2) && (os(macOS) || os(Linux))
    // An exit test: Swift Testing 6.2 and later, on macOS and Linux only.
    @Test func negativeCapacityStopsWithItsMessage() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = LockFreeInt64Map(minimumCapacity: -1)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(
            message.contains("LockFreeInt64Map.init(minimumCapacity:): minimumCapacity must be >= 0, got -1"),
            "\(message)")
    }
    #endif

    #if compiler(>=6.2) && (os(macOS) || os(Linux))
    // An exit test: Swift Testing 6.2 and later, on macOS and Linux only.
    @Test(arguments: [Int.max, 1 << 45, (1 << 40) + 1])
    func hugeCapacityStopsWithItsMessage(capacity: Int) async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) { [capacity] in
            _ = LockFreeInt64Map(minimumCapacity: capacity)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("minimumCapacity must be at most 1099511627776"), "\(message)")
    }
    #endif
}
