// The process-wide words of the map (the shim's `_lfm_global_words()`, static storage
// in C, zero at start), by name. Static storage rather than Swift globals: a Swift global
// is initialized lazily behind a one-time lock, which no map path may take.
import _LockFreeMapShims

enum GlobalWords {
    @inline(__always) static var base: AtomicWord { _lfm_global_words() }

    // Line 0: written by every epoch advance, read by every pin.
    /// The reclamation epoch (`_EpochDomain.swift`).
    @inline(__always) static var epoch: AtomicWord { base }

    // Lines 1-3: rarely written.
    /// The head of the thread-record registry (a list of 128-byte records).
    @inline(__always) static var registryHead: AtomicWord { base + 8 }
    /// The fence mode (`EpochDomain.Mode`).
    @inline(__always) static var mode: AtomicWord { base + 9 }
    /// The thread-exit key (`PlatformThreadExit`): 0 undecided, key + 1, or `threadKeyUnavailable`.
    @inline(__always) static var threadKey: AtomicWord { base + 10 }
    /// Bytes mapped by `PageMemory` for maps right now.
    @inline(__always) static var mappedBytes: AtomicWord { base + 11 }
    /// The errno of the first failed `membarrier` (0: none failed).
    @inline(__always) static var membarrierFailure: AtomicWord { base + 12 }
    /// Tests: the errno every `membarrier` call reports instead of calling the kernel (0: off).
    @inline(__always) static var injectedMembarrierFailure: AtomicWord { base + 13 }
    /// Tests: how many of the next `mmap` calls fail as if out of memory.
    @inline(__always) static var injectedAllocationFailures: AtomicWord { base + 14 }
    /// Tests: quarantine of freed blocks (0 undecided, 1 off, 2 on; `PageMemory`).
    @inline(__always) static var quarantine: AtomicWord { base + 15 }
    /// Tests: race widening (0 undecided, 1 off, 2 on; `RaceWindow`).
    @inline(__always) static var raceWidening: AtomicWord { base + 16 }
    /// Blocks kept in quarantine so far (`PageMemory`).
    @inline(__always) static var quarantinedBlocks: AtomicWord { base + 17 }
    /// Migrations that could not start because a table could not be mapped.
    @inline(__always) static var skippedMigrations: AtomicWord { base + 18 }
}
