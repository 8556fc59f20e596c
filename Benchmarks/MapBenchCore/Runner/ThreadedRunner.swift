import _LockFreeMapPlatformSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The start and stop flags of one cell (docs/WORKLOADS.md "Threads and timing"). Atomic
/// words over the package's C shim, not Synchronization's `Atomic`, so that the runner works
/// at the package's floor (macOS 13, iOS 16).
final class RunControl: Sendable {
    /// Workers that are ready to start.
    let ready = AtomicWord(0)
    /// Raised once (to 1), by the main thread, to start all workers together.
    let go = AtomicWord(0)
    /// Raised (to 1) by the main thread after the cell time; workers check it every 64
    /// operations.
    let stop = AtomicWord(0)

    /// Fresh flags.
    init() {}

    /// Called by a worker: announce readiness, then wait for the start flag. Yields the CPU
    /// while waiting: on 2 cores, a spinning worker could keep the main thread from raising it.
    func arriveAndWaitForStart() {
        ready.wrappingAdd(1, ordering: .releasing)
        while go.load(ordering: .acquiring) == 0 { sched_yield() }
    }

    /// Called by the main thread: wait until `workers` are ready, then start them; returns
    /// the start time.
    func startWhenReady(workers: Int) -> UInt64 {
        while ready.load(ordering: .acquiring) < workers { sched_yield() }
        let start = monotonicNanoseconds()
        go.store(1, ordering: .releasing)
        return start
    }
}

/// The timed loop of one worker: 63 untimed operations, then one between two clock reads, then
/// a look at the stop flag. A batch kernel's run is 16 operations: 3 untimed runs, then one
/// timed, whose sample is its time divided by 16 (the amortized time of one key). Specialized per (map, mix, key source); inside, nothing allocates,
/// retains, or calls through an existential or a closure.
@inline(never)
func timedWorker<M: BenchMap, K: MixKernel, S: KeySource>(
    _ map: M, _ kernel: K.Type, keys: S, generator: SplitMix64, control: RunControl, slot: WorkerSlot
) {
    var keys = keys
    var generator = generator
    var tally = Tally()
    var samples = slot.samples
    samples.count = 0
    var operations: UInt64 = 0
    control.arriveAndWaitForStart()
    while control.stop.load(ordering: .relaxed) == 0 {
        for _ in 0..<(64 / K.operationsPerRun - 1) {
            K.run(map, &keys, &generator, &tally)
        }
        let before = monotonicNanoseconds()
        K.run(map, &keys, &generator, &tally)
        let after = monotonicNanoseconds()
        samples.append((after &- before) / UInt64(K.operationsPerRun))
        operations &+= 64
    }
    slot.endNanoseconds = monotonicNanoseconds()
    slot.samples = samples
    slot.operations = operations
    slot.misses = tally.misses
    slot.sink = tally.sink
}

/// One build worker: inserts indexes `range` in order (insert-if-absent, value = key), every
/// 64th timed; a false from insert-if-absent is a miss (the keys are distinct).
@inline(never)
func buildWorker<M: BenchMap>(_ map: M, range: Range<UInt64>, control: RunControl, slot: WorkerSlot) {
    var samples = slot.samples
    samples.count = 0
    var misses: UInt64 = 0
    control.arriveAndWaitForStart()
    var n: UInt64 = 0
    for i in range {
        let key = benchKey(i)
        n &+= 1
        if n & 63 == 0 {
            let before = monotonicNanoseconds()
            let inserted = map.insertIfAbsent(key, forKey: key)
            let after = monotonicNanoseconds()
            samples.append(after &- before)
            if !inserted { misses &+= 1 }
        } else if !map.insertIfAbsent(key, forKey: key) {
            misses &+= 1
        }
    }
    slot.endNanoseconds = monotonicNanoseconds()
    slot.samples = samples
    slot.operations = UInt64(range.count)
    slot.misses = misses
}

/// The outcome of one run of one cell.
struct CellRun {
    /// Throughput and latency.
    var measurement: Measurement
    /// Operations, all threads.
    var operations: UInt64
    /// Misses, all threads.
    var misses: UInt64
}

/// Runs cells on real threads, reusing each thread index's sample memory across cells.
final class ThreadedRunner {
    private var slots: [WorkerSlot] = []

    /// A runner with no slots yet.
    init() {}

    /// Sample room for a timed cell of `seconds`: enough for ~190 M operations per second per
    /// thread (the buffer grows past that, outside the common case).
    static func expectedSamples(seconds: Double) -> Int {
        Int(seconds * 3_000_000) + 4096
    }

    /// The first `threads` slots, reset for `expectedSamples`.
    func prepareSlots(_ threads: Int, expectedSamples: Int) -> [WorkerSlot] {
        while slots.count < threads { slots.append(WorkerSlot(expectedSamples: expectedSamples)) }
        let used = Array(slots[0..<threads])
        for slot in used { slot.reset(expectedSamples: expectedSamples) }
        return used
    }

    /// One timed run of `kernel` on `map` with `threads` workers for `seconds`.
    /// `zipfRings[t]` is thread t's ring when the distribution is zipf, else empty.
    func timedRun<M: BenchMap, K: MixKernel>(
        _ map: M, _ kernel: K.Type, threads: Int, keySpace: UInt64, zipfRings: [ZipfRing], seconds: Double
    ) -> CellRun {
        let control = RunControl()
        let used = prepareSlots(threads, expectedSamples: Self.expectedSamples(seconds: seconds))
        var handles: [pthread_t] = []
        for t in 0..<threads {
            let slot = used[t]
            if zipfRings.isEmpty {
                let keys = UniformKeys(n: keySpace)
                let generator = SplitMix64(seed: UInt64(t))
                handles.append(
                    startThread {
                        timedWorker(map, kernel, keys: keys, generator: generator, control: control, slot: slot)
                    })
            } else {
                let ring = zipfRings[t]
                handles.append(
                    startThread {
                        // The ring is captured, so it outlives the worker's raw pointer into it.
                        withExtendedLifetime(ring) {
                            timedWorker(
                                map, kernel, keys: ZipfRingKeys(ring), generator: ring.generatorAfter,
                                control: control, slot: slot)
                        }
                    })
            }
        }
        let start = control.startWhenReady(workers: threads)
        sleepSeconds(seconds)
        control.stop.store(1, ordering: .relaxed)
        for handle in handles { joinThread(handle) }
        return finish(used, start: start)
    }

    /// One build run: `threads` workers insert their slices of `0 ..< keys` into `map`.
    func buildRun<M: BenchMap>(_ map: M, threads: Int, keys: UInt64) -> CellRun {
        let control = RunControl()
        let used = prepareSlots(threads, expectedSamples: Int(keys / 64) / threads + 4096)
        var handles: [pthread_t] = []
        let t64 = UInt64(threads)
        for t in 0..<threads {
            let slot = used[t]
            let range = keys * UInt64(t) / t64..<keys * UInt64(t + 1) / t64
            handles.append(startThread { buildWorker(map, range: range, control: control, slot: slot) })
        }
        let start = control.startWhenReady(workers: threads)
        for handle in handles { joinThread(handle) }
        return finish(used, start: start)
    }

    /// Sums the workers' slots into the cell's result (threaded and actor runs alike).
    func finish(_ used: [WorkerSlot], start: UInt64) -> CellRun {
        var operations: UInt64 = 0
        var misses: UInt64 = 0
        var sink: Int64 = 0
        for slot in used {
            operations += slot.operations
            misses += slot.misses
            sink &+= slot.sink
        }
        blackHole(sink)
        return CellRun(measurement: summarize(used, startNanoseconds: start), operations: operations, misses: misses)
    }
}

/// Keeps a value observable so that the reads that produced it are not optimized away.
@inline(never)
func blackHole(_ value: Int64) {
    blackHoleSink.store(Int(value), ordering: .relaxed)
}

private let blackHoleSink = AtomicWord(0)
