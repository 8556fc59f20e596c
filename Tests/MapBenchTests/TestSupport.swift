import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
@testable import MapBenchCore

/// Test sizes and seeds from the environment: short by default, `LOCKFREEMAP_LONG=1` long,
/// `LOCKFREEMAP_SEED=<n>` replays a model-based run.
enum TestKnobs {
    static var long: Bool { ProcessInfo.processInfo.environment["LOCKFREEMAP_LONG"] == "1" }

    static func scaled(_ short: Int, long longCount: Int) -> Int { long ? longCount : short }

    static var seed: UInt64 {
        if let text = ProcessInfo.processInfo.environment["LOCKFREEMAP_SEED"], let seed = UInt64(text) { return seed }
        return UInt64.random(in: 0 ... UInt64.max)
    }
}

/// Runs `body` on `count` real threads (never the cooperative pool) started together.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let control = RunControl()
    let threads = (0 ..< count).map { t in
        startThread {
            control.arriveAndWaitForStart()
            body(t)
        }
    }
    _ = control.startWhenReady(workers: count)
    for thread in threads { joinThread(thread) }
}

/// sched_yield, without importing Glibc into every test file.
func sched_yieldShim() { _ = sched_yield() }

/// Whether this process runs under ThreadSanitizer (its runtime is linked in).
/// (glibc's RTLD_DEFAULT is a null handle, which Swift does not import; Darwin's is -2.)
#if canImport(Darwin)
let underThreadSanitizer = dlsym(RTLD_DEFAULT, "__tsan_init") != nil
#else
let underThreadSanitizer = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__tsan_init") != nil
#endif

/// Maps whose state is guarded by `Synchronization.Mutex`. ThreadSanitizer cannot see that
/// lock (the futex code is in the uninstrumented Synchronization library) and reports every
/// access under it as a race, so their multi-threaded tests are skipped under TSan.
let mutexGuardedMaps: Set<MapKind> = [.mutex, .sharded]
