import Foundation
// LinearizabilityRounds, running: starts the worker threads, plays each round's scripts
// between two barriers, records every operation, and has thread 0 read each round key
// while the others wait (the observer reads). Histories come back through ThreadSlots and
// are checked after the join (LinearizabilityRounds+Check.swift).
import _LockFreeMapTestSupport

extension LinearizabilityRounds {
    /// Runs `configuration` against maps from `makeMap` and checks every key history.
    static func run(_ configuration: Configuration, makeMap: @escaping @Sendable () -> any MapUnderTest) async
        -> Outcome
    {
        precondition(configuration.maxOperationsPerKey <= 64, "keep key histories small for the search")
        let rounds = makeRounds(configuration)
        let mapCount = (configuration.rounds + configuration.roundsPerMap - 1) / configuration.roundsPerMap
        let maps = (0..<mapCount).map { _ in makeMap() }
        let barrier = SpinBarrier(parties: configuration.threads)
        let observer = configuration.threads
        // Slot t: worker t's histories, one per round; slot `observer`: thread 0's reads.
        let recorded = ThreadSlots<[[RecordedOperation]]>(count: configuration.threads + 1)
        let meanInterval = configuration.preemptionIntervalMicroseconds

        // Not released together by OSThreads: the workers meet at `barrier` before each round.
        await onOSThread {
            OSThreads.run(count: configuration.threads, startTogether: false) { thread in
                var rng = SeededRandom(
                    seed: TestKnobs.seed, salts: configuration.seed, UInt64(configuration.firstRound), UInt64(thread))
                let preemption =
                    meanInterval > 0
                    ? PreemptionTimer(intervalMicroseconds: meanInterval / 2 + rng.index(below: meanInterval + 1))
                    : nil
                var perRound: [[RecordedOperation]] = []
                var observed: [[RecordedOperation]] = []
                var fillerCounter = 0
                for (index, round) in rounds.enumerated() {
                    let mapIndex = index / configuration.roundsPerMap
                    let map = maps[mapIndex]
                    if index % configuration.roundsPerMap == 0 { fillerCounter = 0 }
                    var recorder = HistoryRecorder(thread: thread, capacity: round.scripts[thread].count)
                    barrier.wait()
                    for step in round.scripts[thread] {
                        switch step.pause {
                        case .none: break
                        case .spin(let iterations): spin(iterations)
                        case .yield: sched_yield()
                        }
                        recorder.record(step.operation, on: map)
                        for _ in 0..<step.fillers {
                            map.updateValue(
                                Int64(fillerCounter),
                                forKey: fillerKey(map: mapIndex, thread: thread, counter: fillerCounter))
                            fillerCounter += 1
                        }
                    }
                    barrier.wait()
                    if thread == 0 {
                        // Quiescent: every worker is at the next round's barrier.
                        var reads = HistoryRecorder(thread: observer, capacity: round.keys.count)
                        for key in round.keys { reads.record(.value(forKey: key), on: map) }
                        observed.append(reads.operations)
                    }
                    perRound.append(recorder.operations)
                }
                recorded[thread] = perRound
                if thread == 0 { recorded[observer] = observed }
                preemption?.stop()
            }
        }

        let histories = recorded.values
        var outcome = check(rounds: rounds, histories: histories, configuration: configuration)
        outcome.lostFillers = lostFillers(rounds: rounds, maps: maps, configuration: configuration)
        return outcome
    }

    /// Busy work the optimizer cannot remove, to shift a thread by a few hundred ns.
    private static func spin(_ iterations: Int) {
        var accumulator = 0
        for index in 0..<iterations { accumulator &+= index }
        withExtendedLifetime(accumulator) {}
    }
}
