import Dispatch
import _LockFreeMapPlatformSupport

/// The key source of an actor worker: the async path dispatches on it at run time (an actor
/// hop costs far more than the branch), while the synchronous maps keep their specialized loop.
enum AnyKeySource {
    case uniform(UniformKeys)
    case zipf(ZipfRingKeys)

    @inline(__always)
    mutating func nextIndex(_ generator: inout SplitMix64) -> UInt64 {
        switch self {
        case .uniform(var keys):
            let index = keys.nextIndex(&generator)
            self = .uniform(keys)
            return index
        case .zipf(var keys):
            let index = keys.nextIndex(&generator)
            self = .zipf(keys)
            return index
        }
    }
}

/// One operation of `mix` on the actor, drawn exactly as the synchronous kernels draw it.
func actorOperation(
    _ map: ActorMap, _ mix: Mix, _ keys: inout AnyKeySource, _ generator: inout SplitMix64, _ tally: inout Tally
) async {
    let key = benchKey(keys.nextIndex(&generator))
    switch mix {
    case .read, .readBatch:
        // The actor has no batch call: a batch mix loops over its 16 keys, one per operation.
        let value = await map.get(key)
        if value != key { tally.misses &+= 1 }
        tally.sink &+= value ?? 0
    case .read90, .mixed50:
        let c = generator.next()
        if reduce(c, 100) < (mix == .read90 ? 90 : 50) {
            if let value = await map.get(key) { tally.sink &+= value } else { tally.misses &+= 1 }
        } else if await map.update(Int64(bitPattern: c), forKey: key) == nil {
            tally.misses &+= 1
        }
    case .counter, .counterBatch:
        tally.sink &+= await map.add(1, forKey: key)
    case .churn:
        let percent = reduce(generator.next(), 100)
        if percent < 50 {
            tally.sink &+= await map.get(key) == nil ? 0 : 1
        } else if percent < 75 {
            tally.sink &+= await map.insertIfAbsent(key, forKey: key) ? 1 : 0
        } else {
            tally.sink &+= await map.remove(key) == nil ? 0 : 1
        }
    case .build:
        preconditionFailure("build has its own worker")
    }
}

/// The timed loop of one actor task: the same 63 + 1 timed structure as `timedWorker`.
func actorTimedWorker(
    _ map: ActorMap, mix: Mix, keys: AnyKeySource, generator: SplitMix64, control: RunControl, slot: WorkerSlot
) async {
    var keys = keys
    var generator = generator
    var tally = Tally()
    var samples = slot.samples
    samples.count = 0
    var operations: UInt64 = 0
    control.ready.wrappingAdd(1, ordering: .releasing)
    // Task.yield, not sched_yield: more tasks than pool threads must still all get to start.
    while control.go.load(ordering: .acquiring) == 0 { await Task.yield() }
    while control.stop.load(ordering: .relaxed) == 0 {
        for _ in 0..<63 {
            await actorOperation(map, mix, &keys, &generator, &tally)
        }
        let before = monotonicNanoseconds()
        await actorOperation(map, mix, &keys, &generator, &tally)
        let after = monotonicNanoseconds()
        samples.append(after &- before)
        operations &+= 64
    }
    slot.endNanoseconds = monotonicNanoseconds()
    slot.samples = samples
    slot.operations = operations
    slot.misses = tally.misses
    slot.sink = tally.sink
}

/// One build task: inserts `range` in order, every 64th timed.
func actorBuildWorker(_ map: ActorMap, range: Range<UInt64>, control: RunControl, slot: WorkerSlot) async {
    var samples = slot.samples
    samples.count = 0
    var misses: UInt64 = 0
    control.ready.wrappingAdd(1, ordering: .releasing)
    while control.go.load(ordering: .acquiring) == 0 { await Task.yield() }
    var n: UInt64 = 0
    for i in range {
        let key = benchKey(i)
        n &+= 1
        if n & 63 == 0 {
            let before = monotonicNanoseconds()
            let inserted = await map.insertIfAbsent(key, forKey: key)
            let after = monotonicNanoseconds()
            samples.append(after &- before)
            if !inserted { misses &+= 1 }
        } else if await !map.insertIfAbsent(key, forKey: key) {
            misses &+= 1
        }
    }
    slot.endNanoseconds = monotonicNanoseconds()
    slot.samples = samples
    slot.operations = UInt64(range.count)
    slot.misses = misses
}

extension ThreadedRunner {
    /// One timed run on the actor: `threads` detached tasks, the main thread timing them.
    func actorTimedRun(
        _ map: ActorMap, mix: Mix, threads: Int, keySpace: UInt64, zipfRings: [ZipfRing], seconds: Double
    ) -> CellRun {
        let control = RunControl()
        let used = prepareSlots(threads, expectedSamples: Self.expectedSamples(seconds: seconds))
        let finished = DispatchSemaphore(value: 0)
        for t in 0..<threads {
            let slot = used[t]
            let ring = zipfRings.isEmpty ? nil : zipfRings[t]
            Task.detached {
                if let ring {
                    await actorTimedWorker(
                        map, mix: mix, keys: .zipf(ZipfRingKeys(ring)),
                        generator: ring.generatorAfter, control: control, slot: slot)
                    // The worker read the ring through a raw pointer: keep it alive until here.
                    withExtendedLifetime(ring) {}
                } else {
                    await actorTimedWorker(
                        map, mix: mix, keys: .uniform(UniformKeys(n: keySpace)),
                        generator: SplitMix64(seed: UInt64(t)), control: control, slot: slot)
                }
                finished.signal()
            }
        }
        let start = control.startWhenReady(workers: threads)
        sleepSeconds(seconds)
        control.stop.store(1, ordering: .relaxed)
        for _ in 0..<threads { finished.wait() }
        return finish(used, start: start)
    }

    /// One build run on a fresh actor.
    func actorBuildRun(_ map: ActorMap, threads: Int, keys: UInt64) -> CellRun {
        let control = RunControl()
        let used = prepareSlots(threads, expectedSamples: Int(keys / 64) / threads + 4096)
        let finished = DispatchSemaphore(value: 0)
        let t64 = UInt64(threads)
        for t in 0..<threads {
            let slot = used[t]
            let range = keys * UInt64(t) / t64..<keys * UInt64(t + 1) / t64
            Task.detached {
                await actorBuildWorker(map, range: range, control: control, slot: slot)
                finished.signal()
            }
        }
        let start = control.startWhenReady(workers: threads)
        for _ in 0..<threads { finished.wait() }
        return finish(used, start: start)
    }
}

/// Holds an async result for a synchronous caller.
final class AsyncResultBox<T>: @unchecked Sendable {
    // Safety: written once by the task before it signals; read after the wait.
    var value: T?
}

/// Runs `body` on the cooperative pool and blocks the calling thread (never a pool thread:
/// the suite's main thread or a test's own thread) until it returns.
func blockingAwait<T>(_ body: @escaping @Sendable () async -> T) -> T {
    let box = AsyncResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        box.value = await body()
        done.signal()
    }
    done.wait()
    return box.value!
}
