// The second thread's body (in its own file: top-level code is main-actor isolated).
#if canImport(Glibc)
import Glibc
#endif

func sleeper(_: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    sleep(1)
    return nil
}
