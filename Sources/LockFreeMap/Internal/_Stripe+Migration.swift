// Migration: how a stripe moves to a new table (to grow, to shrink, or to drop the
// tombstones of removed keys) without a lock and without stopping anyone. The argument
// is docs/DESIGN.md, section 4 ("Migration").
//
// 1. Start: one CAS installs a fresh, empty successor in the current table's header.
//    Only the current table gets a successor, so at most two tables take entries.
// 2. Move, bucket by bucket, by any number of threads at once: freeze every slot and
//    link of the chain in chain order (a 16-byte CAS per slot that sets FROZEN and
//    keeps control and value), then copy each frozen LIVE entry into the successor
//    with an insert-if-absent that treats any slot of the key (even a tombstone) as
//    present, then set the head bucket's migrated flag with a CAS. Every step is
//    idempotent, so a thread that stops anywhere leaves work others can finish.
//    Writers help in chunks of `migrationChunk` buckets claimed with a fetch-add, and
//    any operation that meets a frozen slot moves that whole bucket itself before it
//    goes on in the successor: nobody waits for the thread that started.
// 3. Finish: the thread whose flag CAS completes the count publishes the successor as
//    the stripe's table with a CAS and retires the old table to epoch reclamation.

// MARK: - Policy: when to grow and shrink, and how large

/// Load that makes a table grow: more than 5/2 entries per bucket on average (of 3
/// slots). Growing doubles the table, or quadruples one below `quadrupleBelowLog2`
/// (`successorLog2`). DESIGN.md, "Growth, shrinking and sizes".
@inline(__always) func exceedsGrowthLoad(entries: UInt64, log2: UInt64) -> Bool {
    entries &* 2 > (5 << log2)
}

/// Load under which a table larger than its stripe's initial one shrinks: fewer than
/// one entry per 8 buckets.
@inline(__always) func underShrinkLoad(entries: UInt64, log2: UInt64) -> Bool {
    entries &* 8 < (1 << log2)
}

/// The log2 bucket count of a table made for `entries` entries: the fewest buckets that
/// hold at most 2 entries each, and at least 2^`floor`. A table that grows at 2.5 per
/// bucket therefore doubles (to 1.25 per bucket), and one that shrinks at 1/8 per bucket
/// comes out at more than 1 and at most 2 per bucket (or at the floor).
func tableLog2(forEntries entries: UInt64, atLeast floor: UInt64) -> UInt64 {
    var log2 = max(floor, minimumTableLog2)
    while entries > (2 << log2), log2 < 56 { log2 += 1 }
    return log2
}

/// The log2 bucket count of the successor of a table of 2^`current` buckets, for a stripe
/// of `entries` entries whose floor is 2^`floor`: `tableLog2`, except that a growth (the
/// table is over its growth load) of a table below `quadrupleBelowLog2` quadruples it
/// (32 -> 128 on the 81st entry, 128 -> 512, 512 -> 2,048; then 2,048 -> 4,096, ...).
func successorLog2(ofLog2 current: UInt64, entries: UInt64, floor: UInt64) -> UInt64 {
    let log2 = tableLog2(forEntries: entries, atLeast: floor)
    guard current < quadrupleBelowLog2, exceedsGrowthLoad(entries: entries, log2: current) else { return log2 }
    return max(log2, current + 2)
}

/// Tables smaller than 2^10 buckets (64 KiB) grow fourfold: a map grown from empty makes
/// 5 migrations per stripe on its way to a million keys instead of 8 (each a handful of
/// system calls: map, prefault, and later the free), for at most 64 KiB more per stripe
/// while small (a table of 2,048 buckets where doubling would have made 1,024).
let quadrupleBelowLog2: UInt64 = 10

/// The smallest table: 32 buckets. Its header, buckets and pool (16 buckets) take 3,264
/// bytes, within one page (4 KiB or more), the least a table can take, so an empty
/// stripe costs no more than with 8 buckets, and a growing map makes fewer migrations per
/// stripe (DESIGN.md, "Growth, shrinking and sizes").
let minimumTableLog2: UInt64 = 5
/// Buckets per migration chunk claimed by a helping writer. Small, so that the writes
/// that help (about one in four of a build) each pay little: with 16 a build's p99
/// latency was a chunk's 3 µs, with 4 about 1.5 µs, with 2 about 1 µs; with 1 the
/// claims and counts of the chunks cost more than they save (DESIGN.md, "Growth without
/// tail spikes").
let migrationChunk: UInt64 = 2

// MARK: - The protocol

extension Stripe {
    /// Installs a successor for `table`, sized for the stripe's entries (at most 2 per
    /// bucket, never below the initial size; a small table that grows quadruples:
    /// `successorLog2`). Call only while `table` is current
    /// (a successor of a table that was never current would break the one-migration-
    /// at-a-time rule): if it stops being current before our CAS, it has a successor
    /// already and the CAS fails. Allocates the table; the losing racer frees its own.
    ///
    /// One allocation per migration: an optional migration (a growth or a shrink) first
    /// claims the table with a CAS, and a thread that finds it claimed returns at once (the
    /// table stays usable until the successor is installed: its operation goes on there)
    /// instead of mapping and prefaulting a successor of its own, only to unmap it when its
    /// install CAS loses. A `required` caller (its insert found the pool empty, or
    /// `reserve`) cannot go on without a successor and must not wait for the claimer: it
    /// allocates its own, and the install CAS picks one (DESIGN.md, section 7).
    ///
    /// Returns false if the kernel refused the table's memory: the migration is then
    /// skipped (growth and shrinking are optional: the map works on at a higher or lower
    /// load) and the claim released for a later operation to try, unless it is `required`,
    /// in which case the process stops with a message naming the size (DESIGN.md, "Out of
    /// memory"). Returns true otherwise, also when another thread holds the claim.
    @inline(never) @discardableResult
    func startMigration(of table: Table, required: Bool = false) -> Bool {
        if !table.loadSuccessor().isNone { return true }
        if !required {
            // Relaxed load, then acq_rel CAS (the shim has no relaxed CAS): the claim orders
            // nothing; the successor word [U1] publishes the table.
            if loadRelaxed(table.successorClaim) != 0 { return true }
            if !compareExchangeAcqRel(table.successorClaim, expected: 0, desired: 1).exchanged { return true }
        }
        // This operation pays the system calls of a migration (the successor's map and
        // prefault): let it also free what earlier migrations retired, so that few
        // operations pay any (DESIGN.md, "Growth without tail spikes").
        collectRetiredTables()
        let entries = loadRelaxed(entryCount)
        let log2 = successorLog2(ofLog2: table.log2, entries: entries, floor: loadRelaxed(floorLog2))
        // Room for every entry `table` can end up holding, as if each chain were packed
        // three to a bucket: its head buckets, plus the overflow buckets it has handed
        // out or may still hand out to new inserts. (Copies into `table` itself are all
        // done: it is current.) DESIGN.md, "Migration", M5.
        let overflow = max(loadRelaxed(table.poolUsed), table.freshLimit)
        let reserve = table.bucketCount + overflow
        // Dense: at least one entry per 16 buckets, four per 4 KiB of buckets.
        let dense = entries &* 16 >= UInt64(1) << log2
        guard let successor = Table.allocate(log2: log2, copyReserve: reserve, dense: dense) else {
            if required {
                PageMemory.outOfMemory(
                    byteCount: Table.byteCount(log2: log2, copyReserve: reserve),
                    for: "a table of \(UInt64(1) << log2) buckets (an insert found its table full)")
            }
            _ = fetchAddRelaxed(GlobalWords.skippedMigrations, 1)
            storeRelaxed(table.successorClaim, 0)  // ours (not required): a later operation retries
            return false
        }
        if !table.installSuccessor(successor.published) { successor.deallocate() }  // [U1]
        return true
    }

    /// Makes sure `table` (current, or the successor of the current table) has a
    /// successor: the pool of `table` is out of room for new inserts. Stops the process
    /// if the successor's memory cannot be had (the insert cannot proceed without it).
    @inline(never) func ensureSuccessor(of table: Table) {
        while table.loadSuccessor().isNone {
            let word = currentWord
            if word == table.published {
                startMigration(of: table, required: true)
            } else {
                // `table` is still being filled by the current table's migration:
                // finish that one first (every bucket; idempotent, no waiting).
                finishMigration(of: word.table)
            }
        }
    }

    /// A writer's share of an ongoing migration of `table`: one chunk of buckets. With
    /// `finishIfClaimed`, once every chunk is claimed but the migration is not done (a
    /// claimer is slow or stopped), moves every bucket not yet moved.
    @inline(never) func helpMigration(_ table: Table, finishIfClaimed: Bool = false) {
        let successor = table.loadSuccessor()  // [U1]
        if successor.isNone { return }
        let count = table.bucketCount
        // Relaxed: the cursor only spreads work; the buckets' own flags decide.
        let start = fetchAddRelaxed(table.migrationCursor, migrationChunk)
        if start < count {
            let end = min(start + migrationChunk, count)
            prefetchChunk(start..<end, of: table, into: successor)
            var flagged: UInt64 = 0
            for b in start..<end where migrateBucket(table.bucket(b), of: table, into: successor) {
                flagged += 1
            }
            countMigrated(flagged, of: table, into: successor)
        } else if finishIfClaimed {
            finishMigration(of: table)
        }
    }

    /// Prefetches a chunk's head buckets and the successor buckets their entries go to
    /// (for a growth by 2^g, head b's entries go to b + k * bucketCount, k < 2^g; for a
    /// shrink, to b mod the successor's count), so that the chunk's misses overlap
    /// instead of following each other. Only hints: nothing is read or ordered.
    @inline(__always) func prefetchChunk(_ chunk: Range<UInt64>, of table: Table, into successor: TableWord) {
        let log2 = table.log2
        let successorLog2 = successor.log2
        let fanOut: UInt64 = successorLog2 > log2 ? UInt64(1) << Swift.min(successorLog2 - log2, 2) : 1
        for b in chunk {
            prefetchForRead(table.bucket(b).base)
            for k in 0..<fanOut {
                prefetchForWrite(successor.bucket(forHash: b &+ k << log2).base)
            }
        }
    }

    /// Moves every bucket of `table` not moved yet, then publishes the successor itself.
    /// It does not rely on the migrated count: a thread that won a bucket's flag may be
    /// stopped before it counts it, and waiting for that count would be waiting for it.
    /// Every bucket was flagged when its `migrateBucket` returned, and a flag is set only
    /// after the chain's copies, which the flag's acquire load made visible here.
    ///
    /// It stops as soon as the successor is published (by the count, or by another
    /// finisher): every bucket is moved then, and scanning on would only load flags. It
    /// scans from the last bucket down: chunks are claimed upward, so once the cursor is
    /// spent the buckets still being moved are the last few chunks, and the count that
    /// publishes usually comes after a handful of buckets instead of a whole table's flags.
    @inline(never) func finishMigration(of table: Table) {
        let successor = table.loadSuccessor()  // [U1]
        if successor.isNone { return }
        var b = table.bucketCount
        while b > 0 {
            // [S1] acquire, as every load of the table word.
            if currentWord != table.published { return }
            b -= 1
            if migrateBucket(table.bucket(b), of: table, into: successor) {
                countMigrated(1, of: table, into: successor)
            }
        }
        publish(successor, replacing: table)
    }

    /// For an operation that met a frozen slot or link in `head`'s chain: moves the
    /// chain to the successor (so that the key's entry, if any, is there before the
    /// operation acts on it) and returns the successor's word to continue in.
    @inline(never) func moveOn(from table: Table, head: Bucket) -> TableWord {
        let successor = table.loadSuccessor()  // [U1]: not none, a slot is frozen
        if migrateBucket(head, of: table, into: successor) { countMigrated(1, of: table, into: successor) }
        return successor
    }

    /// Freezes, copies and flags one chain, and says whether this call set the flag (its
    /// caller then counts the bucket, `countMigrated`). Idempotent; any number of threads
    /// may run it on the same chain at once, and exactly one of them sets the flag.
    func migrateBucket(_ head: Bucket, of table: Table, into successor: TableWord) -> Bool {
        // [F1] acquire: pairs with the flag CAS, so every copy of this chain is visible.
        if loadAcquire(head.migrated) != 0 { return false }
        // Freeze, in chain order.
        var b = head
        while true {
            for i in 0..<slotsPerBucket {
                var c = loadAcquire(b.control(i))
                var v = loadAcquire(b.value(i))
                while c & slotFrozen == 0 {
                    // [V1] seq_cst 16-byte CAS: from now on no write can change the slot.
                    let seen = compareExchangePairSeqCst(b.control(i), expected: (c, v), desired: (c | slotFrozen, v))
                    if seen == (c, v) { break }
                    (c, v) = seen
                }
            }
            var link = loadAcquire(b.link)  // [C2]
            while link & linkFrozen == 0 {
                // seq_cst CAS: no bucket can be appended to a frozen chain.
                let (frozen, seen) = compareExchangeSeqCst(b.link, expected: link, desired: link | linkFrozen)
                if frozen { break }
                link = seen
            }
            let next = link & ~linkFrozen
            if next == 0 { break }
            b = Bucket(next)
        }
        RaceWindow.widen(.afterFreeze)
        // Copy every live entry (frozen slots never change again).
        b = head
        while true {
            for i in 0..<slotsPerBucket {
                let c = loadAcquire(b.control(i))
                if c & slotLive != 0 { copy(c & slotHashMask, loadAcquire(b.value(i)), into: successor) }
            }
            let next = loadAcquire(b.link) & ~linkFrozen
            if next == 0 { break }
            b = Bucket(next)
        }
        RaceWindow.widen(.beforeFlag)
        // [F1] acq_rel CAS: release makes the copies visible to whoever sees the flag.
        return compareExchangeAcqRel(head.migrated, expected: 0, desired: 1).exchanged
    }

    /// Counts `flagged` buckets whose flags the caller set (a chunk's, in one fetch-add),
    /// and publishes the successor if they were the last.
    @inline(__always) func countMigrated(_ flagged: UInt64, of table: Table, into successor: TableWord) {
        if flagged == 0 { return }
        // [F2] seq_cst fetch-add: the last one acquires every earlier flagger's copies.
        if fetchAddSeqCst(table.migratedCount, flagged) &+ flagged == table.bucketCount {
            publish(successor, replacing: table)
        }
    }

    /// Insert-if-absent of a frozen entry into the successor, where a slot of the key in
    /// any state (live, tombstone, frozen) counts as present: the successor's copy, once
    /// made, may have been changed or removed since, and must win. A frozen slot or link
    /// in the successor means its own migration has begun, which happens only after this
    /// chain was copied by the thread that flagged it: this copy is a late duplicate.
    func copy(_ hash: UInt64, _ value: UInt64, into successorWord: TableWord) {
        // The chain walk of `upsert` (_Stripe+Operations.swift), for an insert-if-absent
        // that counts any slot of the key as present; see there for why it is written out.
        var b = successorWord.bucket(forHash: hash)
        var i = 0
        while true {
            let c = loadAcquire(b.control(i))
            if c & slotFrozen != 0 { return }
            if c == 0 {
                // [P1] seq_cst 16-byte CAS, as an insert.
                if compareExchangePairSeqCst(b.control(i), expected: (0, 0), desired: (liveControl(hash), value)) == (
                    0, 0
                ) {
                    return
                }
                continue
            }
            if isSlot(c, of: hash) { return }
            i += 1
            if i < slotsPerBucket { continue }
            var link = loadAcquire(b.link)  // [C2]
            if link == 0 {
                let successor = successorWord.table
                guard let fresh = successor.allocateOverflow(forCopy: true) else {
                    PageMemory.outOfMemory(
                        byteCount: Table.extensionBytes, for: "overflow buckets of a table being migrated")
                }
                storeRelaxed(fresh.control(0), liveControl(hash))
                storeRelaxed(fresh.value(0), value)
                RaceWindow.widen(.beforeLink)
                let (linked, seen) = compareExchangeSeqCst(b.link, expected: 0, desired: fresh.address)  // [P1]
                if linked { return }
                successor.giveBack(fresh)
                link = seen
            }
            if link & linkFrozen != 0 { return }
            b = Bucket(link)
            i = 0
        }
    }

    /// Makes `successor` the stripe's table once every bucket of `table` has been moved,
    /// and retires `table`. Idempotent: only the first CAS succeeds, and `table` cannot
    /// be published again while the caller is pinned (it is retired, not freed).
    func publish(_ successor: TableWord, replacing table: Table) {
        RaceWindow.widen(.beforePublish)
        // [S1] seq_cst CAS: release publishes the successor with every copy into it.
        let (published, _) = compareExchangeSeqCst(tableWord, expected: table.published.raw, desired: successor.raw)
        guard published else { return }
        _ = fetchAddRelaxed(resizeCount, 1)
        retire(table)
    }
}

// MARK: - Around every write

extension Stripe {
    /// The table word a write starts from, after its share of the stripe's housekeeping:
    /// a chunk of an ongoing migration, and now and then an attempt to free the tables
    /// that migrations retired.
    @inline(__always) func beginWrite(record: ThreadRecord) -> TableWord {
        let word = currentWord
        let table = word.table
        if !table.peekSuccessor().isNone { helpMigration(table) }
        if loadRelaxed(retiredHead) != 0, EpochDomain.tick(record) { collectRetiredTables() }
        return word
    }

    /// After an insert that brought the stripe to `entries`: if the current table is
    /// loaded past its limit, start growing (unless another thread is mapping the
    /// successor: `startMigration`), or, while the migration runs, move a second chunk (a
    /// table over its load should be left soon), and once every chunk is claimed finish
    /// the migration (`finishMigration`: from the last bucket, until it is published).
    @inline(__always) func afterInsert(entries: UInt64) {
        let table = current
        // A presized table starts advised against huge pages (it may stay sparse); once
        // it holds one entry per 16 buckets, most of its pages are touched anyway.
        // At or past that count, not at it: an insert that counted itself and then lost
        // its CAS makes the next insert see one more, so any one count can be skipped.
        // The flag (1 at once for a table too small for huge pages) makes it one load.
        if entries >= table.bucketCount >> 4, loadRelaxed(table.hugePagesAdvised) == 0 { table.adviseHugePages() }
        guard exceedsGrowthLoad(entries: entries, log2: table.log2) else { return }
        if table.loadSuccessor().isNone {
            startMigration(of: table)
        } else {
            helpMigration(table, finishIfClaimed: true)
        }
    }

    /// After a removal that left the stripe with `entries`: shrink a table grown past
    /// the stripe's initial size that is now mostly empty.
    @inline(__always) func afterRemove(entries: UInt64) {
        let table = current
        if underShrinkLoad(entries: entries, log2: table.log2), table.log2 > loadRelaxed(floorLog2),
            table.peekSuccessor().isNone
        {
            startMigration(of: table)
        }
    }
}

// MARK: - reserveCapacity

extension Stripe {
    /// Makes the stripe's current table at least 2^`log2` buckets and keeps it there: the
    /// floor (`floorLog2`, which both sizes new tables and stops shrinking) is raised
    /// monotonically first, so every migration started afterwards is at least this large.
    /// It returns only once the current table is that large and has no smaller successor:
    /// a migration to a smaller table (a shrink that removals started before the floor
    /// rose) is finished first, and then the stripe grows again.
    ///
    /// An insert or removal running concurrently may have read the floor before it rose and
    /// still install a smaller successor after this returns (sized from the old floor); the
    /// stripe then holds that table until its next migration, which is a growth to at
    /// least this size (a table at or below the floor never shrinks).
    /// The caller must be pinned.
    func reserve(log2 target: UInt64) {
        var floor = loadRelaxed(floorLog2)
        while floor < target {
            let (raised, seen) = compareExchangeAcqRel(floorLog2, expected: floor, desired: target)
            if raised { break }
            floor = seen
        }
        while true {
            let word = currentWord
            let table = word.table
            if word.log2 >= target {
                let successor = table.loadSuccessor()  // [U1]
                if successor.isNone || successor.log2 >= target { return }
                // A smaller successor: finish its migration, then grow from it.
                finishMigration(of: table)
                continue
            }
            // Either a migration is under way (perhaps to a smaller table, started before
            // the floor rose: finish it and look again) or we start one, sized from
            // max(entries, floor) >= target. finishMigration moves every bucket not moved
            // and publishes; if another thread publishes first, the next loop sees it.
            // Required: reserving is not optional work, so a table that cannot be mapped
            // stops with a message naming its size (instead of looping here for ever).
            startMigration(of: table, required: true)  // does nothing if one is under way
            finishMigration(of: table)
        }
    }
}

// MARK: - Retired tables

extension Stripe {
    /// Hands a table that no thread can newly reach (the stripe no longer publishes it)
    /// to reclamation: it is freed once the epoch has advanced twice past this point.
    func retire(_ table: Table) {
        // [R1] the unpublishing CAS happened before this RMW; see epochForRetire.
        storeRelaxed(table.retireEpoch, EpochDomain.epochForRetire())
        pushRetired(table)
    }

    /// Tries to advance the epoch, then frees every retired table at least two epochs
    /// old and puts the others back. Lock-free: an exchange, frees, and a push.
    func collectRetiredTables() {
        if loadRelaxed(retiredHead) == 0 { return }
        // [L1] acquire: pairs with the release of every push.
        var list = exchangeAcqRel(retiredHead, 0)
        var epoch = EpochDomain.epochForRetire()
        // Advance only if a table taken still needs it: the epoch is shared by every
        // stripe and map, and another collector's advance may have done the work, which
        // spares this operation the membarrier an advance costs.
        var newest: UInt64 = 0
        var scan = list
        while scan != 0 {
            newest = Swift.max(newest, loadRelaxed(Table(address: scan).retireEpoch))
            scan = loadRelaxed(Table(address: scan).retiredLink)
        }
        if newest &+ 2 > epoch, EpochDomain.tryAdvance() { epoch = EpochDomain.epochForRetire() }
        while list != 0 {
            let table = Table(address: list)
            list = loadRelaxed(table.retiredLink)
            if loadRelaxed(table.retireEpoch) &+ 2 <= epoch {
                table.deallocate()
            } else {
                pushRetired(table)  // keeps the epoch it was retired in
            }
        }
    }

    /// Pushes `table` on the retired list (a Treiber stack).
    private func pushRetired(_ table: Table) {
        var head = loadRelaxed(retiredHead)
        while true {
            storeRelaxed(table.retiredLink, head)
            // [L1] acq_rel: release publishes the link and the retire epoch to the collector.
            let (pushed, seen) = compareExchangeAcqRel(retiredHead, expected: head, desired: table.address)
            if pushed { return }
            head = seen
        }
    }
}
