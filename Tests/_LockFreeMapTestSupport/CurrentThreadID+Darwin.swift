// currentThreadID on Darwin, which has no /proc: the Mach thread port.
#if canImport(Darwin)
import Darwin

/// The calling thread's Mach thread port (never 0; valid while the thread lives).
/// (<pthread.h>: `mach_port_t pthread_mach_thread_np(pthread_t)`.)
package func currentThreadID() -> Int {
    Int(pthread_mach_thread_np(pthread_self()))
}
#endif
