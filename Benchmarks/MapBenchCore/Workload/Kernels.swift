// One operation of each mix, as the native peers' `do_op`, generic over
// the map and the key source so that the timed loop is specialized per (map, mix, source).

/// Where an operation's key index comes from.
protocol KeySource {
    /// The next index, drawing from `generator` when the source needs a draw.
    mutating func nextIndex(_ generator: inout SplitMix64) -> UInt64
}

/// Uniform: `reduce(next(), n)`.
struct UniformKeys: KeySource {
    /// Size of the index space (K, or 2K for churn).
    let n: UInt64

    @inline(__always)
    mutating func nextIndex(_ generator: inout SplitMix64) -> UInt64 { reduce(generator.next(), n) }
}

/// Zipf: the thread's pre-drawn ring of ranks, cycled; draws nothing from the generator.
struct ZipfRingKeys: KeySource {
    /// The ranks (kept alive by the caller for the whole cell).
    let ranks: UnsafePointer<UInt32>
    /// Next position (wraps with a mask).
    var position = 0

    /// Keys from `ring`, starting at its first rank.
    init(_ ring: ZipfRing) { ranks = UnsafePointer(ring.ranks) }

    @inline(__always)
    mutating func nextIndex(_ generator: inout SplitMix64) -> UInt64 {
        let rank = ranks[position & (ZipfRing.size - 1)]
        position &+= 1
        return UInt64(rank)
    }
}

/// What the operations of one worker observed.
struct Tally {
    /// Operations that missed a key the workload guarantees is present (or, for read, found
    /// a value other than the key).
    var misses: UInt64 = 0
    /// Everything read, folded together.
    var sink: Int64 = 0
}

#if compiler(>=6.2)
/// What a kernel's metatype must be to cross into the worker threads: SendableMetatype
/// (SE-0470, Swift 6.2), which 6.2 requires of a type whose metatype is sent.
typealias MixKernelMetatype = SendableMetatype
#else
/// Before Swift 6.2 every metatype is Sendable and `SendableMetatype` does not exist: nothing
/// to require.
protocol MixKernelMetatype {}
#endif

/// One operation of a mix.
protocol MixKernel: MixKernelMetatype {
    /// The mix it implements.
    static var mix: Mix { get }
    /// Draws the key (and the op choice), performs the operation, records what it saw.
    static func run<M: BenchMap, S: KeySource>(
        _ map: M, _ keys: inout S, _ generator: inout SplitMix64, _ tally: inout Tally)
    /// Operations one `run` performs (1; `Mix.batchSize` for the batch mixes).
    static var operationsPerRun: Int { get }
}

extension MixKernel {
    static var operationsPerRun: Int { 1 }
}

/// read: get; must find value == key.
enum ReadKernel: MixKernel {
    static var mix: Mix { .read }
    @inline(__always)
    static func run<M: BenchMap, S: KeySource>(
        _ map: M, _ keys: inout S, _ generator: inout SplitMix64, _ tally: inout Tally
    ) {
        let key = benchKey(keys.nextIndex(&generator))
        let value = map.get(key)
        if value != key { tally.misses &+= 1 }
        tally.sink &+= value ?? 0
    }
}

/// The get/update mixes: a second draw c picks the operation (`reduce(c, 100) < percent`
/// reads) and is itself the value an update writes.
@inline(__always)
func getOrUpdate<M: BenchMap, S: KeySource>(
    _ map: M, _ keys: inout S, _ generator: inout SplitMix64, _ tally: inout Tally, readPercent: UInt64
) {
    let key = benchKey(keys.nextIndex(&generator))
    let c = generator.next()
    if reduce(c, 100) < readPercent {
        if let value = map.get(key) { tally.sink &+= value } else { tally.misses &+= 1 }
    } else {
        if map.update(Int64(bitPattern: c), forKey: key) == nil { tally.misses &+= 1 }
    }
}

/// read90: 90 % get, 10 % update.
enum Read90Kernel: MixKernel {
    static var mix: Mix { .read90 }
    @inline(__always)
    static func run<M: BenchMap, S: KeySource>(
        _ map: M, _ keys: inout S, _ generator: inout SplitMix64, _ tally: inout Tally
    ) {
        getOrUpdate(map, &keys, &generator, &tally, readPercent: 90)
    }
}

/// mixed50: 50 % get, 50 % update.
enum Mixed50Kernel: MixKernel {
    static var mix: Mix { .mixed50 }
    @inline(__always)
    static func run<M: BenchMap, S: KeySource>(
        _ map: M, _ keys: inout S, _ generator: inout SplitMix64, _ tally: inout Tally
    ) {
        getOrUpdate(map, &keys, &generator, &tally, readPercent: 50)
    }
}

/// counter: add 1 to a present key. (Whether every key stayed present is checked after the
/// cell, from the count: `add` inserts an absent key.)
enum CounterKernel: MixKernel {
    static var mix: Mix { .counter }
    @inline(__always)
    static func run<M: BenchMap, S: KeySource>(
        _ map: M, _ keys: inout S, _ generator: inout SplitMix64, _ tally: inout Tally
    ) {
        let key = benchKey(keys.nextIndex(&generator))
        tally.sink &+= map.add(1, forKey: key)
    }
}

/// churn over 2K keys: 50 % get, 25 % insert-if-absent(key, key), 25 % remove.
enum ChurnKernel: MixKernel {
    static var mix: Mix { .churn }
    @inline(__always)
    static func run<M: BenchMap, S: KeySource>(
        _ map: M, _ keys: inout S, _ generator: inout SplitMix64, _ tally: inout Tally
    ) {
        let key = benchKey(keys.nextIndex(&generator))
        let percent = reduce(generator.next(), 100)
        if percent < 50 {
            tally.sink &+= map.get(key) == nil ? 0 : 1
        } else if percent < 75 {
            tally.sink &+= map.insertIfAbsent(key, forKey: key) ? 1 : 0
        } else {
            tally.sink &+= map.remove(key) == nil ? 0 : 1
        }
    }
}

/// Draws `Mix.batchSize` key indexes, in the order the single-key kernel draws them, into a
/// buffer on the stack and calls `body` with the keys.
@inline(__always)
func withBatchOfKeys<S: KeySource>(
    _ keys: inout S, _ generator: inout SplitMix64, _ body: (UnsafeBufferPointer<Int64>) -> Void
) {
    withUnsafeTemporaryAllocation(of: Int64.self, capacity: Mix.batchSize) { batch in
        for j in 0..<Mix.batchSize { batch.initializeElement(at: j, to: benchKey(keys.nextIndex(&generator))) }
        body(UnsafeBufferPointer(batch))
    }
}

/// read_batch: `read`'s draws, 16 at a time, one `getBatch`; each key must have value == key.
enum ReadBatchKernel: MixKernel {
    static var mix: Mix { .readBatch }
    static var operationsPerRun: Int { Mix.batchSize }
    @inline(__always)
    static func run<M: BenchMap, S: KeySource>(
        _ map: M, _ keys: inout S, _ generator: inout SplitMix64, _ tally: inout Tally
    ) {
        withBatchOfKeys(&keys, &generator) { batch in
            withUnsafeTemporaryAllocation(of: Int64.self, capacity: Mix.batchSize) { values in
                withUnsafeTemporaryAllocation(of: Bool.self, capacity: Mix.batchSize) { found in
                    _ = map.getBatch(batch, into: values, found: found)
                    for j in 0..<Mix.batchSize {
                        // As ReadKernel: a miss is an absent key or a value other than the key.
                        if !found[j] || values[j] != batch[j] { tally.misses &+= 1 }
                        if found[j] { tally.sink &+= values[j] }
                    }
                }
            }
        }
    }
}

/// counter_batch: `counter`'s draws, 16 at a time, one `addBatch` of 1.
enum CounterBatchKernel: MixKernel {
    static var mix: Mix { .counterBatch }
    static var operationsPerRun: Int { Mix.batchSize }
    @inline(__always)
    static func run<M: BenchMap, S: KeySource>(
        _ map: M, _ keys: inout S, _ generator: inout SplitMix64, _ tally: inout Tally
    ) {
        withBatchOfKeys(&keys, &generator) { batch in
            withUnsafeTemporaryAllocation(of: Int64.self, capacity: Mix.batchSize) { newValues in
                map.addBatch(1, batch, into: newValues)
                for j in 0..<Mix.batchSize { tally.sink &+= newValues[j] }
            }
        }
    }
}
