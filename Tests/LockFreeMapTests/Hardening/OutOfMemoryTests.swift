@_spi(Testing) import LockFreeMap
import Testing

// Out of memory (docs/DESIGN.md, "Out of memory"): optional work is skipped and the map
// works on; what cannot proceed stops with a message naming the size. The kernel's refusal
// is injected (`injectAllocationFailures`), in child processes: the injection is process-wide.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Out of memory")
struct OutOfMemoryTests {
    #if compiler(>=6.2) && (os(macOS) || os(Linux))
    // An exit test: Swift Testing 6.2 and later, on macOS and Linux only.
    /// Growth and shrinking are skipped while no table can be mapped: every operation still
    /// gives the right result (the tables run at a higher load, then a lower one), and once
    /// memory is back the next writes grow and shrink as usual.
    @Test func growthAndShrinkingAreSkippedAndResume() async {
        await #expect(processExitsWith: .success) {
            // 2,560 buckets a stripe: growth is due past 9,011 entries a stripe (88 % of the
            // slots), and admission refuses keys only past 9,728 (95 %): the 9,300 a stripe
            // inserted here (standard deviation 96: the fullest of 64 stripes gets about
            // 9,540, and past 9,728 only about once in 5,000 runs) fit between.
            let map = LockFreeInt64Map(minimumCapacity: 400_000)
            if map.bucketCount(stripe: 0) != 2_560 { exit(15) }
            _ = map.value(forKey: 0)
            LockFreeInt64Map.injectAllocationFailures(count: Int.max)
            let keys = Int64(64 * 9_300)
            for key in 0..<keys { map[key] = ~key }
            if map.statistics.resizeCount != 0 { exit(1) }
            if LockFreeInt64Map.skippedMigrationCount == 0 { exit(2) }
            if map.statistics.loadFactor <= 3.52 { exit(3) }
            for key in 0..<keys where map[key] != ~key { exit(4) }
            do { try map.checkInvariants() } catch { exit(5) }
            LockFreeInt64Map.injectAllocationFailures(count: 0)
            for key in keys..<(keys + 64 * 50) { map[key] = ~key }  // inserts start growth
            for key in 0..<keys { map.wrappingAdd(0, forKey: key) }  // writes help it finish
            if map.statistics.resizeCount == 0 { exit(6) }
            for key in 0..<(keys + 64 * 50) where map[key] != ~key { exit(7) }
            // Shrinking: removals leave few entries; skipped while mapping fails.
            let resized = map.statistics.resizeCount
            LockFreeInt64Map.injectAllocationFailures(count: Int.max)
            for key in 1_000..<(keys + 64 * 50) { map.removeValue(forKey: key) }
            if map.statistics.resizeCount != resized { exit(8) }
            if map.count != 1_000 { exit(9) }
            for key in Int64(0)..<1_000 where map[key] != ~key { exit(10) }
            do { try map.checkInvariants() } catch { exit(11) }
            LockFreeInt64Map.injectAllocationFailures(count: 0)
            // Removals start shrinking again; later writes finish those migrations.
            for key in Int64(500)..<1_000 { map.removeValue(forKey: key) }
            // Each write moves one chunk; rounds until a shrink is published, at most
            // enough writes for every stripe to move its whole table several times.
            for _ in 0..<400 where map.statistics.resizeCount == resized {
                for key in Int64(0)..<500 { map.wrappingAdd(0, forKey: key) }
            }
            if map.statistics.resizeCount == resized { exit(12) }
            for key in Int64(0)..<500 where map[key] != ~key { exit(13) }
            do { try map.checkInvariants() } catch { exit(14) }
        }
    }
    #endif

    #if compiler(>=6.2) && (os(macOS) || os(Linux))
    // An exit test: Swift Testing 6.2 and later, on macOS and Linux only.
    /// An insert whose table is out of room, when its successor cannot be mapped, stops with
    /// a message that names the size asked for.
    @Test func insertThatCannotProceedStopsWithTheSize() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let map = LockFreeInt64Map()
            _ = map.value(forKey: 0)
            LockFreeInt64Map.injectAllocationFailures(count: Int.max)
            for key in Int64(0)..<1_000_000 { map[key] = key }
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("LockFreeInt64Map: out of memory: could not map "), "\(message)")
        #expect(message.contains(" bytes for a table of "), "\(message)")
    }
    #endif

    #if compiler(>=6.2) && (os(macOS) || os(Linux))
    // An exit test: Swift Testing 6.2 and later, on macOS and Linux only.
    /// A thread's first call needs its record page; if it cannot be mapped the call stops
    /// with a message that names the size.
    @Test func firstCallWithoutRecordMemoryStopsWithTheSize() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let map = LockFreeInt64Map()  // creating a map pins nothing
            LockFreeInt64Map.injectAllocationFailures(count: Int.max)
            _ = map.value(forKey: 0)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(
            message.contains("out of memory: could not map 4096 bytes for a page of thread records")
                || message.contains("bytes for a page of thread records"), "\(message)")
    }
    #endif

    #if compiler(>=6.2) && (os(macOS) || os(Linux))
    // An exit test: Swift Testing 6.2 and later, on macOS and Linux only.
    /// Creating a map whose tables cannot be mapped stops with a message naming the size.
    @Test func creatingAMapWithoutMemoryStopsWithTheSize() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            LockFreeInt64Map.injectAllocationFailures(count: Int.max)
            _ = LockFreeInt64Map(minimumCapacity: 1_000)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("out of memory: could not map "), "\(message)")
    }
    #endif
}
