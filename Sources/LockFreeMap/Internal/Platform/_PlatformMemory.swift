// The virtual-memory calls of `PageMemory`, one small wrapper per call, for every
// platform the package builds on. Signatures: POSIX `mmap`, `munmap`, `mprotect`
// (<sys/mman.h> in glibc, musl and Darwin's SDK); `madvise` with `MADV_HUGEPAGE` /
// `MADV_NOHUGEPAGE` is Linux-only (<bits/mman-linux.h>); `MADV_DONTNEED` exists on both
// but only Linux promises that the pages read as zero afterwards, which nothing here relies on.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

enum PlatformMemory {
    /// The page size. Computed on each use (from the auxiliary vector in libc, no system
    /// call): a `static let` would be initialized lazily behind a one-time lock.
    static var pageSize: Int { Int(sysconf(Int32(_SC_PAGESIZE))) }

    /// Anonymous, private, zero-filled read-write pages, or nil if the kernel refused
    /// (each caller decides what that means; the messages name the size asked for).
    static func map(byteCount: Int) -> UnsafeMutableRawPointer? {
        #if canImport(Darwin)
        let flags = MAP_PRIVATE | MAP_ANON
        #else
        let flags = MAP_PRIVATE | MAP_ANONYMOUS
        #endif
        guard let p = mmap(nil, byteCount, PROT_READ | PROT_WRITE, flags, -1, 0), p != MAP_FAILED else {
            return nil
        }
        return p
    }

    /// Unmaps pages (the kernel may reuse the addresses for any later mapping). A refusal
    /// can only mean a wrong address or size, a bug: it stops with a message rather than
    /// leaking silently.
    static func unmap(_ p: UnsafeMutableRawPointer, byteCount: Int) {
        if munmap(p, byteCount) != 0 {
            fatalError("LockFreeInt64Map: internal error: munmap(\(p), \(byteCount)) failed with errno \(errno)")
        }
    }

    /// Keeps the addresses reserved but makes every access fault, and drops the pages'
    /// contents (quarantine mode for tests: an access after a free crashes instead of
    /// reading whatever a later mapping put there). Returns false if refused.
    static func protectForever(_ p: UnsafeMutableRawPointer, byteCount: Int) -> Bool {
        _ = madvise(p, byteCount, Int32(MADV_DONTNEED))  // resident memory goes back
        return mprotect(p, byteCount, PROT_NONE) == 0
    }

    /// Asks for (or against) transparent huge pages on an aligned range. Advice only:
    /// a kernel that refuses it, or has no such pages, changes speed, never behaviour.
    static func adviseHugePages(_ p: UnsafeMutableRawPointer, byteCount: Int, _ wanted: Bool) {
        #if os(Linux)
        _ = madvise(p, byteCount, Int32(wanted ? MADV_HUGEPAGE : MADV_NOHUGEPAGE))
        #endif
    }

    /// Faults `byteCount` bytes at `p` in as written, zero-filled pages. On Linux (5.14 and
    /// later) `madvise(MADV_POPULATE_WRITE)`: one call instead of a fault per page, and,
    /// above all, no page first mapped to the shared zero page by a read and then copied
    /// on the first write, whose copy must flush the page from every other CPU's TLB (an
    /// interprocessor interrupt per page). Advice: elsewhere, and where the kernel refuses
    /// (an older kernel, or no memory now), nothing happens and the pages fault in on first
    /// touch, as before (nothing the map relies on depends on it).
    static func prefaultForWriting(_ p: UnsafeMutableRawPointer, byteCount: Int) {
        #if os(Linux)
        // 23 is MADV_POPULATE_WRITE (<asm-generic/mman-common.h>); written as a number so
        // that C libraries whose headers predate it (musl, older glibc) build too.
        let populateWrite: Int32 = 23
        _ = madvise(p, byteCount, populateWrite)
        #endif
    }

    /// The value of environment variable `name` is "1" (read by test modes, once).
    static func environmentFlag(_ name: String) -> Bool {
        guard let value = getenv(name) else { return false }
        return String(cString: value) == "1"
    }
}
