// Linux's membarrier(2) for the asymmetric reclamation fence (docs/DESIGN.md, section 5).
// Elsewhere there is no such call: registration reports false and the map runs the
// symmetric fence. The syscall itself is in the C shim (`_lfm_membarrier_register`,
// `_lfm_membarrier`), where <linux/membarrier.h> is available.
import _LockFreeMapShims

enum PlatformMembarrier {
    /// Registers the process for MEMBARRIER_CMD_PRIVATE_EXPEDITED; false if the kernel
    /// (or a seccomp filter, or the platform) does not offer it.
    static func register() -> Bool {
        #if os(Linux)
        return _lfm_membarrier_register()
        #else
        return false
        #endif
    }

    /// One process-wide barrier. Returns 0 if every running thread of the process executed
    /// a full barrier during the call, else the errno (nothing was ordered). Tests can
    /// make it fail (`GlobalWords.injectedMembarrierFailure`).
    static func barrier() -> Int32 {
        let injected = loadRelaxed(GlobalWords.injectedMembarrierFailure)
        if injected != 0 { return Int32(truncatingIfNeeded: injected) }
        #if os(Linux)
        return _lfm_membarrier()
        #else
        return 38  // ENOSYS: never reached, registration fails first
        #endif
    }
}
