import Foundation
@_spi(Testing) import LockFreeMap
import Testing
// Tests of the structure itself (not only the API): invariants after random and
// concurrent workloads, growth and minimumCapacity. (Reclamation and release of memory:
// Memory/ReclamationTests.swift.)
import _LockFreeMapTestSupport

@Suite(.serialized) struct StructureTests {
    /// Random operations over a pool that forces growth; invariants hold at rest after.
    /// Seeded from the run's seed (`LOCKFREEMAP_SEED` replays it).
    @Test func invariantsHoldAfterRandomOperations() throws {
        var rng = SeededRandom(seed: TestKnobs.seed, salts: 6)
        let map = LockFreeInt64Map()
        for _ in 0..<50_000 {
            let key = Int64(rng.next() % 20_000) &* 0x1_0000_0001
            switch rng.next() % 4 {
            case 0: map.updateValue(Int64(bitPattern: rng.next()), forKey: key)
            case 1: map.insertValue(1, forKey: key)
            case 2: map.removeValue(forKey: key)
            default: map.wrappingAdd(-1, forKey: key)
            }
        }
        try map.checkInvariants()
        #expect(LockFreeInt64Map.currentThreadPinDepth == 0)
        #expect(map.statistics.resizeCount > 0)
        map.removeAll()
        try map.checkInvariants()
        #expect(map.count == 0)
    }

    /// Threads churn the same small key space; at rest the structure is intact and the
    /// count matches a walk.
    @Test func invariantsHoldAfterConcurrentChurn() throws {
        let map = LockFreeInt64Map()
        let threads = 4
        let done = DispatchGroup()
        for t in 0..<threads {
            done.enter()
            // Each thread's stream starts from the run's seed (`LOCKFREEMAP_SEED` replays the
            // operations; the interleaving is not replayed).
            var stream = SeededRandom(seed: TestKnobs.seed, salts: 7, UInt64(t))
            let start = stream.next()
            Thread.detachNewThread {
                var state = start
                for _ in 0..<40_000 {
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    let key = Int64(state >> 54)  // 1024 keys
                    switch (state >> 40) % 3 {
                    case 0: map.insertValue(key, forKey: key)
                    case 1: map.removeValue(forKey: key)
                    default: _ = map.compareExchange(forKey: key, expected: key, desired: key)
                    }
                }
                done.leave()
            }
        }
        done.wait()
        try map.checkInvariants()
        var walked = 0
        map.forEach { key, value in
            walked += 1
            #expect(key == value)
        }
        #expect(walked == map.count)
        #expect(LockFreeInt64Map.currentThreadPinDepth == 0)
    }

    /// The fence mode matches the build: ThreadSanitizer cannot see membarrier, so a
    /// TSan build must use the symmetric (seq_cst) pins; elsewhere on Linux, membarrier.
    @Test func reclamationModeMatchesBuild() {
        _ = LockFreeInt64Map().value(forKey: 0)
        let mode = LockFreeInt64Map.reclamationMode
        if TestKnobs.isThreadSanitizer {
            #expect(mode == "symmetric")
        } else {
            #expect(mode == "asymmetric" || mode == "symmetric")
        }
        print("LockFreeMap reclamation mode: \(mode)")
    }

    /// The test modes CI relies on are really on when asked for: quarantine with
    /// LOCKFREEMAP_QUARANTINE=1, race widening with LOCKFREEMAP_RACE_WIDENING=1 in a debug
    /// build (a release build compiles the racy sites' yields away). Otherwise a CI pass in
    /// those modes would check nothing more than the plain run.
    @Test func testModesMatchTheEnvironment() {
        let environment = ProcessInfo.processInfo.environment
        #expect(LockFreeInt64Map.quarantineIsOn == (environment["LOCKFREEMAP_QUARANTINE"] == "1"))
        #if DEBUG
        let wideningAsked = environment["LOCKFREEMAP_RACE_WIDENING"] == "1"
        #else
        let wideningAsked = false
        #endif
        #expect(LockFreeInt64Map.raceWideningIsOn == wideningAsked)
    }

    /// A migration left half-done at rest (writers help a chunk of buckets at a time, so
    /// one that has just started is mostly not done) is a legal state: the invariants
    /// hold, `statistics` and `forEach` see every entry exactly once, lookups find every
    /// key, and the next writes finish it.
    @Test func halfDoneMigrationAtRest() throws {
        let map = LockFreeInt64Map(minimumCapacity: 200_000)
        var inserted: Int64 = 0
        // Each stripe starts at 1,280 buckets: stop at the first insert that starts a
        // migration.
        repeat {
            map.insertValue(inserted, forKey: inserted)
            inserted += 1
        } while map.migratingStripeCount == 0
        #expect(map.bucketCount(stripe: 0) == 1_280)
        // Move part of it: every write moves a chunk of 4 of its buckets (a write to its own
        // stripe from the bottom, one to any other stripe from the top), so 100 writes move
        // about 400 of the 1,280.
        for key in Int64(0)..<100 { map.wrappingAdd(0, forKey: key) }
        #expect(map.statistics.migratingStripeCount == 1)
        try map.checkInvariants()
        #expect(map.statistics.entryCount == Int(inserted))
        #expect(map.count == Int(inserted))
        var visits = [Int64: Int](minimumCapacity: Int(inserted))
        map.forEach { key, value in
            visits[key, default: 0] += 1
            #expect(key == value)
        }
        #expect(visits.count == Int(inserted) && visits.values.allSatisfy { $0 == 1 })
        for key in 0..<inserted { #expect(map[key] == key) }
        // Writes finish it: each write moves a chunk of the migrating stripe's buckets.
        for key in 0..<inserted { map.wrappingAdd(0, forKey: key) }
        try map.checkInvariants()
        #expect(map.migratingStripeCount == 0)
        #expect(map.count == Int(inserted))
    }

    /// A map presized for N entries does not grow before it holds N entries.
    @Test func presizedMapDoesNotGrowBelowItsCapacity() {
        for capacity in [1, 100, 10_000, 200_000] {
            let map = LockFreeInt64Map(minimumCapacity: capacity)
            for i in 0..<capacity { map.insertValue(Int64(i), forKey: Int64(i) &* 7_919) }
            #expect(map.statistics.resizeCount == 0, "capacity \(capacity): \(map.statistics)")
        }
    }

    /// Growth from capacity 0 keeps the load at most the documented factors: 3.8 entries per
    /// bucket of 4 (95 %, the admission limit) while a migration may be under way, and 3.52
    /// (88 %, the growth load) once none is; and probes short (`StressSuite.HostileKeys.longestChainBound`).
    @Test func growthKeepsLoadFactorBounded() throws {
        let map = LockFreeInt64Map()
        for i in 0..<300_000 { map.insertValue(Int64(i), forKey: Int64(i)) }
        let stats = map.statistics
        #expect(stats.entryCount == 300_000)
        #expect(stats.loadFactor <= 3.8, "\(stats)")
        #expect(stats.longestChain <= StressSuite.HostileKeys.longestChainBound, "\(stats)")
        while map.migratingStripeCount > 0 {
            for i in 0..<1_000 { map.wrappingAdd(0, forKey: Int64(i)) }  // each write moves a chunk
        }
        #expect(map.statistics.loadFactor <= 3.52, "\(map.statistics)")
        try map.checkInvariants()
    }
}
