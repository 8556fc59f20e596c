import LockFreeMap
import Testing
import _LockFreeMapTestSupport

extension StressSuite {
    /// Lock-freedom made observable: one worker at a time is frozen at an arbitrary instruction
    /// by a signal whose handler sleeps, and the other workers must keep completing operations
    /// during every such pause. A negative control (a Mutex-guarded Dictionary) shows that the
    /// same harness does detect a blocking map.
    ///
    /// The two lock-free tests fail against any blocking implementation, as they must: they
    /// failed against the temporary Mutex'd-Dictionary scaffold this suite was written against.
    ///
    /// Skipped under ThreadSanitizer (`TestKnobs.isThreadSanitizer`): TSan delivers signals only at its own
    /// safe points, so pauses no longer land at arbitrary instructions, and it does not see the
    /// Synchronization module's `Mutex` on Linux, so the negative control reports false races.
    /// The plain debug run and the AddressSanitizer run (`.ci/asan.sh`) cover these tests.
    @Suite(
        "Progress under a paused thread",
        .disabled(
            if: TestKnobs.isThreadSanitizer,
            "TSan defers signals to safe points and cannot see Mutex (see the suite's doc comment)"))
    struct Progress {
        /// Summarizes observations for a failure message or the log.
        static func summary(_ observations: [PauseObservation]) -> String {
            let counted = observations.filter(\.counts)
            let undelivered = observations.filter { !$0.delivered }.count
            let overran = observations.filter { $0.delivered && !$0.windowInsidePause }.count
            let excused = observations.filter { $0.delivered && $0.windowInsidePause && $0.inSystemLibrary }.count
            let starved = observations.filter {
                $0.delivered && $0.windowInsidePause && !$0.inSystemLibrary && $0.othersStarved
            }.count
            let least = counted.map(\.othersProgress).min() ?? 0
            return "\(observations.count) pauses: \(counted.count) counted (fewest ops by the others: \(least)), "
                + "\(excused) excused (victim in the C library), \(starved) excused (others not scheduled), "
                + "\(overran) windows overran the pause, \(undelivered) not delivered"
        }

        /// Checks the lock-free verdict: at least half of the `target` pauses measured (the rest
        /// may be excused or spoiled by a loaded machine), and none with zero progress.
        static func expectProgressDuringEveryPause(_ observations: [PauseObservation], target: Int) {
            let counted = observations.filter(\.counts)
            print("[progress] \(summary(observations))")
            #expect(
                counted.count * 2 >= target,
                "too few pauses could be measured: \(summary(observations)); \(TestKnobs.replayHint)")
            let stalls = counted.filter(\.isStall)
            #expect(
                stalls.isEmpty,
                """
                the other workers completed no operation while one was paused (not lock-free):
                \(stalls.map(\.description).joined(separator: "\n"))
                \(summary(observations)); \(TestKnobs.replayHint)
                """)
        }

        // Stresses: progress of the other threads while one is frozen anywhere inside a mixed
        // read/insert/remove/add operation on a map at steady size.
        @Test("Lock-free: others progress while a worker is paused (mixed operations)")
        func othersProgressDuringPausesMixed() async {
            var configuration = PauseHarnessConfiguration()
            configuration.pausesPerRound = TestKnobs.stressScaled(30, long: 500)
            configuration.workload = .mixed
            configuration.seed = TestKnobs.seed
            let observations = await onOSThread { [configuration] in
                PauseHarness.run(configuration) { LockFreeInt64Map() }
            }
            Self.expectProgressDuringEveryPause(observations, target: configuration.pausesPerRound)
        }

        // Stresses: progress while the frozen thread may be in the middle of a resize (a fresh
        // map from capacity 0 per round, workers inserting ever-new keys): growth must never
        // wait for one thread (resize is where mature maps lost updates and stalled: xsync#109, cht#29).
        @Test("Lock-free: others progress while a worker is paused during growth")
        func othersProgressDuringPausesWhileGrowing() async {
            var configuration = PauseHarnessConfiguration()
            configuration.rounds = TestKnobs.stressScaled(6, long: 100)
            configuration.pausesPerRound = 5
            configuration.workload = .growth
            configuration.seed = TestKnobs.seed
            let observations = await onOSThread { [configuration] in
                PauseHarness.run(configuration) { LockFreeInt64Map() }
            }
            Self.expectProgressDuringEveryPause(
                observations, target: configuration.rounds * configuration.pausesPerRound)
        }

        // Stresses the harness itself: against a map that holds a lock for most of each
        // operation, some pause must land inside the critical section and stall everyone else.
        // If this control passes no stall, the lock-free tests above prove nothing.
        @available(macOS 15, iOS 18, tvOS 18, visionOS 2, *)  // the subject uses Synchronization
        @Test("Negative control: the harness detects a stall in a Mutex-guarded Dictionary")
        func harnessDetectsStallInMutexMap() async {
            var configuration = PauseHarnessConfiguration()
            configuration.pausesPerRound = 30
            configuration.stopAtFirstStall = true
            configuration.workload = .mixed
            configuration.seed = TestKnobs.seed
            let observations = await onOSThread { [configuration] in
                PauseHarness.run(configuration) { MutexDictionaryProgressSubject() }
            }
            print("[progress control] \(Self.summary(observations))")
            #expect(
                observations.contains { $0.isStall },
                "no stall detected against a blocking map: \(Self.summary(observations)); \(TestKnobs.replayHint)")
        }

        // Stresses the harness the other way: against a trivially lock-free subject whose writes
        // also allocate and free across threads, it must report no stall. A failure here means
        // the harness (or the excusal of pauses in the C library) gives false alarms.
        @available(macOS 15, iOS 18, tvOS 18, visionOS 2, *)  // the subject uses Synchronization
        @Test("Positive control: the harness finds no stall in a lock-free stand-in")
        func harnessFindsNoStallInLockFreeStandIn() async {
            var configuration = PauseHarnessConfiguration()
            configuration.pausesPerRound = TestKnobs.stressScaled(20, long: 200)
            configuration.workload = .mixed
            configuration.seed = TestKnobs.seed
            let observations = await onOSThread { [configuration] in
                PauseHarness.run(configuration) { AtomicSlotsProgressSubject() }
            }
            Self.expectProgressDuringEveryPause(observations, target: configuration.pausesPerRound)
        }
    }
}
