import _LockFreeMapPlatformSupport
import _LockFreeMapTestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What the pause harness's workers do.
enum PauseWorkload: Sendable {
    /// Reads, put-if-absent, removes and adds over a prefilled key space of 4,096 keys.
    case mixed
    /// Mostly inserts of ever-new keys into a map created with capacity 0, so the table keeps
    /// growing through every pause (a fresh map each round restarts growth from nothing).
    case growth
}

/// How the pause harness runs.
struct PauseHarnessConfiguration: Sendable {
    /// Worker threads. Three or more on two cores: when one is paused, two can still run.
    var workerCount = 3
    /// Rounds, each with a fresh subject and fresh workers.
    var rounds = 1
    /// Pauses per round that must count (see `PauseObservation.counts`); at most three times as
    /// many are sent.
    var pausesPerRound = 10
    /// How long the handler keeps the victim paused.
    var pauseNanoseconds = 100_000_000
    /// The measured window inside each pause: it starts once the victim is known to be in the
    /// handler and must end before the victim resumes for the observation to count. Well below
    /// the pause length, so a late wake-up of the controller on a loaded machine rarely spoils
    /// it; long enough (tens of scheduler slices) that two runnable workers on a busy machine
    /// are all but certain to get some processor time in it.
    var windowNanoseconds = 40_000_000
    /// Stop at the first observation that counts as a stall (for the negative control).
    var stopAtFirstStall = false
    /// The workers' operations.
    var workload = PauseWorkload.mixed
    /// The seed of the workers' random choices and of the victim choice.
    var seed: UInt64 = 0
}

/// One pause and what the other workers did during it.
struct PauseObservation: Sendable, CustomStringConvertible {
    /// The worker that was paused.
    var victim: Int
    /// Whether the handler ran within a second of the signal. (ThreadSanitizer defers signals to
    /// its own safe points, so it may be late; a pause that never starts is not a measurement.)
    var delivered: Bool
    /// Whether the victim was still paused when the window closed (the window was inside the pause).
    var windowInsidePause: Bool
    /// Operations the other workers completed during the window.
    var othersProgress: Int
    /// The measured window's length.
    var windowNanoseconds: Int
    /// Where the victim was interrupted: "library(symbol)".
    var location: String
    /// Whether the victim was interrupted inside the C library or the loader (see `PauseHarness`).
    var inSystemLibrary: Bool
    /// CPU time the other workers got during the window.
    var othersCPUNanoseconds = 0
    /// Whether, in a window without progress, the others were all runnable but got (almost) no
    /// processor time: the machine was busy with other work, so the window says nothing.
    var othersStarved = false

    /// Whether this pause is a measurement of the subject: delivered, window inside the pause,
    /// not excused by the victim being inside the C library, others not starved of processor.
    var counts: Bool { delivered && windowInsidePause && !inSystemLibrary && !othersStarved }

    /// Whether the others made no progress during a counted window.
    var isStall: Bool { counts && othersProgress == 0 }

    /// A one-line account of this pause.
    var description: String {
        "victim \(victim) at \(location): others did \(othersProgress) ops in \(windowNanoseconds / 1_000_000) ms"
            + " using \(othersCPUNanoseconds / 1_000_000) ms of CPU"
            + (delivered ? "" : " [not delivered]") + (windowInsidePause ? "" : " [window overran the pause]")
            + (inSystemLibrary ? " [in the C library: excused]" : "")
            + (othersStarved ? " [others runnable but not scheduled: excused]" : "")
    }
}

/// Pauses one worker at a time at an arbitrary instruction and measures whether the others
/// complete operations meanwhile, the definition of lock-freedom made observable: a thread
/// stopped anywhere must not stop the others (docs/API.md, "Progress").
///
/// A pause whose victim was interrupted inside the C library (`libc.so`, the loader) or a
/// sanitizer runtime is excused, not counted: there it may hold one of the allocator's arena
/// locks, and another thread that frees memory of that arena must wait. That is the system
/// allocator's blocking, outside the map's code; the map's own instructions, and the Swift
/// runtime's, are never excused.
enum PauseHarness {
    /// Runs the configured rounds against subjects made by `makeSubject` and returns every
    /// observation. Blocks the calling thread (call it inside `onOSThread`).
    static func run(
        _ configuration: PauseHarnessConfiguration,
        makeSubject: @Sendable () -> any ProgressSubject
    ) -> [PauseObservation] {
        PauseSignal.install()
        PauseSignal.setPauseLength(nanoseconds: configuration.pauseNanoseconds)
        var observations: [PauseObservation] = []
        var random = SeededRandom(seed: configuration.seed, salts: UInt64(1_000))
        for round in 0..<configuration.rounds {
            let subject = makeSubject()
            if configuration.workload == .mixed {
                for key in 0..<Int64(2_048) { subject.updateValue(key, forKey: key) }
            }
            let progress = StressCounters(count: configuration.workerCount)
            let threadIDs = StressCounters(count: configuration.workerCount)
            let stop = StressFlag()
            let workers = OSThreads(
                (0..<configuration.workerCount).map { worker in
                    {
                        threadIDs[worker].store(currentThreadID(), ordering: .releasing)
                        work(
                            subject, worker: worker, configuration: configuration,
                            stream: round * 64 + worker, progress: progress, stop: stop)
                    }
                })
            let team = PauseTeam(
                threads: workers,
                statPaths: (0..<configuration.workerCount).map { worker in
                    while threadIDs[worker].load(ordering: .acquiring) == 0 { sched_yield() }
                    return ThreadActivity.stateSource(threadID: threadIDs[worker].load(ordering: .acquiring))
                }, progress: progress)
            sleep(nanoseconds: 5_000_000)  // let the workers get going (and the map start growing)
            // Pause until enough pauses count (excused or spoiled ones do not), within a budget.
            var counted = 0
            for _ in 0..<configuration.pausesPerRound * 3 where counted < configuration.pausesPerRound {
                let victim = random.index(below: configuration.workerCount)
                let observation = observePause(of: victim, in: team, configuration: configuration)
                observations.append(observation)
                if observation.counts { counted += 1 }
                if configuration.stopAtFirstStall, observation.isStall { break }
                sleep(nanoseconds: 5_000_000)  // the victim runs normally for a while between pauses
            }
            stop.raise()
            workers.join()
            if configuration.stopAtFirstStall, observations.contains(where: \.isStall) { break }
        }
        return observations
    }

    /// One worker's loop: operations until `stop`, counting each completed one. It allocates
    /// nothing itself (the generator is a value; the counter was allocated up front).
    private static func work(
        _ subject: any ProgressSubject, worker: Int, configuration: PauseHarnessConfiguration,
        stream: Int, progress: StressCounters, stop: StressFlag
    ) {
        PauseSignal.unblockOnCurrentThread()
        var random = SeededRandom(seed: configuration.seed, salts: UInt64(stream))
        var completed = 0
        var nextFreshKey = Int64(worker)
        let counter = progress[worker]
        while !stop.isRaised {
            switch configuration.workload {
            case .mixed:
                let key = Int64(random.index(below: 4_096))
                switch random.index(below: 10) {
                case 0..<5: _ = subject.value(forKey: key)
                case 5, 6: subject.insertValue(key, forKey: key)
                case 7, 8: subject.removeValue(forKey: key)
                default: subject.wrappingAdd(1, forKey: key)
                }
            case .growth:
                if random.index(below: 4) != 0 {
                    subject.insertValue(nextFreshKey, forKey: nextFreshKey)
                    nextFreshKey += Int64(configuration.workerCount)  // workers' keys are disjoint
                } else {
                    _ = subject.value(forKey: Int64(random.index(below: Int(nextFreshKey) + 1)))
                }
            }
            completed += 1
            counter.store(completed, ordering: .relaxed)  // only this worker writes it
        }
    }

    /// The workers of one round, as the controller sees them.
    private struct PauseTeam {
        /// The worker threads, in worker order.
        var threads: OSThreads
        /// Where their scheduler states are read (`/proc` stat files on Linux), in worker order.
        var statPaths: [ThreadActivity.StateSource]
        /// Their completed-operation counters.
        var progress: StressCounters

        /// CPU time consumed so far by every worker but `excluded`.
        func cpuNanoseconds(excluding excluded: Int) -> Int {
            threads.handles.indices.reduce(0) { total, worker in
                worker == excluded ? total : total + ThreadActivity.cpuNanoseconds(threads.handles[worker])
            }
        }

        /// Whether every worker but `excluded` is runnable (state 'R') right now.
        func allRunnable(excluding excluded: Int) -> Bool {
            statPaths.indices.allSatisfy {
                $0 == excluded || ThreadActivity.state(of: statPaths[$0]) == UInt8(ascii: "R")
            }
        }
    }

    /// Pauses `victim` once and measures the others' progress inside the pause.
    private static func observePause(
        of victim: Int, in team: PauseTeam,
        configuration: PauseHarnessConfiguration
    ) -> PauseObservation {
        let workers = team.threads
        let progress = team.progress
        let enteredBefore = PauseSignal.enteredCount
        let exitedBefore = PauseSignal.exitedCount
        precondition(enteredBefore == exitedBefore, "a previous pause is still in progress")
        var observation = PauseObservation(
            victim: victim, delivered: false, windowInsidePause: false,
            othersProgress: 0, windowNanoseconds: 0, location: "?",
            inSystemLibrary: false)
        precondition(PauseSignal.pause(workers.handles[victim]), "pthread_kill failed")
        let sentAt = now()
        while PauseSignal.enteredCount == enteredBefore, now() - sentAt < 1_000_000_000 {
            sleep(nanoseconds: 50_000)
        }
        if PauseSignal.enteredCount != enteredBefore {
            observation.delivered = true
            let startCount = progress.sum(excluding: victim)
            let startCPU = team.cpuNanoseconds(excluding: victim)
            let start = now()
            sleep(nanoseconds: configuration.windowNanoseconds)
            let endCount = progress.sum(excluding: victim)
            let endCPU = team.cpuNanoseconds(excluding: victim)
            observation.windowNanoseconds = now() - start
            observation.othersProgress = endCount - startCount
            observation.othersCPUNanoseconds = endCPU - startCPU
            if observation.othersProgress == 0 {
                // Blocked on a lock, the others sleep ('S'); spinning on one, they burn CPU.
                // Runnable with next to no CPU means the scheduler gave them none: no verdict.
                observation.othersStarved =
                    observation.othersCPUNanoseconds < 1_000_000
                    && team.allRunnable(excluding: victim)
            }
            observation.windowInsidePause = PauseSignal.exitedCount == exitedBefore
        }
        // Never leave a pause in flight: the next one, or the end of the test, must find none.
        let waitStart = now()
        while PauseSignal.exitedCount == exitedBefore {
            precondition(now() - waitStart < 30_000_000_000, "a paused worker never resumed")
            sleep(nanoseconds: 100_000)
        }
        if observation.delivered {
            // Only after the pause: reading and parsing allocates, and the victim may have been
            // paused holding an allocator lock.
            (observation.location, observation.inSystemLibrary) = CodeLocation.locate(
                PauseSignal.lastInterruptedAddress)
        }
        return observation
    }

    /// Monotonic time in nanoseconds.
    static func now() -> Int {
        Int(truncatingIfNeeded: MonotonicClock.nanoseconds())
    }

    /// Sleeps the calling thread (a plain `nanosleep`; resumes after a signal interrupts it).
    static func sleep(nanoseconds: Int) {
        var request = timespec(tv_sec: nanoseconds / 1_000_000_000, tv_nsec: nanoseconds % 1_000_000_000)
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
    }
}
