import LockFreeMap
import _LockFreeMapPlatformSupport
import _LockFreeMapTestSupport

/// The churn workload of the memory test and the verdict on its resident-memory curve. It runs
/// inside an exit-test child process (see `MemoryTests`), so the curve belongs to this workload
/// alone, not to whatever other tests the parent process runs at the same time.
enum ChurnMemoryProbe {
    /// How the churn is sized.
    struct Plan {
        /// Writer threads; writer w owns the keys 2i + w, so their keys never collide.
        var writerCount = 2
        /// Insert/remove steps per writer: each inserts key i and removes key i - window.
        var stepsPerWriter = TestKnobs.stressScaled(1_000_000, long: 15_000_000)
        /// Keys each writer keeps live: the map's size stays at writerCount * window.
        var window = 8_192
        /// Resident-memory samples taken over the run (by writer 0, evenly spaced).
        var sampleCount = 64
        /// Allowed growth of the second half of the curve over the plateau: the larger of this
        /// many bytes and a tenth of the plateau. A map that leaks 32 bytes per removal
        /// grows by about 32 MB over the second half of the default run, so 8 MiB catches it
        /// while leaving room for allocator noise (arena growth, a late table resize).
        var allowedGrowthBytes = 8 << 20
    }

    /// What the run measured.
    struct Outcome {
        /// Resident bytes at each sample, in order.
        var samples: [Int] = []
        /// Wrong results seen (a removal that did not return the value its writer inserted,
        /// a final count other than the live window).
        var failures: [String] = []
        /// The largest sample of the second quarter (after the map reached its working size).
        var plateau = 0
        /// How far the second half rose above the plateau.
        var growth = 0
        /// The bound `growth` was held to.
        var bound = 0

        /// Whether the curve levelled off and every result was right.
        var passed: Bool { failures.isEmpty && growth <= bound }

        /// The curve in MiB, for the log.
        var curve: String {
            samples.map(Self.mebibytes).joined(separator: " ")
        }

        /// Bytes as MiB with one decimal.
        static func mebibytes(_ bytes: Int) -> String {
            "\(bytes >> 20).\(((bytes & ((1 << 20) - 1)) * 10) >> 20)"
        }
    }

    /// Runs the churn and judges the curve.
    static func run(_ plan: Plan = Plan()) -> Outcome {
        let map = LockFreeInt64Map()
        let samples = ThreadSlots<[Int]>(count: 1)
        let failures = ThreadSlots<[String]>(count: plan.writerCount + 1)
        let writersDone = StressCounters(count: 1)
        let sampleEvery = max(1, plan.stepsPerWriter / plan.sampleCount)
        var bodies: [@Sendable () -> Void] = (0..<plan.writerCount).map { writer in
            {
                var found: [String] = []
                var taken: [Int] = []
                taken.reserveCapacity(plan.sampleCount + 1)
                for step in 0..<plan.stepsPerWriter {
                    let key = Int64(step * plan.writerCount + writer)
                    map.updateValue(key &* 3, forKey: key)
                    if step >= plan.window {
                        let old = key - Int64(plan.window * plan.writerCount)
                        let removed = map.removeValue(forKey: old)
                        if removed != old &* 3, found.count < 5 {
                            found.append("writer \(writer): removing \(old) returned \(String(describing: removed))")
                        }
                    }
                    if writer == 0, step % sampleEvery == sampleEvery - 1 {
                        taken.append(ResidentMemory.bytes() ?? 0)
                    }
                }
                writersDone[0].wrappingAdd(1, ordering: .releasing)
                if writer == 0 { samples[0] = taken }
                failures[writer] = found
            }
        }
        // A reader looking up recent keys, so that reclamation runs against concurrent readers
        // (a reader pinning old memory is exactly what can keep garbage alive).
        bodies.append {
            var random = SeededRandom(seed: TestKnobs.seed)
            var lookups = 0
            while writersDone[0].load(ordering: .acquiring) < plan.writerCount {
                _ = map[Int64(random.index(below: plan.stepsPerWriter * plan.writerCount))]
                lookups += 1
            }
            failures[plan.writerCount] = lookups > 0 ? [] : ["the reader never ran"]
        }
        OSThreads.run(bodies)

        var outcome = Outcome()
        outcome.samples = samples.values[0]
        outcome.failures = failures.values.flatMap { $0 }
        let live = plan.writerCount * min(plan.window, plan.stepsPerWriter)
        if map.count != live { outcome.failures.append("count \(map.count) after the churn, expected \(live)") }
        let quarter = outcome.samples.count / 4
        guard quarter > 0, !outcome.samples.contains(0) else {
            outcome.failures.append("could not sample /proc/self/statm")
            return outcome
        }
        outcome.plateau = outcome.samples[quarter..<2 * quarter].max()!
        outcome.growth = max(0, outcome.samples[(2 * quarter)...].max()! - outcome.plateau)
        outcome.bound = max(plan.allowedGrowthBytes, outcome.plateau / 10)
        return outcome
    }
}
