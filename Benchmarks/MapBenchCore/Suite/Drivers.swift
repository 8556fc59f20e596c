/// How the suite drives one kind of map: the synchronous adapters through specialized
/// generic code on OS threads, the actor through tasks.
protocol MapDriver {
    /// One map instance.
    associatedtype Instance

    /// A fresh, empty instance (no capacity hint).
    func make() -> Instance
    /// A fresh, empty instance for a prefill of `expectedCount` keys.
    func make(expectedCount: UInt64) -> Instance
    /// Untimed prefill from the calling thread.
    func prefill(_ map: Instance, _ indices: StrideTo<UInt64>)
    /// One timed run.
    func timedRun(
        _ map: Instance, mix: Mix, threads: Int, keySpace: UInt64, zipfRings: [ZipfRing],
        seconds: Double
    ) -> CellRun
    /// One build run.
    func buildRun(_ map: Instance, threads: Int, keys: UInt64) -> CellRun
    /// Entry count (quiescent).
    func count(_ map: Instance) -> Int
    /// How many of `benchKey(0 ..< keys)` are missing or have a value other than the key.
    func wrongEntries(_ map: Instance, keys: UInt64) -> UInt64
    /// The wrapping sum of the values of `benchKey(0 ..< keys)`.
    func valueSum(_ map: Instance, keys: UInt64) -> UInt64
}

/// Drives a synchronous `BenchMap`; every call below reaches code specialized for `M`.
struct SyncDriver<M: BenchMap>: MapDriver {
    /// The runner whose threads and sample memory are reused.
    let runner: ThreadedRunner

    func make() -> M { M() }

    func make(expectedCount: UInt64) -> M { M(expectedCount: expectedCount) }

    func prefill(_ map: M, _ indices: StrideTo<UInt64>) { map.prefill(indices) }

    func timedRun(
        _ map: M, mix: Mix, threads: Int, keySpace: UInt64, zipfRings: [ZipfRing],
        seconds: Double
    ) -> CellRun {
        switch mix {
        case .read:
            return runner.timedRun(
                map, ReadKernel.self, threads: threads, keySpace: keySpace,
                zipfRings: zipfRings, seconds: seconds)
        case .readBatch:
            return runner.timedRun(
                map, ReadBatchKernel.self, threads: threads, keySpace: keySpace,
                zipfRings: zipfRings, seconds: seconds)
        case .counterBatch:
            return runner.timedRun(
                map, CounterBatchKernel.self, threads: threads, keySpace: keySpace,
                zipfRings: zipfRings, seconds: seconds)
        case .read90:
            return runner.timedRun(
                map, Read90Kernel.self, threads: threads, keySpace: keySpace,
                zipfRings: zipfRings, seconds: seconds)
        case .mixed50:
            return runner.timedRun(
                map, Mixed50Kernel.self, threads: threads, keySpace: keySpace,
                zipfRings: zipfRings, seconds: seconds)
        case .counter:
            return runner.timedRun(
                map, CounterKernel.self, threads: threads, keySpace: keySpace,
                zipfRings: zipfRings, seconds: seconds)
        case .churn:
            return runner.timedRun(
                map, ChurnKernel.self, threads: threads, keySpace: keySpace,
                zipfRings: zipfRings, seconds: seconds)
        case .build:
            preconditionFailure("build is not a timed mix")
        }
    }

    func buildRun(_ map: M, threads: Int, keys: UInt64) -> CellRun {
        runner.buildRun(map, threads: threads, keys: keys)
    }

    func count(_ map: M) -> Int { map.count }

    func wrongEntries(_ map: M, keys: UInt64) -> UInt64 {
        var wrong: UInt64 = 0
        for i in 0..<keys {
            let key = benchKey(i)
            if map.get(key) != key { wrong += 1 }
        }
        return wrong
    }

    func valueSum(_ map: M, keys: UInt64) -> UInt64 {
        var sum: UInt64 = 0
        for i in 0..<keys { sum &+= UInt64(bitPattern: map.get(benchKey(i)) ?? 0) }
        return sum
    }
}

/// Drives the actor: each run is T detached tasks; checks run inside the actor in one call.
struct ActorDriver: MapDriver {
    /// The runner whose sample memory is reused.
    let runner: ThreadedRunner

    func make() -> ActorMap { ActorMap() }

    func make(expectedCount: UInt64) -> ActorMap { ActorMap() }

    func prefill(_ map: ActorMap, _ indices: StrideTo<UInt64>) {
        blockingAwait { await map.prefill(indices) }
    }

    func timedRun(
        _ map: ActorMap, mix: Mix, threads: Int, keySpace: UInt64, zipfRings: [ZipfRing],
        seconds: Double
    ) -> CellRun {
        runner.actorTimedRun(
            map, mix: mix, threads: threads, keySpace: keySpace, zipfRings: zipfRings,
            seconds: seconds)
    }

    func buildRun(_ map: ActorMap, threads: Int, keys: UInt64) -> CellRun {
        runner.actorBuildRun(map, threads: threads, keys: keys)
    }

    func count(_ map: ActorMap) -> Int { blockingAwait { await map.count } }

    func wrongEntries(_ map: ActorMap, keys: UInt64) -> UInt64 {
        blockingAwait { await map.wrongEntries(keys: keys) }
    }

    func valueSum(_ map: ActorMap, keys: UInt64) -> UInt64 {
        blockingAwait { await map.valueSum(keys: keys) }
    }
}

extension ActorMap {
    /// How many of `benchKey(0 ..< keys)` are missing or differ from their key.
    func wrongEntries(keys: UInt64) -> UInt64 {
        var wrong: UInt64 = 0
        for i in 0..<keys {
            let key = benchKey(i)
            if get(key) != key { wrong += 1 }
        }
        return wrong
    }

    /// The wrapping sum of the values of `benchKey(0 ..< keys)`.
    func valueSum(keys: UInt64) -> UInt64 {
        var sum: UInt64 = 0
        for i in 0..<keys { sum &+= UInt64(bitPattern: get(benchKey(i)) ?? 0) }
        return sum
    }
}
