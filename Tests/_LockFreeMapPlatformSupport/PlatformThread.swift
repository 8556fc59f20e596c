// PlatformThread: pthread_create across platforms, the one spelling for the tests and the
// benchmark. Two differences hide behind it:
// - `pthread_t` is an integer on Linux (glibc, musl) and a non-null pointer on Darwin, where
//   pthread_create writes into a `pthread_t?`.
// - The start routine's argument: glibc declares `void *(*)(void *)` without nullability, so
//   Swift sees `UnsafeMutableRawPointer?`; Darwin's <pthread.h> has a nullability-annotated
//   declaration (`void * _Nullable`) and an older one (`void * _Nonnull`) chosen by a switch
//   that is off under Swift, so Swift always sees a non-optional `UnsafeMutableRawPointer`.
//   `RoutineArgument` is whichever the platform has; `context(_:)` accepts either.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

package enum PlatformThread {
    #if canImport(Darwin)
    /// The start routine's parameter as Darwin's `pthread_create` declares it to Swift.
    package typealias RoutineArgument = UnsafeMutableRawPointer
    #else
    /// The start routine's parameter as glibc's and musl's `pthread_create` declare it.
    package typealias RoutineArgument = UnsafeMutableRawPointer?
    #endif

    /// The routine a new thread runs; its argument is the context passed to `create`. A
    /// closure literal of this type infers its parameter's type: pass the parameter to
    /// `context(_:)` rather than unwrapping it, so that the same body compiles on every
    /// platform.
    package typealias Routine = @convention(c) (RoutineArgument) -> UnsafeMutableRawPointer?

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

    /// Starts a joinable thread running `body` (boxed, so that it crosses `pthread_create` as
    /// the one context pointer); stops the process if pthread_create fails. The tests'
    /// `OSThreads` and map-bench's runners both start their threads here.
    package static func start(_ body: @escaping @Sendable () -> Void) -> pthread_t {
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        let (thread, status) = create(box) { raw in
            Unmanaged<Body>.fromOpaque(PlatformThread.context(raw)).takeRetainedValue().body()
            return nil
        }
        precondition(status == 0, "pthread_create failed: \(status)")
        return thread
    }

    /// The closure a thread started by `start` runs.
    private final class Body: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// The context a routine started by `create` received: never nil, since `create` takes a
    /// non-optional one. Takes an optional so that both platforms' argument types convert.
    @inline(__always)
    package static func context(_ argument: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer {
        guard let argument else { preconditionFailure("a thread started without its context") }
        return argument
    }

    /// Waits for `thread` to end; stops the process if pthread_join fails. Synchronous on
    /// purpose: Darwin's <pthread.h> marks pthread_join unavailable from asynchronous contexts
    /// (glibc's does not), so an async test joins through this function.
    package static func join(_ thread: pthread_t) {
        let status = pthread_join(thread, nil)
        precondition(status == 0, "pthread_join failed: \(status)")
    }
}
