import Synchronization

/// `sharded`: 64 `Mutex<[Int64: Int64]>` shards, each on its own pair of cache lines; the
/// shard is the top 6 bits of fmix64(key), as in the peers' `absl_shard64` (which uses
/// shared mutexes; ours are plain mutexes, since `Mutex` has no shared mode).
@available(macOS 15, iOS 18, tvOS 18, visionOS 2, *)
final class ShardedAdapter: BenchMap, @unchecked Sendable {
    // Safety: each shard's dictionary is only reached through its own Mutex; the shard
    // array is written in init and freed in deinit only.

    /// Number of shards (a power of two; the shard index is the hash's top bits).
    static let shardCount = 64
    /// Bytes between shards: two 64-byte lines, so that the adjacent-line prefetcher does not
    /// pair two shards' locks either.
    static let shardStride = 128

    private let base: UnsafeMutableRawPointer

    init() {
        precondition(MemoryLayout<Mutex<[Int64: Int64]>>.size <= Self.shardStride)
        base = .allocate(byteCount: Self.shardCount * Self.shardStride, alignment: Self.shardStride)
        for i in 0..<Self.shardCount {
            (base + i * Self.shardStride)
                .bindMemory(to: Mutex<[Int64: Int64]>.self, capacity: 1)
                .initialize(to: Mutex([:]))
        }
    }

    deinit {
        for i in 0..<Self.shardCount {
            (base + i * Self.shardStride)
                .assumingMemoryBound(to: Mutex<[Int64: Int64]>.self)
                .deinitialize(count: 1)
        }
        base.deallocate()
    }

    static var name: String { "sharded" }

    @inline(__always)
    private func shard(_ key: Int64) -> UnsafeMutablePointer<Mutex<[Int64: Int64]>> {
        let index = Int(truncatingIfNeeded: fmix64(UInt64(bitPattern: key)) >> 58)
        return (base + index * Self.shardStride).assumingMemoryBound(to: Mutex<[Int64: Int64]>.self)
    }

    @inline(__always) func get(_ key: Int64) -> Int64? { shard(key).pointee.withLock { $0[key] } }

    @inline(__always) func update(_ value: Int64, forKey key: Int64) -> Int64? {
        shard(key).pointee.withLock { $0.updateValue(value, forKey: key) }
    }

    @inline(__always) func insertIfAbsent(_ value: Int64, forKey key: Int64) -> Bool {
        shard(key).pointee.withLock { $0.insertIfAbsent(value, forKey: key) }
    }

    @inline(__always) func remove(_ key: Int64) -> Int64? {
        shard(key).pointee.withLock { $0.removeValue(forKey: key) }
    }

    @inline(__always) func add(_ delta: Int64, forKey key: Int64) -> Int64 {
        shard(key).pointee.withLock { $0.wrappingAdd(delta, forKey: key) }
    }

    var count: Int {
        var total = 0
        for i in 0..<Self.shardCount {
            total += (base + i * Self.shardStride)
                .assumingMemoryBound(to: Mutex<[Int64: Int64]>.self)
                .pointee.withLock { $0.count }
        }
        return total
    }
}
