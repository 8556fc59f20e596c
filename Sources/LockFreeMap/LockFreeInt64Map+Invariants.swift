// Quiescent invariant checks (DESIGN.md, section 2): for tests and debugging.

extension LockFreeInt64Map {
    /// A violated invariant, with enough context to debug it.
    @_spi(Testing) public struct InvariantViolation: Error, CustomStringConvertible {
        public let description: String
    }

    /// Checks the structural invariants of every stripe. Call only while no other thread
    /// uses the map. Throws the first violation found.
    ///
    /// Checked (DESIGN.md, section 2): every USED slot lies in the bucket and stripe its
    /// hash selects (T1); no hash has two slots in one table (T2); in each chain the USED
    /// slots form a prefix (T3) and so do the FROZEN ones, and at rest a chain with any
    /// frozen slot is frozen throughout and flagged migrated (T4); the flagged count
    /// matches; every key of a flagged chain is in the successor, and no successor key
    /// belongs to an unflagged chain (M2); each stripe's counter equals its live entries (G1).
    @_spi(Testing) public func checkInvariants() throws {
        func fail(_ message: String) -> InvariantViolation { InvariantViolation(description: message) }
        for stripeIndex in 0..<stripeCount {
            let stripe = core.stripes[stripeIndex]
            let table = stripe.current
            let successorWord = table.loadSuccessor()
            let current = try chains(of: table, stripe: stripeIndex, fail)
            var live = 0
            var flagged = 0
            for chain in current {
                if chain.migrated {
                    flagged += 1
                } else {
                    if chain.anyFrozen { throw fail("stripe \(stripeIndex): a frozen chain left unflagged at rest") }
                    live += chain.live.count
                }
            }
            if flagged != Int(loadRelaxed(table.migratedCount)) {
                throw fail(
                    "stripe \(stripeIndex): \(flagged) chains flagged, count says \(loadRelaxed(table.migratedCount))")
            }
            if successorWord.isNone {
                if flagged != 0 { throw fail("stripe \(stripeIndex): flagged chains without a successor") }
            } else {
                let successor = successorWord.table
                if !successor.loadSuccessor().isNone { throw fail("stripe \(stripeIndex): two migrations at once") }
                let moved = try chains(of: successor, stripe: stripeIndex, fail)
                var successorHashes = Set<UInt64>()
                for chain in moved {
                    if chain.anyFrozen { throw fail("stripe \(stripeIndex): a successor chain is frozen") }
                    live += chain.live.count
                    for hash in chain.used {
                        successorHashes.insert(hash)
                        if !current[Int(hash & (table.bucketCount - 1))].migrated {
                            throw fail("stripe \(stripeIndex): successor holds a key of an unmoved chain")
                        }
                    }
                }
                for chain in current where chain.migrated {
                    for hash in chain.live where !successorHashes.contains(hash) {
                        throw fail("stripe \(stripeIndex): a moved key is missing from the successor")
                    }
                }
            }
            let counted = Int(truncatingIfNeeded: loadRelaxed(stripe.entryCount))
            if counted != live { throw fail("stripe \(stripeIndex): counter \(counted), live entries \(live)") }
        }
    }

    private struct ChainSummary {
        var used: [UInt64] = []
        var live: [UInt64] = []
        var anyFrozen = false
        var migrated = false
    }

    /// Reads every chain of `table`, checking T1-T3 and the frozen prefix.
    private func chains(
        of table: Table, stripe stripeIndex: Int, _ fail: (String) -> InvariantViolation
    ) throws -> [ChainSummary] {
        var result: [ChainSummary] = []
        var seen = Set<UInt64>()
        let mask = table.bucketCount - 1
        for b in 0..<table.bucketCount {
            var summary = ChainSummary()
            let head = table.bucket(b)
            summary.migrated = loadAcquire(head.migrated) != 0
            var bucket = head
            var emptySeen = false
            var unfrozenSeen = false
            while true {
                var flags: [UInt64] = (0..<slotsPerBucket).map { loadAcquire(bucket.control($0)) }
                flags.append(loadAcquire(bucket.link) & linkFrozen != 0 ? slotFrozen : 0)
                for (s, c) in flags.enumerated() {
                    if c & slotFrozen != 0 {
                        summary.anyFrozen = true
                        if unfrozenSeen { throw fail("stripe \(stripeIndex) bucket \(b): frozen after unfrozen") }
                    } else {
                        unfrozenSeen = true
                    }
                    if s == slotsPerBucket { continue }
                    if c & slotUsed == 0 {
                        if c & slotLive != 0 { throw fail("stripe \(stripeIndex) bucket \(b): LIVE without USED") }
                        emptySeen = true
                        continue
                    }
                    if emptySeen { throw fail("stripe \(stripeIndex) bucket \(b): a used slot after an empty one") }
                    let hash = c & slotHashMask
                    if hash & mask != b {
                        throw fail("stripe \(stripeIndex) bucket \(b): a key of bucket \(hash & mask)")
                    }
                    if core.hashed(core.key(low: hash, stripe: stripeIndex)).stripe != stripeIndex {
                        throw fail("stripe \(stripeIndex): a key of another stripe")
                    }
                    if !seen.insert(hash).inserted { throw fail("stripe \(stripeIndex): a key with two slots") }
                    summary.used.append(hash)
                    if c & slotLive != 0 { summary.live.append(hash) }
                }
                let next = loadAcquire(bucket.link) & ~linkFrozen
                if next == 0 { break }
                if emptySeen { throw fail("stripe \(stripeIndex) bucket \(b): an overflow bucket after an empty slot") }
                bucket = Bucket(next)
            }
            if summary.migrated && (unfrozenSeen || !summary.anyFrozen) {
                throw fail("stripe \(stripeIndex) bucket \(b): flagged migrated but not frozen throughout")
            }
            result.append(summary)
        }
        return result
    }

    /// Stripes with a migration under way (64 loads; `statistics` walks every bucket).
    @_spi(Testing) public var migratingStripeCount: Int {
        // Pinned: a table word loaded here may be retired and freed by another thread's
        // publication and collection before its successor word is read.
        let pin = EpochDomain.pin()
        defer { EpochDomain.unpin(pin) }
        return (0..<stripeCount).reduce(0) { n, i in
            n + (core.stripes[i].current.loadSuccessor().isNone ? 0 : 1)
        }
    }

    /// Tables retired by migrations and not freed yet (all stripes). Quiescent use.
    @_spi(Testing) public var retiredTableCount: Int {
        var n = 0
        for i in 0..<stripeCount {
            var list = loadAcquire(core.stripes[i].retiredHead)
            while list != 0 {
                n += 1
                list = loadRelaxed(Table(address: list).retiredLink)
            }
        }
        return n
    }

    /// The reclamation fence in use: "asymmetric" (readers store, advancers issue
    /// membarrier), "symmetric" (seq_cst pins; also under ThreadSanitizer),
    /// "symmetric after membarrier failure" (a membarrier call failed: seq_cst pins from
    /// then on, DESIGN.md R-5), or "undecided" before any thread used a map.
    @_spi(Testing) public static var reclamationMode: String {
        switch loadAcquire(EpochDomain.mode) {
        case modeAsymmetric: "asymmetric"
        case modeSymmetric: "symmetric"
        case modeSymmetricAfterFailure: "symmetric after membarrier failure"
        default: "undecided"
        }
    }

    /// The errno of the first failed membarrier call of the process (0: none failed).
    @_spi(Testing) public static var membarrierFailure: Int32 {
        Int32(truncatingIfNeeded: loadAcquire(GlobalWords.membarrierFailure))
    }

    /// Tests: every later membarrier call reports `errno` instead of calling the kernel
    /// (0 switches the injection off). Process-wide: use it in a child process.
    @_spi(Testing) public static func injectMembarrierFailure(errno: Int32) {
        storeRelaxed(GlobalWords.injectedMembarrierFailure, UInt64(UInt32(bitPattern: errno)))
    }

    /// Tests: the next `count` page allocations of any map fail as if the kernel refused
    /// them (0 switches it off). Process-wide: use it in a child process.
    @_spi(Testing) public static func injectAllocationFailures(count: Int) {
        PageMemory.injectFailures(count)
    }

    /// Migrations skipped so far (process-wide) because their table could not be mapped.
    @_spi(Testing) public static var skippedMigrationCount: Int {
        Int(truncatingIfNeeded: loadRelaxed(GlobalWords.skippedMigrations))
    }

    /// The reclamation epoch (process-wide).
    @_spi(Testing) public static var reclamationEpoch: UInt64 { loadSeqCst(GlobalWords.epoch) }

    /// Tests: one attempt to advance the reclamation epoch, as writers make; returns
    /// whether it advanced.
    @_spi(Testing) public static func tryAdvanceReclamationEpoch() -> Bool {
        EpochDomain.tryAdvance()
    }

    /// Tests: frees the retired tables of every stripe that are old enough (what writers
    /// do now and then), after one attempt to advance the epoch per stripe with some.
    @_spi(Testing) public func collectRetiredTables() {
        let pin = EpochDomain.pin()
        defer { EpochDomain.unpin(pin) }
        for i in 0..<stripeCount { core.stripes[i].collectRetiredTables() }
    }

    /// Tests: a key that lands in stripe `stripe` with the low 58 bits of its hash equal
    /// to `hash` in this map (so a test can aim keys at one bucket chain). The key's
    /// bucket in a table of 2^k buckets is `hash mod 2^k`.
    @_spi(Testing) public func key(stripe: Int, hash: UInt64) -> Int64 {
        core.key(low: hash & slotHashMask, stripe: stripe)
    }

    /// Tests: head buckets of stripe `stripe`'s current table (aim keys at one stripe with
    /// `key(stripe:hash:)` to watch it grow, shrink or be reserved).
    @_spi(Testing) public func bucketCount(stripe: Int) -> Int {
        1 << Int(core.stripes[stripe].currentWord.log2)
    }

    /// Tests: stripes whose current table has a bucket array of at least a huge page that
    /// has not been offered huge pages yet (DESIGN.md, "Huge pages"). Quiescent use.
    @_spi(Testing) public var stripesAwaitingHugePageAdvice: Int {
        (0..<stripeCount).reduce(0) { n, i in
            let table = core.stripes[i].current
            let large = Int(loadRelaxed(table.base + 5)) >= PageMemory.hugePageSize
            return n + (large && loadRelaxed(table.hugePagesAdvised) == 0 ? 1 : 0)
        }
    }

    /// Tests: runs `body` while stripe `stripe`'s counter counts one insert more than the
    /// stripe holds, as it does while another thread's insert has counted itself and not
    /// yet tried its CAS (one that then loses the CAS takes the count back: `upsert`,
    /// "Count first, then insert"). Replays that race without a second thread.
    @_spi(Testing) public func whileAnInsertIsInFlight(stripe: Int, _ body: () -> Void) {
        _ = fetchAddRelaxed(core.stripes[stripe].entryCount, 1)
        body()
        _ = fetchAddRelaxed(core.stripes[stripe].entryCount, UInt64.max)
    }

    /// Tests: claims stripe `stripe`'s current table as a thread does before it maps the
    /// table's successor (`Stripe.startMigration`), and never maps one: as if that thread
    /// stopped there for good.
    @_spi(Testing) public func stallSuccessorClaim(stripe: Int) {
        storeRelaxed(core.stripes[stripe].current.successorClaim, 1)
    }

    /// Whether quarantine mode (LOCKFREEMAP_QUARANTINE=1) is on in this process.
    @_spi(Testing) public static var quarantineIsOn: Bool { PageMemory.quarantineIsOn }

    /// Whether race widening (LOCKFREEMAP_RACE_WIDENING=1 in a debug build) is on.
    @_spi(Testing) public static var raceWideningIsOn: Bool { RaceWindow.isActive }

    /// Bytes the process has mapped for maps right now (all maps: stripes, tables,
    /// overflow pools, thread records). Returns to its previous value when maps are released.
    @_spi(Testing) public static var mappedByteCount: Int { PageMemory.mappedByteCount }

    /// How deeply the calling thread is inside map operations (0 outside any call).
    @_spi(Testing) public static var currentThreadPinDepth: Int { EpochDomain.currentThreadPinDepth }
}
