// Whole pages from the kernel, for tables, overflow pools and thread records.
//
// The map takes its large blocks with mmap rather than malloc so that no
// user-space allocator lock sits on any map path: a thread paused inside
// malloc while holding an arena lock could otherwise stall another thread's
// insert (lock-freedom includes the allocator; docs/DESIGN.md, "Progress").
// A thread is never paused holding a kernel lock: signals are delivered on the
// way back to user space. Fresh anonymous pages read as zero, which the tables
// rely on (zero = empty slot, no overflow link).
import _LockFreeMapShims
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

enum PageMemory {
    static let pageSize: Int = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// Bytes currently mapped by all maps of the process (word 11 of the shim's global
    /// words; relaxed: a statistic, exact once the threads that changed it are joined).
    static var mappedByteCount: Int {
        Int(truncatingIfNeeded: loadRelaxed(_lfm_global_words() + 11))
    }

    /// Rounds `byteCount` up to whole pages.
    static func roundedUp(_ byteCount: Int) -> Int {
        (byteCount + pageSize - 1) / pageSize * pageSize
    }

    /// Blocks of at least this size are aligned to it and offered to the kernel as
    /// transparent huge pages: bucket arrays are read at random, and with 4 KiB pages
    /// most lookups at a million keys also missed the TLB.
    static let hugePageSize = 2 << 20

    /// Zero-filled, page-aligned memory of `byteCount` bytes (rounded up to pages).
    /// With `hugePages` (the default), a block of 2 MiB or more is offered as huge pages.
    static func allocate(byteCount: Int, hugePages: Bool = true) -> UnsafeMutableRawPointer {
        let size = roundedUp(byteCount)
        let huge = hugePages && size >= hugePageSize
        // A huge block is carved from a mapping one huge page larger, then trimmed to
        // an aligned start (mmap itself only promises page alignment).
        let mapped = huge ? size + hugePageSize : size
        #if canImport(Darwin)
        let flags = MAP_PRIVATE | MAP_ANON
        #else
        let flags = MAP_PRIVATE | MAP_ANONYMOUS
        #endif
        guard let raw = mmap(nil, mapped, PROT_READ | PROT_WRITE, flags, -1, 0), raw != MAP_FAILED else {
            fatalError("LockFreeInt64Map: out of memory (mmap of \(mapped) bytes failed)")
        }
        var p = raw
        if huge {
            let start = UInt(bitPattern: raw)
            let aligned = (start + UInt(hugePageSize - 1)) & ~UInt(hugePageSize - 1)
            let head = Int(aligned - start)
            if head > 0 { munmap(raw, head) }
            let tail = mapped - head - size
            p = raw + head
            if tail > 0 { munmap(p + size, tail) }
            #if os(Linux)
            _ = madvise(p, size, Int32(MADV_HUGEPAGE))  // advice only: fine if refused
            #endif
        }
        _ = fetchAddRelaxed(_lfm_global_words() + 11, UInt64(size))
        return p
    }

    /// Returns memory from `allocate(byteCount:)` to the kernel.
    static func deallocate(_ p: UnsafeMutableRawPointer, byteCount: Int) {
        munmap(p, roundedUp(byteCount))
        _ = fetchAddRelaxed(_lfm_global_words() + 11, UInt64(bitPattern: Int64(-roundedUp(byteCount))))
    }
}
