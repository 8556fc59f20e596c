import Testing

@testable import MapBenchCore

/// A map that records every operation it is asked for, in order (single-threaded use only).
/// It keeps the default batch calls of `BenchMap` (a loop over `get` / `add`).
final class RecordingMap: BenchMap, @unchecked Sendable {
    enum Operation: Equatable {
        case get(Int64)
        case add(Int64, Int64)
    }

    var log: [Operation] = []
    var storage: [Int64: Int64] = [:]

    init() {}

    static var name: String { "recording" }

    func get(_ key: Int64) -> Int64? {
        log.append(.get(key))
        return storage[key]
    }

    func update(_ value: Int64, forKey key: Int64) -> Int64? { storage.updateValue(value, forKey: key) }

    func insertIfAbsent(_ value: Int64, forKey key: Int64) -> Bool {
        if storage[key] != nil { return false }
        storage[key] = value
        return true
    }

    func remove(_ key: Int64) -> Int64? { storage.removeValue(forKey: key) }

    func add(_ delta: Int64, forKey key: Int64) -> Int64 {
        log.append(.add(delta, key))
        let new = (storage[key] ?? 0) &+ delta
        storage[key] = new
        return new
    }

    var count: Int { storage.count }
}

/// The batch kernels perform the same operations as the single-key ones: the same draws, in
/// the same order, one key per operation, with the same tallies; and the lockfree adapter's
/// batch calls (the map's own) give what its single-key calls give.
@Suite struct BatchKernelTests {
    /// Runs `K` `runs` times on `map` with thread 0's draws; returns the tally and the generator.
    static func run<K: MixKernel, M: BenchMap>(_ kernel: K.Type, _ map: M, runs: Int, keySpace: UInt64) -> (
        Tally, SplitMix64
    ) {
        var keys = UniformKeys(n: keySpace)
        var generator = SplitMix64(seed: 0)
        var tally = Tally()
        for _ in 0..<runs { K.run(map, &keys, &generator, &tally) }
        return (tally, generator)
    }

    @Test func batchKernelsRunSixteenOperationsEach() {
        #expect(ReadBatchKernel.operationsPerRun == 16 && CounterBatchKernel.operationsPerRun == 16)
        #expect(ReadKernel.operationsPerRun == 1 && CounterKernel.operationsPerRun == 1)
        #expect(64 % ReadBatchKernel.operationsPerRun == 0, "the stop flag stays every 64 operations")
    }

    @Test(arguments: [(Mix.read, Mix.readBatch), (Mix.counter, Mix.counterBatch)])
    func batchKernelDoesWhatTheSingleKeyKernelDoes(single: Mix, batch: Mix) {
        let keySpace: UInt64 = 100  // small: draws repeat keys within a batch
        let one = RecordingMap()
        let sixteen = RecordingMap()
        one.prefill(stride(from: 0, to: keySpace - 10, by: 1))  // 10 absent keys: misses counted alike
        sixteen.prefill(stride(from: 0, to: keySpace - 10, by: 1))
        let runs = 200
        let (a, ga): (Tally, SplitMix64)
        let (b, gb): (Tally, SplitMix64)
        if single == .read {
            (a, ga) = Self.run(ReadKernel.self, one, runs: runs * 16, keySpace: keySpace)
            (b, gb) = Self.run(ReadBatchKernel.self, sixteen, runs: runs, keySpace: keySpace)
        } else {
            (a, ga) = Self.run(CounterKernel.self, one, runs: runs * 16, keySpace: keySpace)
            (b, gb) = Self.run(CounterBatchKernel.self, sixteen, runs: runs, keySpace: keySpace)
        }
        #expect(one.log.count == runs * 16)
        #expect(one.log == sixteen.log, "same operations, same keys, same order")
        #expect(one.storage == sixteen.storage)
        #expect(a.misses == b.misses && a.sink == b.sink)
        if single == .read { #expect(a.misses > 0, "the absent keys were drawn") }
        var x = ga
        var y = gb
        #expect(x.next() == y.next(), "the same number of draws")
    }

    @Test(arguments: [(Mix.read, Mix.readBatch), (Mix.counter, Mix.counterBatch)])
    func lockFreeBatchCallsMatchItsSingleKeyCalls(single: Mix, batch: Mix) {
        let keySpace: UInt64 = 1000
        let one = LockFreeAdapter(expectedCount: keySpace)
        let sixteen = LockFreeAdapter(expectedCount: keySpace)
        one.prefill(stride(from: 0, to: keySpace - 10, by: 1))
        sixteen.prefill(stride(from: 0, to: keySpace - 10, by: 1))
        let runs = 500
        let (a, b): (Tally, Tally)
        if single == .read {
            a = Self.run(ReadKernel.self, one, runs: runs * 16, keySpace: keySpace).0
            b = Self.run(ReadBatchKernel.self, sixteen, runs: runs, keySpace: keySpace).0
        } else {
            a = Self.run(CounterKernel.self, one, runs: runs * 16, keySpace: keySpace).0
            b = Self.run(CounterBatchKernel.self, sixteen, runs: runs, keySpace: keySpace).0
        }
        #expect(a.misses == b.misses && a.sink == b.sink)
        for i in 0..<keySpace { #expect(one.get(benchKey(i)) == sixteen.get(benchKey(i))) }
        #expect(one.count == sixteen.count)
    }
}
