import _LockFreeMapPlatformSupport
import _LockFreeMapTestSupport

@testable import MapBenchCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// sched_yield, without importing Glibc into every test file.
func sched_yieldShim() { _ = sched_yield() }

/// Whether this process runs under ThreadSanitizer (its runtime is linked in).
let underThreadSanitizer = TestKnobs.isThreadSanitizer

/// Maps whose state is guarded by `Synchronization.Mutex`. ThreadSanitizer cannot see that
/// lock (the futex code is in the uninstrumented Synchronization library) and reports every
/// access under it as a race, so their multi-threaded tests are skipped under TSan.
let mutexGuardedMaps: Set<MapKind> = [.mutex, .sharded]
