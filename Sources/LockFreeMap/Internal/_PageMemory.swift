// Whole pages from the kernel, for tables and thread records.
//
// The map takes its large blocks with mmap rather than malloc so that no user-space
// allocator lock sits on any map path: a thread paused inside malloc while holding an
// arena lock could otherwise stall another thread's insert (lock-freedom includes the
// allocator; docs/DESIGN.md, "Progress"). Fresh anonymous pages read as zero, which the
// tables rely on (zero = empty slot, open successor field, no migrated bit).
//
// Failure is a result, not a crash: `allocate` returns nil when the kernel refuses, and
// each caller decides (docs/DESIGN.md, "Out of memory"): optional work (growing early,
// shrinking) is skipped, and what cannot proceed stops with `outOfMemory`, a message that
// names the size asked for. Platform calls are in Platform/_PlatformMemory.swift.

enum PageMemory {
    static var pageSize: Int { PlatformMemory.pageSize }

    /// Bytes currently mapped by all maps of the process (relaxed: a statistic, exact
    /// once the threads that changed it are joined).
    static var mappedByteCount: Int {
        Int(truncatingIfNeeded: loadRelaxed(GlobalWords.mappedBytes))
    }

    /// Rounds `byteCount` up to whole pages.
    static func roundedUp(_ byteCount: Int) -> Int {
        (byteCount + pageSize - 1) / pageSize * pageSize
    }

    /// Blocks of at least this size are aligned to it, so that a dense bucket array can
    /// be backed by transparent huge pages (`adviseHugePages`): bucket arrays are read at
    /// random, and with 4 KiB pages most lookups at a million keys also missed the TLB.
    /// 2 MiB is the transparent huge page of Linux with 4 KiB base pages (x86-64, most
    /// arm64 kernels); with 16 or 64 KiB base pages the kernel's huge page is larger, and
    /// this alignment and the advice then only cost the trimmed address space.
    static var hugePageSize: Int { 2 << 20 }

    /// Zero-filled, page-aligned memory of `byteCount` bytes (rounded up to pages), or nil
    /// if the kernel refused the mapping (out of memory or address space). A block of
    /// 2 MiB or more is 2 MiB-aligned and advised *against* huge pages until
    /// `adviseHugePages` says it is dense: a sparse table backed by huge pages would make
    /// each first touch resident 2 MiB instead of one base page.
    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer? {
        let size = roundedUp(byteCount)
        if consumeInjectedFailure() { return nil }
        let aligned = size >= hugePageSize
        // An aligned block is carved from a mapping one huge page larger, then trimmed
        // (mmap itself only promises page alignment).
        let (mapped, overflowed) = size.addingReportingOverflow(aligned ? hugePageSize : 0)
        if overflowed { return nil }
        guard let raw = PlatformMemory.map(byteCount: mapped) else { return nil }
        var p = raw
        if aligned {
            let start = UInt(bitPattern: raw)
            let alignedStart = (start + UInt(hugePageSize - 1)) & ~UInt(hugePageSize - 1)
            let head = Int(alignedStart - start)
            if head > 0 { PlatformMemory.unmap(raw, byteCount: head) }
            let tail = mapped - head - size
            p = raw + head
            if tail > 0 { PlatformMemory.unmap(p + size, byteCount: tail) }
            PlatformMemory.adviseHugePages(p, byteCount: size, false)
        }
        _ = fetchAddRelaxed(GlobalWords.mappedBytes, UInt64(size))
        return p
    }

    /// `allocate`, or a stop with a message naming the size and the purpose, for memory
    /// without which the calling operation cannot proceed.
    static func allocateOrStop(byteCount: Int, for purpose: String) -> UnsafeMutableRawPointer {
        guard let p = allocate(byteCount: byteCount) else { outOfMemory(byteCount: byteCount, for: purpose) }
        return p
    }

    /// Stops the process: a map operation needs memory the kernel refused. The message
    /// survives release builds (`fatalError`, not `precondition`).
    static func outOfMemory(byteCount: Int, for purpose: String) -> Never {
        fatalError(
            "LockFreeInt64Map: out of memory: could not map \(roundedUp(byteCount)) bytes for \(purpose)")
    }

    /// Offers an aligned block from `allocate` (2 MiB or more) to the kernel as
    /// transparent huge pages: call once most of its base pages are touched anyway.
    static func adviseHugePages(_ p: UnsafeMutableRawPointer, byteCount: Int) {
        let size = roundedUp(byteCount)
        if size >= hugePageSize { PlatformMemory.adviseHugePages(p, byteCount: size, true) }
    }

    /// Makes the first `byteCount` bytes of a block from `allocate` resident and writable
    /// now, for memory about to be written throughout (a migration's successor). Advice:
    /// where the platform cannot, the pages fault in on first touch as usual.
    static func prefaultForWriting(_ p: UnsafeMutableRawPointer, byteCount: Int) {
        PlatformMemory.prefaultForWriting(p, byteCount: roundedUp(byteCount))
    }

    /// Returns memory from `allocate(byteCount:)` to the kernel. In quarantine mode (tests:
    /// LOCKFREEMAP_QUARANTINE=1) the block is made inaccessible instead and its addresses
    /// are never reused, so a table freed too early faults on its next access (an unmap
    /// followed by a new mapping at the same address would hide it, from AddressSanitizer
    /// too). Quarantine keeps at most `quarantineLimit` blocks (each is a kernel mapping,
    /// and the process may have only about 65,000); later frees unmap as usual.
    static func deallocate(_ p: UnsafeMutableRawPointer, byteCount: Int) {
        let size = roundedUp(byteCount)
        _ = fetchAddRelaxed(GlobalWords.mappedBytes, UInt64(bitPattern: Int64(-size)))
        if quarantineIsOn, fetchAddRelaxed(GlobalWords.quarantinedBlocks, 1) < quarantineLimit,
            PlatformMemory.protectForever(p, byteCount: size)
        {
            return
        }
        PlatformMemory.unmap(p, byteCount: size)
    }

    static var quarantineLimit: UInt64 { 30_000 }

    /// Whether quarantine mode is on (decided once per process from the environment).
    static var quarantineIsOn: Bool {
        var state = loadRelaxed(GlobalWords.quarantine)
        if state == 0 {
            state = PlatformMemory.environmentFlag("LOCKFREEMAP_QUARANTINE") ? 2 : 1
            storeRelaxed(GlobalWords.quarantine, state)  // every thread computes the same value
        }
        return state == 2
    }

    /// Tests: makes the next `count` allocations fail as if the kernel refused them.
    static func injectFailures(_ count: Int) {
        storeRelaxed(GlobalWords.injectedAllocationFailures, UInt64(max(count, 0)))
    }

    private static func consumeInjectedFailure() -> Bool {
        var left = loadRelaxed(GlobalWords.injectedAllocationFailures)
        while left != 0 {
            let (taken, seen) = compareExchangeAcqRel(
                GlobalWords.injectedAllocationFailures, expected: left, desired: left - 1)
            if taken { return true }
            left = seen
        }
        return false
    }
}
