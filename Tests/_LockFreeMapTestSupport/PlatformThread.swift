// PlatformThread: pthread_create across platforms. `pthread_t` is an integer on Linux
// (glibc, musl) and a non-null pointer on Darwin, where pthread_create writes into a
// `pthread_t?` (<pthread.h>: `int pthread_create(pthread_t _Nullable * _Nonnull, ...,
// void * _Nullable (* _Nonnull)(void * _Nullable), void * _Nullable)`).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

package enum PlatformThread {
    /// The routine a new thread runs; its argument is the context passed to `create`.
    package typealias Routine = @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer?

    /// Starts a joinable thread running `routine(context)`; returns its handle and
    /// pthread_create's status (the handle is meaningless unless the status is 0).
    package static func create(_ context: UnsafeMutableRawPointer, _ routine: Routine) -> (pthread_t, Int32) {
        #if canImport(Darwin)
        var thread: pthread_t?
        let status = pthread_create(&thread, nil, routine, context)
        return (thread ?? pthread_self(), status)
        #else
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, routine, context)
        return (thread, status)
        #endif
    }
}
