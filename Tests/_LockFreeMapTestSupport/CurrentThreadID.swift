// currentThreadID: the calling thread's id as the kernel knows it. On Linux the kernel thread
// id (what SIGEV_THREAD_ID timers and /proc/self/task/<tid> need); on Darwin, which has no
// /proc, the Mach thread port (CurrentThreadID+Darwin.swift).
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

#if !canImport(Darwin)
/// The calling thread's kernel thread id, from the `/proc/thread-self` link
/// ("<pid>/task/<tid>"). Swift's Glibc module exposes neither `gettid()` nor the variadic
/// `syscall()`. Reads into a stack buffer: no heap allocation.
package func currentThreadID() -> Int {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer -> Int in
        let length = readlink("/proc/thread-self", buffer.baseAddress!, buffer.count)
        precondition(length > 0, "cannot read /proc/thread-self")
        // The id is the last component, after the final '/': only it must be all digits.
        var id = 0
        var digits = 0
        var isNumber = true
        for byte in buffer[0..<length] {
            if byte == CChar(UInt8(ascii: "/")) {
                id = 0
                digits = 0
                isNumber = true
            } else if byte >= CChar(UInt8(ascii: "0")) && byte <= CChar(UInt8(ascii: "9")) {
                id = id * 10 + Int(byte) - Int(UInt8(ascii: "0"))
                digits += 1
            } else {
                isNumber = false
            }
        }
        precondition(isNumber && digits > 0, "unexpected /proc/thread-self link")
        return id
    }
}
#endif
