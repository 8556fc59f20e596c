// Race widening for tests, in the spirit of liburcu's debug yields: at the racy sites of
// the algorithm a thread now and then yields the processor or spins a little, so that the
// interleavings the design argues about (a copy racing a copy, a freeze racing a write, a
// publication racing a late copier, a pin racing an advance) happen often on two cores.
//
// Compiled in only with LOCKFREEMAP_INTERNAL_CHECKS (Package.swift defines it for debug
// builds) and active only with LOCKFREEMAP_RACE_WIDENING=1 in the environment; in a
// release build `widen` is empty and every call of it disappears.

/// The racy sites, named for where they sit.
enum RaceSite {
    /// Between a pin's store and the operation's first table load.
    case afterPin
    /// Between freezing a bucket and copying it.
    case afterFreeze
    /// Between copying a bucket and marking it migrated.
    case beforeFlag
    /// Before the CAS that publishes a successor table.
    case beforePublish
}

enum RaceWindow {
    @inline(__always) static func widen(_ site: RaceSite) {
        #if LOCKFREEMAP_INTERNAL_CHECKS
        widenNow(site)
        #endif
    }

    #if LOCKFREEMAP_INTERNAL_CHECKS
    /// One in 16 calls yields; two in 16 spin for up to 255 pause instructions.
    @inline(never) static func widenNow(_ site: RaceSite) {
        var state = loadRelaxed(GlobalWords.raceWidening)
        if state == 0 {
            state = PlatformMemory.environmentFlag("LOCKFREEMAP_RACE_WIDENING") ? 2 : 1
            storeRelaxed(GlobalWords.raceWidening, state)  // every thread computes the same value
        }
        guard state == 2 else { return }
        let noise = threadNoise()
        switch noise & 15 {
        case 0: PlatformDiagnostics.yieldProcessor()
        case 1, 2: for _ in 0..<((noise >> 8) & 255) { cpuRelax() }
        default: break
        }
    }

    /// Whether race widening is compiled in and switched on.
    static var isActive: Bool {
        widenNow(.afterPin)
        return loadRelaxed(GlobalWords.raceWidening) == 2
    }
    #else
    static var isActive: Bool { false }
    #endif
}
