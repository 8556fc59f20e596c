// Quiescent invariant checks (DESIGN.md, section 2): for tests and debugging.

extension LockFreeInt64Map {
    /// A violated invariant, with enough context to debug it.
    @_spi(Testing) public struct InvariantViolation: Error, CustomStringConvertible {
        public let description: String
    }

    /// Checks the structural invariants of every stripe. Call only while no other thread
    /// uses the map. Throws the first violation found.
    ///
    /// Checked (DESIGN.md, section 2): every USED slot belongs to its stripe (V1); no hash
    /// has two slots in one table (V2); in each bucket the USED slots form a prefix, and
    /// every bucket from a key's home bucket to the one before its slot is full (V3); at rest
    /// a bucket with any frozen slot is frozen throughout and marked migrated (V4); the
    /// marked count matches the bits; live keys plus tombstones stay within the admission
    /// limit and the tombstone counter is exact at rest (V5); a table without an installed
    /// successor has no bit set, a successor is open; every live key of a marked bucket is
    /// in the successor, and a successor key that still has a slot in the old table has it
    /// in a marked bucket (M2); each stripe's counter equals its live entries (G1).
    @_spi(Testing) public func checkInvariants() throws {
        func fail(_ message: String) -> InvariantViolation { InvariantViolation(description: message) }
        for stripeIndex in 0..<stripeCount {
            let stripe = core.stripes[stripeIndex]
            let word = stripe.currentWord
            let current = try scan(word, stripe: stripeIndex, fail)
            let successorWord = word.table.loadSuccessor()
            var live = 0
            for (b, bucket) in current.buckets.enumerated() where !bucket.marked {
                if bucket.anyFrozen { throw fail("stripe \(stripeIndex) bucket \(b): frozen but not marked at rest") }
                live += bucket.live.count
            }
            let marked = current.buckets.reduce(0) { $0 + ($1.marked ? 1 : 0) }
            if marked != Int(loadRelaxed(word.table.migratedCount)) {
                throw fail(
                    "stripe \(stripeIndex): \(marked) buckets marked, "
                        + "count says \(loadRelaxed(word.table.migratedCount))")
            }
            if !successorWord.isTable {
                if marked != 0 { throw fail("stripe \(stripeIndex): marked buckets without a successor") }
            } else {
                if !successorWord.table.loadSuccessor().isNone {
                    throw fail("stripe \(stripeIndex): a successor closed or migrating (two migrations at once)")
                }
                let moved = try scan(successorWord, stripe: stripeIndex, fail)
                for (b, bucket) in moved.buckets.enumerated() {
                    if bucket.anyFrozen || bucket.marked {
                        throw fail("stripe \(stripeIndex): successor bucket \(b) frozen")
                    }
                    live += bucket.live.count
                }
                for hash in moved.slots.keys {
                    if let old = current.slots[hash], !current.buckets[Int(old.bucket)].marked {
                        throw fail(
                            "stripe \(stripeIndex): the successor holds a key whose old slot "
                                + "(bucket \(old.bucket)) was not moved")
                    }
                }
                for bucket in current.buckets where bucket.marked {
                    for hash in bucket.live where moved.slots[hash] == nil {
                        throw fail("stripe \(stripeIndex): a moved key is missing from the successor")
                    }
                }
            }
            let counted = Int(truncatingIfNeeded: loadRelaxed(stripe.entryCount))
            if counted != live { throw fail("stripe \(stripeIndex): counter \(counted), live entries \(live)") }
        }
    }

    private struct BucketSummary {
        var live: [UInt64] = []
        var anyFrozen = false
        var marked = false
    }

    private struct TableSummary {
        var buckets: [BucketSummary] = []
        /// Every USED slot's hash, with its bucket and slot index.
        var slots: [UInt64: (bucket: UInt64, slot: Int)] = [:]
    }

    /// Reads every bucket of the table published as `word`, checking V1-V5.
    private func scan(
        _ word: TableWord, stripe stripeIndex: Int, _ fail: (String) -> InvariantViolation
    ) throws -> TableSummary {
        let table = word.table
        let n = word.bucketCount
        var result = TableSummary()
        var full = [Bool](repeating: false, count: Int(n))
        var tombstones: UInt64 = 0
        for b in 0..<n {
            var summary = BucketSummary()
            summary.marked = table.isMigrated(b)
            let bucket = table.bucket(b)
            var emptySeen = false
            var unfrozenSeen = false
            for s in 0..<slotsPerBucket {
                let c = loadAcquire(bucket.control(s))
                if c & slotFrozen != 0 {
                    summary.anyFrozen = true
                    if unfrozenSeen {
                        throw fail("stripe \(stripeIndex) bucket \(b): a frozen slot after an unfrozen one")
                    }
                } else {
                    unfrozenSeen = true
                }
                if c & slotUsed == 0 {
                    if c & slotLive != 0 { throw fail("stripe \(stripeIndex) bucket \(b): LIVE without USED") }
                    emptySeen = true
                    continue
                }
                if emptySeen { throw fail("stripe \(stripeIndex) bucket \(b): a used slot after an empty one") }
                let hash = c & slotHashMask
                if core.hashed(core.key(low: hash, stripe: stripeIndex)).stripe != stripeIndex {
                    throw fail("stripe \(stripeIndex): a key of another stripe")
                }
                if result.slots.updateValue((b, s), forKey: hash) != nil {
                    throw fail("stripe \(stripeIndex): a key with two slots")
                }
                if c & slotLive != 0 { summary.live.append(hash) } else { tombstones += 1 }
            }
            full[Int(b)] = !emptySeen
            if summary.marked && (unfrozenSeen || !summary.anyFrozen) {
                throw fail("stripe \(stripeIndex) bucket \(b): marked migrated but not frozen throughout")
            }
            result.buckets.append(summary)
        }
        for (hash, position) in result.slots {
            var b = word.home(of: hash)
            while b != position.bucket {
                if !full[Int(b)] {
                    throw fail(
                        "stripe \(stripeIndex): a key in bucket \(position.bucket) past bucket \(b), "
                            + "which has an empty slot")
                }
                b = b + 1 == n ? 0 : b + 1
            }
        }
        let used = UInt64(result.slots.count)
        if used > Table.admissionLimit(buckets: n) {
            throw fail(
                "stripe \(stripeIndex): \(used) slots used, over the admission limit of "
                    + "\(Table.admissionLimit(buckets: n))")
        }
        if tombstones != loadRelaxed(table.tombstones) {
            throw fail(
                "stripe \(stripeIndex): \(tombstones) tombstones, the counter says \(loadRelaxed(table.tombstones))")
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
    /// to `hash` in this map (so a test can aim keys at one bucket). The key's home bucket
    /// in a table of n buckets is `⌊hash · n / 2^58⌋`: hashes below 2^58 / n share bucket 0.
    @_spi(Testing) public func key(stripe: Int, hash: UInt64) -> Int64 {
        core.key(low: hash & slotHashMask, stripe: stripe)
    }

    /// Tests: buckets of stripe `stripe`'s current table (aim keys at one stripe with
    /// `key(stripe:hash:)` to watch it grow, shrink or be reserved).
    @_spi(Testing) public func bucketCount(stripe: Int) -> Int {
        Int(core.stripes[stripe].currentWord.bucketCount)
    }

    /// Tests: stripes whose current table has a block of at least a huge page that
    /// has not been offered huge pages yet (DESIGN.md, "Huge pages"). Quiescent use.
    @_spi(Testing) public var stripesAwaitingHugePageAdvice: Int {
        (0..<stripeCount).reduce(0) { n, i in
            let table = core.stripes[i].current
            let large = table.blockBytes >= PageMemory.hugePageSize
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

    /// Tests: closes stripe `stripe`'s current table to new keys as a thread does when it
    /// starts a migration (`Stripe.startMigration`), and never installs a successor: as if
    /// that thread stopped between the close and the install for good.
    @_spi(Testing) public func stallAfterClosing(stripe: Int) {
        core.stripes[stripe].current.close()
    }

    /// Tests: the tombstone counter of stripe `stripe`'s current table.
    @_spi(Testing) public func tombstoneCount(stripe: Int) -> Int {
        Int(truncatingIfNeeded: loadRelaxed(core.stripes[stripe].current.tombstones))
    }

    /// Tests: maps a table of at least `buckets` buckets the way a migration maps a dense
    /// successor (advised huge pages, prefaulted), unpublished; returns its block's address
    /// and size. Free it with `deallocateTableForTesting`. Stops if the memory is refused.
    @_spi(Testing) public static func allocateDenseTableForTesting(buckets: Int) -> (address: UInt, byteCount: Int) {
        guard let table = Table.allocate(code: SizeClass.code(atLeast: UInt64(buckets)), dense: true) else {
            PageMemory.outOfMemory(byteCount: Table.byteCount(buckets: UInt64(buckets)), for: "a test table")
        }
        return (UInt(table.address), table.blockBytes)
    }

    /// Tests: frees a table from `allocateDenseTableForTesting`.
    @_spi(Testing) public static func deallocateTableForTesting(address: UInt) {
        Table(address: UInt64(address)).deallocate()
    }

    /// Whether quarantine mode (LOCKFREEMAP_QUARANTINE=1) is on in this process.
    @_spi(Testing) public static var quarantineIsOn: Bool { PageMemory.quarantineIsOn }

    /// Whether race widening (LOCKFREEMAP_RACE_WIDENING=1 in a debug build) is on.
    @_spi(Testing) public static var raceWideningIsOn: Bool { RaceWindow.isActive }

    /// Bytes the process has mapped for maps right now (all maps: stripes, tables,
    /// thread records). Returns to its previous value when maps are released.
    @_spi(Testing) public static var mappedByteCount: Int { PageMemory.mappedByteCount }

    /// How deeply the calling thread is inside map operations (0 outside any call).
    @_spi(Testing) public static var currentThreadPinDepth: Int { EpochDomain.currentThreadPinDepth }
}
