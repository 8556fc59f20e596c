import Foundation
import Testing

@testable import MapBenchCore

/// The timed runners, run for a few milliseconds: they must count operations, find every key
/// the workload guarantees, and leave exactly the keys build inserted. No timing assertions.
@Suite(.serialized) struct RunnerTests {
    let seconds = 0.02

    @Test(arguments: [Mix.read, .readBatch, .read90, .mixed50, .counter, .counterBatch])
    func timedMixesFindEveryKey(mix: Mix) {
        let runner = ThreadedRunner()
        // rwlock: a pthread lock, which ThreadSanitizer understands (see mutexGuardedMaps).
        let driver = SyncDriver<RWLockAdapter>(runner: runner)
        let map = driver.make()
        driver.prefill(map, stride(from: 0, to: 1000, by: 1))
        for dist in mix.hasZipf ? [Distribution.uniform, .zipf] : [.uniform] {
            let rings =
                dist == .zipf
                ? [
                    ZipfRing(zipf: ZipfGenerator(n: 1000), thread: 0),
                    ZipfRing(zipf: ZipfGenerator(n: 1000), thread: 1),
                ] : []
            let run = driver.timedRun(map, mix: mix, threads: 2, keySpace: 1000, zipfRings: rings, seconds: seconds)
            #expect(run.operations > 0)
            #expect(run.operations % 64 == 0)
            #expect(run.misses == 0)
            #expect(run.measurement.mops > 0)
            #expect(run.measurement.p50 <= run.measurement.p99 && run.measurement.p99 <= run.measurement.p999)
        }
        #expect(driver.count(map) == 1000)
    }

    @Test func counterAddsExactlyOnePerOperation() {
        let runner = ThreadedRunner()
        let driver = SyncDriver<LockFreeAdapter>(runner: runner)
        let map = driver.make()
        driver.prefill(map, stride(from: 0, to: 1000, by: 1))
        let before = driver.valueSum(map, keys: 1000)
        let run = driver.timedRun(map, mix: .counter, threads: 2, keySpace: 1000, zipfRings: [], seconds: seconds)
        #expect(driver.valueSum(map, keys: 1000) &- before == run.operations)
    }

    /// The batch counter adds exactly one per operation (one key), through the lockfree
    /// adapter's batch call and through the default loop (rwlock).
    @Test func counterBatchAddsExactlyOnePerKey() {
        let runner = ThreadedRunner()
        let lockFree = SyncDriver<LockFreeAdapter>(runner: runner)
        let a = lockFree.make()
        lockFree.prefill(a, stride(from: 0, to: 1000, by: 1))
        let beforeA = lockFree.valueSum(a, keys: 1000)
        let runA = lockFree.timedRun(a, mix: .counterBatch, threads: 2, keySpace: 1000, zipfRings: [], seconds: seconds)
        #expect(runA.operations > 0 && runA.operations % 64 == 0)
        #expect(lockFree.valueSum(a, keys: 1000) &- beforeA == runA.operations)
        #expect(lockFree.count(a) == 1000)
        let rw = SyncDriver<RWLockAdapter>(runner: runner)
        let b = rw.make()
        rw.prefill(b, stride(from: 0, to: 1000, by: 1))
        let beforeB = rw.valueSum(b, keys: 1000)
        let runB = rw.timedRun(b, mix: .counterBatch, threads: 2, keySpace: 1000, zipfRings: [], seconds: seconds)
        #expect(rw.valueSum(b, keys: 1000) &- beforeB == runB.operations)
    }

    @available(macOS 15, iOS 18, tvOS 18, visionOS 2, *)
    @Test func churnRunsOnTwiceTheKeys() {
        let runner = ThreadedRunner()
        let driver = SyncDriver<ReadMostlyAdapter>(runner: runner)
        let map = driver.make()
        driver.prefill(map, stride(from: 0, to: 2000, by: 2))
        #expect(driver.count(map) == 1000)
        let run = driver.timedRun(map, mix: .churn, threads: 2, keySpace: 2000, zipfRings: [], seconds: seconds)
        #expect(run.operations > 0)
        // Every key left is one of the 2K.
        let present = (0..<2000).filter { map.get(benchKey(UInt64($0))) != nil }.count
        #expect(present == driver.count(map))
    }

    @available(macOS 15, iOS 18, tvOS 18, visionOS 2, *)
    @Test(arguments: [1, 2, 3])
    func buildInsertsEveryKeyOnce(threads: Int) {
        let runner = ThreadedRunner()
        let driver = SyncDriver<ReadMostlyAdapter>(runner: runner)
        let map = driver.make()
        let run = driver.buildRun(map, threads: threads, keys: 3000)
        #expect(run.operations == 3000)
        #expect(run.misses == 0)
        #expect(driver.wrongEntries(map, keys: 3000) == 0)
        #expect(driver.count(map) == 3000)
    }

    /// The actor runner completes operations with no misses. The actor's jobs run on the
    /// Swift cooperative pool, which has one thread per core (2 here) and which parallel
    /// synchronous tests can hold for seconds; so the runner is driven from its own
    /// thread (not blocking a pool thread itself), and a timed window that the pool was
    /// too busy to serve at all is tried again, a bounded number of times.
    @Test func actorRunsTimedAndBuild() async {
        let seconds = self.seconds
        let (read, build, wrong) = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let runner = ThreadedRunner()
                let driver = ActorDriver(runner: runner)
                let map = driver.make()
                driver.prefill(map, stride(from: 0, to: 1000, by: 1))
                var read = driver.timedRun(map, mix: .read, threads: 2, keySpace: 1000, zipfRings: [], seconds: seconds)
                for attempt in 1...20 where read.operations == 0 {
                    read = driver.timedRun(
                        map, mix: .read, threads: 2, keySpace: 1000, zipfRings: [],
                        seconds: seconds * Double(attempt + 1))
                }
                let fresh = driver.make()
                let build = driver.buildRun(fresh, threads: 2, keys: 5000)
                continuation.resume(returning: (read, build, driver.wrongEntries(fresh, keys: 5000)))
            }
        }
        #expect(read.operations > 0 && read.misses == 0)
        #expect(build.operations == 5000 && build.misses == 0)
        #expect(wrong == 0)
    }

    @Test func dictionaryRunsOnOneThread() {
        let runner = ThreadedRunner()
        let driver = SyncDriver<DictionaryAdapter>(runner: runner)
        let map = driver.make()
        driver.prefill(map, stride(from: 0, to: 1000, by: 1))
        let run = driver.timedRun(map, mix: .read90, threads: 1, keySpace: 1000, zipfRings: [], seconds: seconds)
        #expect(run.operations > 0 && run.misses == 0)
    }
}
