// A destructor that runs when a thread exits: POSIX thread-specific data. The
// destructor's parameter type differs by SDK: glibc and musl declare
// `void (*)(void *)` without nullability (imported as `UnsafeMutableRawPointer?`), Darwin's
// <sys/_pthread/_pthread_key_t.h> / <pthread.h> marks it `_Nonnull` (imported as
// `UnsafeMutableRawPointer`). `pthread_key_t` is `UInt32` on glibc and musl, `UInt` on Darwin.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

enum PlatformThreadExit {
    #if canImport(Darwin)
    typealias Destructor = @convention(c) (UnsafeMutableRawPointer) -> Void
    #else
    typealias Destructor = @convention(c) (UnsafeMutableRawPointer?) -> Void
    #endif

    /// Creates a key whose destructor runs `destructor` with the thread's non-nil value
    /// at thread exit. Returns the key + 1 (never 0), or nil if the process has no key
    /// left (EAGAIN) or memory (ENOMEM): the caller then keeps records (DESIGN.md, section 7,
    /// "Thread keys"), whichever the reason.
    static func createKey(_ destructor: Destructor) -> UInt64? {
        var key = pthread_key_t()
        return pthread_key_create(&key, destructor) == 0 ? UInt64(key) + 1 : nil
    }

    /// Deletes a key made by `createKey` (the loser of a race to create the shared one).
    static func deleteKey(_ stored: UInt64) {
        _ = pthread_key_delete(pthread_key_t(stored - 1))
    }

    /// Sets the calling thread's value for the key (`stored` from `createKey`); returns 0
    /// or the error (ENOMEM: glibc allocates a second-level array for high keys).
    static func setValue(_ value: UInt64, forKey stored: UInt64) -> Int32 {
        pthread_setspecific(pthread_key_t(stored - 1), UnsafeRawPointer(bitPattern: UInt(value)))
    }
}
