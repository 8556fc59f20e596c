import Synchronization
import Testing
import _LockFreeMapTestSupport

@testable import MapBenchCore

/// Every baseline must behave as a map, or its figures compare nothing. Model-based: a seeded
/// random sequence of operations through the `BenchMap` protocol, each result compared with a
/// plain Dictionary, over a small key pool biased to edge values (so keys collide, get removed
/// and come back, and the readmostly map promotes and expunges).
@Suite(.serialized) struct AdapterTests {
    static let syncMaps: [MapKind] = MapKind.allCases.filter { $0 != .actor }
    static let threadSafeMaps: [MapKind] = syncMaps.filter { $0 != .dictionary }

    static let edgeKeys: [Int64] = [0, -1, 1, Int64.min, Int64.max, Int64.min + 1, Int64.max - 1, 42]

    static func key(_ g: inout SplitMix64, pool: Int) -> Int64 {
        let r = g.next()
        return r & 1 == 0
            ? edgeKeys[Int(reduce(r >> 1, UInt64(edgeKeys.count)))]
            : Int64(reduce(g.next(), UInt64(pool)))
    }

    static func modelCheck<M: BenchMap>(_ type: M.Type, seed: UInt64, operations: Int) {
        let map = M()
        var model: [Int64: Int64] = [:]
        var g = SplitMix64(seed: seed)
        let context = "map \(M.name), LOCKFREEMAP_SEED=\(seed)"
        for step in 0..<operations {
            let key = key(&g, pool: 24)
            let value = Int64(bitPattern: g.next())
            switch reduce(g.next(), 5) {
            case 0:
                #expect(map.get(key) == model[key], "get, step \(step), \(context)")
            case 1:
                #expect(
                    map.update(value, forKey: key) == model.updateValue(value, forKey: key),
                    "update, step \(step), \(context)")
            case 2:
                let expected = model[key] == nil
                if expected { model[key] = value }
                #expect(map.insertIfAbsent(value, forKey: key) == expected, "insertIfAbsent, step \(step), \(context)")
            case 3:
                #expect(map.remove(key) == model.removeValue(forKey: key), "remove, step \(step), \(context)")
            default:
                let delta = Int64(bitPattern: g.next() >> 1) - Int64.max / 2
                let expected = (model[key] ?? 0) &+ delta
                model[key] = expected
                #expect(map.add(delta, forKey: key) == expected, "add, step \(step), \(context)")
            }
        }
        #expect(map.count == model.count, "count, \(context)")
        for (key, value) in model { #expect(map.get(key) == value, "final contents, \(context)") }
    }

    static func withAdapter(_ kind: MapKind, _ body: (any BenchMap.Type) -> Void) {
        switch kind {
        case .lockfree: body(LockFreeAdapter.self)
        case .lockfreePresized: body(PresizedLockFreeAdapter.self)
        case .rwlock: body(RWLockAdapter.self)
        case .mutex, .sharded, .readmostly, .snapshot:
            // Synchronization's baselines: not on macOS 13-14 / iOS 16-17 (`MapKind.isAvailable`).
            guard #available(macOS 15, iOS 18, tvOS 18, visionOS 2, *) else { return }
            switch kind {
            case .mutex: body(MutexAdapter.self)
            case .sharded: body(ShardedAdapter.self)
            case .readmostly: body(ReadMostlyAdapter.self)
            default: body(SnapshotAdapter.self)
            }
        case .dictionary: body(DictionaryAdapter.self)
        case .actor: Issue.record("the actor has its own tests")
        }
    }

    @Test(arguments: syncMaps)
    func behavesLikeADictionary(kind: MapKind) {
        let operations = TestKnobs.scaled(short: 3000, long: 200_000)
        Self.withAdapter(kind) { type in
            func run<M: BenchMap>(_ t: M.Type) {
                Self.modelCheck(t, seed: TestKnobs.seed, operations: operations)
            }
            run(type)
        }
    }

    @Test(arguments: syncMaps)
    func prefillInsertsKeyEqualsValue(kind: MapKind) {
        Self.withAdapter(kind) { type in
            func run<M: BenchMap>(_ t: M.Type) {
                let map = M()
                map.prefill(stride(from: 0, to: 200, by: 2))
                #expect(map.count == 100)
                #expect(map.get(benchKey(4)) == benchKey(4))
                #expect(map.get(benchKey(5)) == nil)
            }
            run(type)
        }
    }

    /// Two threads add 1 to a handful of keys, starting from an empty map (so the first adds
    /// race to insert): every add must count, exactly.
    @Test(arguments: threadSafeMaps)
    func twoThreadCounterLosesNoAdd(kind: MapKind) {
        if underThreadSanitizer && mutexGuardedMaps.contains(kind) { return }  // see mutexGuardedMaps
        let perThread = TestKnobs.scaled(short: kind == .snapshot ? 400 : 2000, long: 100_000)
        let keys: [Int64] = [0, -1, Int64.min, Int64.max, 7, 8, 9, 10]
        Self.withAdapter(kind) { type in
            func run<M: BenchMap>(_ t: M.Type) {
                let map = M()
                OSThreads.run(count: 2) { _ in
                    for i in 0..<perThread { _ = map.add(1, forKey: keys[i % keys.count]) }
                }
                let total = keys.reduce(Int64(0)) { $0 + (map.get($1) ?? 0) }
                #expect(total == Int64(2 * perThread), "map \(M.name)")
                #expect(map.count == keys.count, "map \(M.name)")
            }
            run(type)
        }
    }

    @available(macOS 15, iOS 18, tvOS 18, visionOS 2, *)
    @Test func dictionaryIsSingleThreadOnly() {
        #expect(DictionaryAdapter.maxThreads == 1)
        #expect(MapKind.dictionary.maxThreads == 1)
        #expect(MutexAdapter.maxThreads > 2)
    }

    @available(macOS 15, iOS 18, tvOS 18, visionOS 2, *)
    @Test func snapshotSkipsWriteMixesOnlyAboveItsLimit() {
        #expect(SnapshotAdapter.skipReason(mix: .read, keys: 10_000_000) == nil)
        #expect(SnapshotAdapter.skipReason(mix: .mixed50, keys: 10_000) == nil)
        #expect(SnapshotAdapter.skipReason(mix: .mixed50, keys: 10_001) != nil)
        #expect(SnapshotAdapter.skipReason(mix: .build, keys: 1_000_000) != nil)
    }

    // MARK: actor

    @Test func actorBehavesLikeADictionary() async {
        let seed = TestKnobs.seed
        let map = ActorMap()
        var model: [Int64: Int64] = [:]
        var g = SplitMix64(seed: seed)
        for step in 0..<TestKnobs.scaled(short: 2000, long: 50_000) {
            let key = Self.key(&g, pool: 24)
            let value = Int64(bitPattern: g.next())
            let context = "step \(step), LOCKFREEMAP_SEED=\(seed)"
            switch reduce(g.next(), 5) {
            case 0: #expect(await map.get(key) == model[key], "\(context)")
            case 1: #expect(await map.update(value, forKey: key) == model.updateValue(value, forKey: key), "\(context)")
            case 2:
                let expected = model[key] == nil
                if expected { model[key] = value }
                #expect(await map.insertIfAbsent(value, forKey: key) == expected, "\(context)")
            case 3: #expect(await map.remove(key) == model.removeValue(forKey: key), "\(context)")
            default:
                let expected = (model[key] ?? 0) &+ value
                model[key] = expected
                #expect(await map.add(value, forKey: key) == expected, "\(context)")
            }
        }
        #expect(await map.count == model.count)
    }

    @Test func actorTwoTaskCounterLosesNoAdd() async {
        let map = ActorMap()
        let perTask = TestKnobs.scaled(short: 2000, long: 100_000)
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    for i in 0..<perTask { _ = await map.add(1, forKey: Int64(i % 8)) }
                }
            }
        }
        var total: Int64 = 0
        for k in 0..<8 { total += await map.get(Int64(k)) ?? 0 }
        #expect(total == Int64(2 * perTask))
    }
}

/// Counts live instances, to watch the epoch reclaimer free what it was given.
@available(macOS 15, iOS 18, tvOS 18, visionOS 2, *)
final class Tracked: @unchecked Sendable {
    static let live = Atomic<Int>(0)
    init() { Self.live.wrappingAdd(1, ordering: .relaxed) }
    deinit { Self.live.wrappingAdd(-1, ordering: .relaxed) }
}

/// A second counter, so that one test's leftovers being freed cannot move the other's count.
@available(macOS 15, iOS 18, tvOS 18, visionOS 2, *)
final class TrackedWhilePinned: @unchecked Sendable {
    static let live = Atomic<Int>(0)
    init() { Self.live.wrappingAdd(1, ordering: .relaxed) }
    deinit { Self.live.wrappingAdd(-1, ordering: .relaxed) }
}

@Suite(.serialized) struct EpochReclaimerTests {
    /// Retired objects are freed while the program runs, not piled up: with no reader pinned
    /// for long, at most a few collection batches stay alive.
    @available(macOS 15, iOS 18, tvOS 18, visionOS 2, *)
    @Test func retiredObjectsAreFreedAndBounded() {
        let reclaimer = EpochReclaimer.shared
        let before = Tracked.live.load(ordering: .relaxed)
        for _ in 0..<5000 {
            reclaimer.pin()
            let object = Unmanaged<AnyObject>.passRetained(Tracked())
            reclaimer.unpin()
            reclaimer.retire(.object(object))
        }
        let alive = Tracked.live.load(ordering: .relaxed) - before
        // Without reclamation all 5000 would be alive; other suites' threads pinning now and then
        // may delay a few batches, hence the loose bound.
        #expect(alive <= 1000, "\(alive) retired objects still alive")
    }

    /// An object retired while another thread is pinned survives until that thread unpins.
    @available(macOS 15, iOS 18, tvOS 18, visionOS 2, *)
    @Test func pinnedReaderKeepsRetiredObjectsAlive() {
        let reclaimer = EpochReclaimer.shared
        let pinned = Atomic<Bool>(false)
        let release = Atomic<Bool>(false)
        let reader = startThread {
            reclaimer.pin()
            pinned.store(true, ordering: .releasing)
            while !release.load(ordering: .acquiring) { sched_yieldShim() }
            reclaimer.unpin()
        }
        while !pinned.load(ordering: .acquiring) { sched_yieldShim() }
        let before = TrackedWhilePinned.live.load(ordering: .relaxed)
        for _ in 0..<1000 { reclaimer.retire(.object(Unmanaged<AnyObject>.passRetained(TrackedWhilePinned()))) }
        // The reader pinned before any of these were retired: none may be freed yet.
        #expect(TrackedWhilePinned.live.load(ordering: .relaxed) - before == 1000)
        release.store(true, ordering: .releasing)
        joinThread(reader)
        for _ in 0..<4 * EpochReclaimer.collectEvery {
            reclaimer.retire(.object(Unmanaged<AnyObject>.passRetained(TrackedWhilePinned())))
        }
        #expect(TrackedWhilePinned.live.load(ordering: .relaxed) - before < 1000)
    }
}
