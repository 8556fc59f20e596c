import LockFreeMap
import Testing
import _LockFreeMapTestSupport

extension StressSuite.Memory {
    // Stresses: deinit of maps in every shape (empty, pre-sized and unused, grown and full,
    // cleared, refilled). Functional checks here; `.ci/valgrind.sh` runs this test under
    // valgrind and requires 0 bytes definitely lost, `.ci/asan.sh` under AddressSanitizer.
    @Test("Release: maps of every shape free what they allocated at deinit")
    func releaseMapsOfEveryShapeAtDeinit() {
        let entries = TestKnobs.stressScaled(100_000, long: 2_000_000)
        do { _ = LockFreeInt64Map() }
        do {
            let presized = LockFreeInt64Map(minimumCapacity: entries)
            #expect(presized.isEmpty)
        }
        do {
            let grown = LockFreeInt64Map()
            for key in 0..<Int64(entries) { grown[key] = ~key }
            #expect(grown.count == entries)
            #expect(grown[Int64(entries - 1)] == ~Int64(entries - 1))
            // Dropped while full: deinit must free every entry and table.
        }
        do {
            let cleared = LockFreeInt64Map()
            for key in 0..<Int64(entries) { cleared.insertValue(key, forKey: key &* 7_919) }
            cleared.removeAll()
            #expect(cleared.count == 0)
            for key in 0..<Int64(entries / 2) { cleared.updateValue(key, forKey: -key) }
            for key in 0..<Int64(entries / 4) { cleared.removeValue(forKey: -key) }
            #expect(cleared.count == entries / 2 - entries / 4)
        }
    }

    // Stresses: reclamation while threads run (removed entries and replaced tables freed while
    // readers may still hold them) followed by deinit. Under ASan a reader touching freed memory
    // aborts the run; under valgrind every removed entry must end up freed, not lost.
    @Test("Release: concurrent churn, then removeAll and deinit, frees everything")
    func releaseAfterConcurrentChurn() async {
        let steps = TestKnobs.stressScaled(200_000, long: 5_000_000)
        let keySpace = 50_000
        let seed = TestKnobs.seed
        let map = LockFreeInt64Map()
        let writersDone = StressCounters(count: 1)
        let strayKeysSeen = await onOSThread { () -> Int in
            let visits = ThreadSlots<Int>(count: 1)  // the reader's count of stray keys
            var bodies: [@Sendable () -> Void] = (0..<2).map { writer in
                {
                    var random = SeededRandom(seed: seed, salts: UInt64(writer))
                    for _ in 0..<steps {
                        let key = Int64(random.index(below: keySpace))
                        switch random.index(below: 4) {
                        case 0: map.removeValue(forKey: key)
                        case 1: map.wrappingAdd(1, forKey: key)
                        case 2: map.updateValue(key, forKey: key)
                        default: map.insertValue(key, forKey: key)
                        }
                    }
                    writersDone[0].wrappingAdd(1, ordering: .releasing)
                }
            }
            bodies.append {
                var strays = 0
                repeat {
                    map.forEach { key, _ in if key < 0 || key >= Int64(keySpace) { strays += 1 } }
                } while writersDone[0].load(ordering: .acquiring) < 2
                visits[0] = strays
            }
            OSThreads.run(bodies)
            return visits.values[0]
        }
        #expect(strayKeysSeen == 0, "forEach saw keys nobody wrote")
        var visited = 0
        map.forEach { key, _ in
            visited += 1
            #expect((0..<Int64(keySpace)).contains(key))
        }
        #expect(map.count == visited)
        map.removeAll()
        #expect(map.isEmpty)
    }
}
