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
