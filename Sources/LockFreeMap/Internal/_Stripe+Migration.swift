// Migration: how a stripe moves to a new table (to grow, to shrink, or to drop the
// tombstones of removed keys) without a lock and without stopping anyone. The argument
// is docs/DESIGN.md, section 4 ("Migration").
//
// 1. Start: allocate a successor, close the current table to new keys (a CAS of its
//    successor field to `closed`), count the stripe's entries, and install the successor
//    (a CAS from `closed`) if it has room for them all. Only the current table gets a
//    successor, so at most two tables hold entries.
// 2. Move, bucket by bucket, by any number of threads at once: freeze the bucket's four
//    slots in order (a 16-byte CAS per slot that sets FROZEN and keeps control and value),
//    copy each frozen LIVE entry into the successor with an insert-if-absent that treats
//    any slot of the key (even a tombstone) as present, then set the bucket's migrated bit.
//    Every step is idempotent, so a thread that stops anywhere leaves work others can
//    finish. Writers help in chunks of `migrationChunk` buckets claimed with a fetch-add:
//    the stripe's own writers from the first bucket up, and writers to stripes that are not
//    migrating from the last bucket down (a map-wide hint names the migrating stripes). An
//    operation that meets a frozen slot (or is refused by admission) migrates its key's
//    probe range itself (`moveOn`) before it goes on in the successor: nobody waits for the
//    thread that started.
// 3. Finish: the thread whose bit completes the count publishes the successor as the
//    stripe's table with a CAS and retires the old table to epoch reclamation.

// MARK: - Policy: when to grow and shrink, and how large

/// Buckets for a table made for `entries` keys: 44/75 (58.7 %) of its slots used, so that a
/// table grown at 88 % comes out 1.5 times larger (entries / (4 · 44/75) = entries · 75/176
/// buckets). DESIGN.md, "Growth, shrinking and sizes".
@inline(__always) func bucketsToHold(entries: UInt64) -> UInt64 { (entries &* 75 &+ 175) / 176 }

/// Load under which a table larger than its stripe's floor shrinks: fewer than one entry
/// per 8 buckets (3 % of the slots).
@inline(__always) func underShrinkLoad(entries: UInt64, buckets n: UInt64) -> Bool { entries &* 8 < n }

/// The keys a successor is sized for: the live entries, plus the table's tombstones up to
/// as many again. A removed key that comes back revives its tombstone in place, but only
/// while its table lives: a successor sized for the live keys alone would leave churn over a
/// fixed key set no room for the keys that come back, and it would fill with them and be
/// rebuilt over and over, each time copying every entry. Counting tombstones (capped, so
/// that churn over ever-new keys cannot grow a table without bound) gives a stripe whose key
/// set is up to about 3 times its live keys a table that holds the whole set, after which it
/// stops migrating. DESIGN.md, "Growth, shrinking and sizes".
@inline(__always) func keysToHold(entries: UInt64, tombstones: UInt64) -> UInt64 {
    entries &+ Swift.min(tombstones, entries)
}

/// The size code of the successor of a table of `current` buckets holding `tombstones`, for a
/// stripe of `entries` entries whose floor is `floor` buckets: the smallest size class that
/// holds `keysToHold` keys at 44/75 of its slots, at least the floor, and, for a growth (the
/// live keys alone are past the growth load) of a table below `quadrupleBelowBuckets`, at
/// least four times the table.
@inline(__always) func successorCode(current: UInt64, entries: UInt64, tombstones: UInt64, floor: UInt64) -> UInt64 {
    var target = Swift.max(bucketsToHold(entries: keysToHold(entries: entries, tombstones: tombstones)), floor)
    if current < quadrupleBelowBuckets, entries > Table.growthLoad(buckets: current) {
        target = Swift.max(target, current &* 4)
    }
    return SizeClass.code(atLeast: target)
}

/// Tables below 1,024 buckets (64 KiB) grow fourfold: a map grown from empty then makes 3
/// migrations per stripe on its way to 1,024 buckets instead of 8, each with its system calls
/// (the successor's map and prefault, later the old table's unmap), which are what a build's
/// slowest operations pay (DESIGN.md, "Growth without tail spikes"). Bytes per entry matter
/// from about 200,000 keys on, where every table is past this size.
let quadrupleBelowBuckets: UInt64 = 1_024

/// Buckets per migration chunk claimed by a helping writer. Small, so that the writes that
/// help each pay little (DESIGN.md, "Growth without tail spikes").
let migrationChunk: UInt64 = 4

// MARK: - The protocol

extension Stripe {
    /// Starts a migration of `table`: allocates a successor, closes `table` to new keys,
    /// counts the stripe's entries (E) and installs the successor, reallocated if E outgrew
    /// it (DESIGN.md, "Admission": every key the closed table can still hand over is among
    /// E, so the successor has room for every copy). Call only while `table` is current or
    /// closed; if another thread installs first, the install CAS fails and ours is freed.
    ///
    /// One allocation per migration: an optional migration (a growth or a shrink) first
    /// claims the table with a CAS, and a thread that finds it claimed returns at once (the
    /// table stays open until the claimer closes it, a few instructions before it
    /// installs). A `required` caller (its insert was refused, or `reserve`) cannot go on
    /// without a successor and must not wait for the claimer: it allocates its own, and the
    /// install CAS picks one.
    ///
    /// Returns false if the kernel refused the memory before the table was closed: the
    /// migration is then skipped (growth is optional: the map works on at a higher load) and
    /// the claim released. Once the table is closed, or for a `required` caller, a refused
    /// allocation stops the process with a message naming the size (DESIGN.md, "Out of
    /// memory"). Returns true otherwise, also when another thread holds the claim.
    @inline(never) @discardableResult
    func startMigration(of table: Table, required: Bool = false) -> Bool {
        if table.loadSuccessor().isTable { return true }
        if !required {
            // Relaxed load, then acq_rel CAS (the shim has no relaxed CAS): the claim orders
            // nothing; the successor field [U1] publishes the table.
            if loadRelaxed(table.successorClaim) != 0 { return true }
            if !compareExchangeAcqRel(table.successorClaim, expected: 0, desired: 1).exchanged { return true }
        }
        // This operation pays the system calls of a migration (the successor's map and
        // prefault): let it also free what earlier migrations of every stripe retired, so
        // that few operations pay any (DESIGN.md, "Growth without tail spikes").
        collectEveryStripesRetiredTables()
        let floor = loadRelaxed(floorBuckets)
        // Allocated before the close, sized from an estimate, so that the table is closed
        // without a successor only for the few instructions below.
        let current = table.bucketCount
        // Relaxed: the tombstone count only sizes the successor (admission, not this, keeps
        // room for every copy).
        let tombstones = loadRelaxed(table.tombstones)
        var code = successorCode(
            current: current, entries: loadRelaxed(entryCount), tombstones: tombstones, floor: floor)
        guard var successor = allocateSuccessor(code: code, required: required) else {
            _ = fetchAddRelaxed(GlobalWords.skippedMigrations, 1)
            storeRelaxed(table.successorClaim, 0)  // ours (not required): a later operation retries
            return false
        }
        table.close()  // [A2]
        markMigrating(true)  // a hint for other stripes' writers (`helpAnotherStripe`)
        // [A2] seq_cst, after the close (or after the failed CAS that saw it closed): every
        // insert the table admitted counted itself before this load.
        let entries = loadSeqCst(entryCount)
        while entries > Table.growthLoad(buckets: SizeClass.buckets(code: code)) {
            // Another thread may have installed its own meanwhile: then nothing to redo.
            if table.loadSuccessor().isTable { break }
            // Inserts raced past the estimate: a successor that would start over its growth
            // load is too small. The table is closed now: this allocation is required.
            successor.deallocate()
            code = successorCode(current: current, entries: entries, tombstones: tombstones, floor: floor)
            successor = allocateSuccessor(code: code, required: true)!
        }
        if !table.installSuccessor(successor.published) { successor.deallocate() }  // [U1]
        return true
    }

    /// A zeroed table of size `code`, prefaulted if it will be dense; nil if the kernel
    /// refused it and the caller may skip the migration, else the process stops with a
    /// message naming the size.
    private func allocateSuccessor(code: UInt64, required: Bool) -> Table? {
        let n = SizeClass.buckets(code: code)
        // Dense: at least one entry per 16 buckets, four per 4 KiB of buckets.
        let dense = loadRelaxed(entryCount) &* 16 >= n
        if let table = Table.allocate(code: code, dense: dense) { return table }
        if required {
            PageMemory.outOfMemory(
                byteCount: Table.byteCount(buckets: n),
                for: "a table of \(n) buckets (a migration that cannot be skipped)")
        }
        return nil
    }

    /// Makes sure `table` has a successor installed: an insert into it was refused (the
    /// table is closed, or full to its admission limit). Stops the process if the
    /// successor's memory cannot be had (the insert cannot proceed without it).
    @inline(never) func ensureSuccessor(of table: Table) {
        while !table.loadSuccessor().isTable {
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

    /// For an insert refused by admission in `table`: makes sure `table` has a successor,
    /// migrates the key's probe range, and returns the successor's word to continue in.
    @inline(never) func moveOnRefused(from table: Table, hash: UInt64) -> TableWord {
        ensureSuccessor(of: table)
        return moveOn(from: table, hash: hash)
    }

    /// A writer's share of an ongoing migration of `table`: one chunk of buckets, claimed
    /// upward from bucket 0 by the stripe's own writers, or `fromTop` downward from the last
    /// by another stripe's (`helpAnotherStripe`). With `finishIfClaimed`, once every chunk of
    /// the upward cursor is claimed but the migration is not done (a claimer is slow or
    /// stopped), moves every bucket not yet moved.
    @inline(never) func helpMigration(_ table: Table, finishIfClaimed: Bool = false, fromTop: Bool = false) {
        let successor = table.loadSuccessor()  // [U1]
        if !successor.isTable { return }
        let count = table.bucketCount
        // Relaxed: the cursors only spread work; the buckets' own bits decide. The stripe's
        // own writers claim chunks upward from bucket 0, other stripes' writers downward
        // from the last, so that the two kinds of helper work at opposite ends. Each cursor
        // alone covers every bucket: past the point where they cross, a claim finds its
        // buckets' bits set and moves nothing.
        var start: UInt64
        var end: UInt64
        if fromTop {
            let down = Swift.min(fetchAddRelaxed(table.migrationCursorDown, migrationChunk), count)
            end = count &- down
            start = end &- Swift.min(migrationChunk, end)
        } else {
            start = Swift.min(fetchAddRelaxed(table.migrationCursor, migrationChunk), count)
            end = Swift.min(start &+ migrationChunk, count)
        }
        if start < end {
            prefetchChunk(start..<end, of: table, into: successor)
            var flagged: UInt64 = 0
            for b in start..<end where migrateBucket(b, of: table, into: successor) {
                flagged += 1
            }
            countMigrated(flagged, of: table, into: successor)
        } else if finishIfClaimed {
            finishMigration(of: table)
        }
    }

    /// Prefetches a chunk's buckets and the successor buckets their entries go to: the home
    /// function is monotone in the hash, so the keys homed in the chunk, the hashes from
    /// `firstHash(chunk.lowerBound)` up to `firstHash(chunk.upperBound)`, have their homes in
    /// the successor between those two hashes' homes there (the iterator's ranges,
    /// `_Stripe+Iteration.swift`; exact at any size, where b · n' overflowed 64 bits for
    /// tables of billions of buckets). Only hints: nothing is read or ordered.
    @inline(__always) func prefetchChunk(_ chunk: Range<UInt64>, of table: Table, into successor: TableWord) {
        let n = table.bucketCount
        let target = successor.table
        let first = successor.home(of: Self.firstHash(ofBucket: chunk.lowerBound, buckets: n))
        let last = successor.home(of: Self.firstHash(ofBucket: chunk.upperBound, buckets: n) - 1)
        for b in chunk { prefetchForRead(table.bucket(b).base) }
        var b = first
        while b <= last {
            prefetchForWrite(target.bucket(b).base)
            b += 1
        }
    }

    /// Moves every bucket of `table` not moved yet, then publishes the successor itself.
    /// It does not rely on the migrated count: a thread that set a bucket's bit may be
    /// stopped before it counts it, and waiting for that count would be waiting for it.
    /// Every bucket was marked when its `migrateBucket` returned, and a bit is set only
    /// after the bucket's copies, which the bit's acquire load made visible here.
    ///
    /// It stops as soon as the successor is published (by the count, or by another
    /// finisher). It scans from the last bucket down: chunks are claimed upward, so once the
    /// cursor is spent the buckets still being moved are the last few chunks.
    @inline(never) func finishMigration(of table: Table) {
        let successor = table.loadSuccessor()  // [U1]
        if !successor.isTable { return }
        var b = table.bucketCount
        while b > 0 {
            // [S1] acquire, as every load of the table word.
            if currentWord != table.published { return }
            b -= 1
            if migrateBucket(b, of: table, into: successor) {
                countMigrated(1, of: table, into: successor)
            }
        }
        publish(successor, replacing: table)
    }

    /// For an operation on `hash` that met a frozen slot in `table`, or was refused there
    /// after `ensureSuccessor`: migrates the key's probe range (its home bucket and the
    /// buckets after it, up to the first that has an empty slot: by V3 the key's slot, if
    /// any, lies in that range, and the frozen empty slot at its end stops every later
    /// insert of the key in `table`) and returns the successor's word to continue in.
    @inline(never) func moveOn(from table: Table, hash: UInt64) -> TableWord {
        let successor = table.loadSuccessor()  // [U1]: a table (a slot is frozen, or ensured)
        let n = table.bucketCount
        var b = table.published.home(of: hash)
        for _ in 0..<n {
            if migrateBucket(b, of: table, into: successor) { countMigrated(1, of: table, into: successor) }
            // The bucket is frozen now (its bit is set only after its slots froze): its
            // slots never change again.
            if table.bucket(b).hasEmptySlot() { break }
            b = b &+ 1 == n ? 0 : b &+ 1
        }
        return successor
    }

    /// Freezes, copies and marks bucket `b` of `table`, and says whether this call set the
    /// bucket's bit (its caller then counts the bucket, `countMigrated`). Idempotent; any
    /// number of threads may run it on the same bucket at once, and exactly one of them sets
    /// the bit.
    func migrateBucket(_ b: UInt64, of table: Table, into successor: TableWord) -> Bool {
        if table.isMigrated(b) { return false }  // [F1]
        let bucket = table.bucket(b)
        // Freeze, in slot order (V4).
        for i in 0..<slotsPerBucket {
            var c = loadAcquire(bucket.control(i))
            var v = loadAcquire(bucket.value(i))
            while c & slotFrozen == 0 {
                // [V1] seq_cst 16-byte CAS: from now on no write can change the slot.
                let seen = compareExchangePairSeqCst(bucket.control(i), expected: (c, v), desired: (c | slotFrozen, v))
                if seen == (c, v) { break }
                (c, v) = seen
            }
        }
        RaceWindow.widen(.afterFreeze)
        // Copy every live entry (frozen slots never change again).
        for i in 0..<slotsPerBucket {
            let c = loadAcquire(bucket.control(i))
            if c & slotLive != 0 { copy(c & slotHashMask, loadAcquire(bucket.value(i)), into: successor) }
        }
        RaceWindow.widen(.beforeFlag)
        return table.setMigrated(b)  // [F1]: release makes the copies visible with the bit
    }

    /// Counts `flagged` buckets whose bits the caller set (a chunk's, in one fetch-add),
    /// and publishes the successor if they were the last.
    @inline(__always) func countMigrated(_ flagged: UInt64, of table: Table, into successor: TableWord) {
        if flagged == 0 { return }
        // [F2] seq_cst fetch-add: the last one acquires every earlier marker's copies.
        if fetchAddSeqCst(table.migratedCount, flagged) &+ flagged == table.bucketCount {
            publish(successor, replacing: table)
        }
    }

    /// Insert-if-absent of a frozen entry into the successor, where a slot of the key in
    /// any state (live, tombstone, frozen) counts as present: the successor's copy, once
    /// made, may have been changed or removed since, and must win. A frozen slot in the
    /// successor means its own migration has begun, which happens only after this bucket was
    /// copied by the thread that marked it: this copy is a late duplicate. Never refused:
    /// admission keeps room for every copy (DESIGN.md, "Admission").
    func copy(_ hash: UInt64, _ value: UInt64, into successorWord: TableWord) {
        // The probe of `upsert` (_Stripe+Operations.swift), for an insert-if-absent that
        // counts any slot of the key as present; see there for why it is written out.
        let successor = successorWord.table
        let n = successorWord.bucketCount
        var b = successorWord.home(of: hash)
        for _ in 0..<n {
            let bucket = successor.bucket(b)
            var i = 0
            while i < slotsPerBucket {
                let c = loadAcquire(bucket.control(i))
                if c & slotFrozen != 0 { return }
                if c == 0 {
                    // [P1] seq_cst 16-byte CAS, as an insert.
                    let seen = compareExchangePairSeqCst(
                        bucket.control(i), expected: (0, 0), desired: (liveControl(hash), value))
                    if seen == (0, 0) { return }
                    continue  // the slot changed: look at it again
                }
                if isSlot(c, of: hash) { return }
                i += 1
            }
            b = b &+ 1 == n ? 0 : b &+ 1
        }
        fatalError(
            "LockFreeInt64Map: internal error: a table being filled by a migration has no empty slot for a copy (admission, V5, was broken)"
        )
    }

    /// Makes `successor` the stripe's table once every bucket of `table` has been moved,
    /// and retires `table`. Idempotent: only the first CAS succeeds, and `table` cannot
    /// be published again while the caller is pinned (it is retired, not freed).
    func publish(_ successor: TableWord, replacing table: Table) {
        RaceWindow.widen(.beforePublish)
        // [S1] seq_cst CAS: release publishes the successor with every copy into it.
        let (published, _) = compareExchangeSeqCst(tableWord, expected: table.published.raw, desired: successor.raw)
        guard published else { return }
        markMigrating(false)
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
        if table.peekSuccessor().isTable {
            helpMigration(table)
        } else if loadRelaxed(migratingStripes) != 0 {
            helpAnotherStripe()
        }
        if loadRelaxed(retiredHead) != 0, EpochDomain.tick(record) { collectRetiredTables() }
        return word
    }

    /// A write to a stripe that is not migrating moves a chunk of another stripe's migration:
    /// that of the first stripe after this one whose bit is set in the map's migrating-stripes
    /// hint, from the top of its table down (`helpMigration(fromTop:)`). So a migration ends
    /// after about 1/64 of the writes it took when only its own stripe's writes moved it, and
    /// fewer stripes hold an old table and a whole successor at once (DESIGN.md, "Who moves a
    /// migration"). The total work is the same.
    ///
    /// The hint is only a hint: a bit set late (after the migration it announces has been
    /// published) is cleared here once the stripe's table is found open, and a bit lost that
    /// way costs that migration only the help of other stripes.
    @inline(never) func helpAnotherStripe() {
        let mask = loadRelaxed(migratingStripes)
        if mask == 0 { return }
        let shift = UInt64((index &+ 1) & (stripeCount &- 1))
        let rotated = shift == 0 ? mask : (mask >> shift) | (mask << (64 &- shift))
        let other = Int((UInt64(rotated.trailingZeroBitCount) &+ shift) & UInt64(stripeCount &- 1))
        let stripe = stripeArray[other]
        let table = stripe.current
        let successor = table.peekSuccessor()
        guard successor.isTable else {
            // Open: the bit outlived its migration (set by a closer after the publication
            // cleared it). Closed, no successor yet: the migration is starting; leave it.
            if successor.isNone { stripe.markMigrating(false) }
            return
        }
        // Relaxed loads: only a hint of work left; `helpMigration` claims it. Once every
        // chunk is claimed, a fetch-add on the cursor would only make every write of the map
        // contend for its line until the publication.
        guard loadRelaxed(table.migrationCursor) &+ loadRelaxed(table.migrationCursorDown) < table.bucketCount
        else { return }
        stripe.helpMigration(table, fromTop: true)
    }

    /// Sets (`migrating`) or clears this stripe's bit in the map's migrating-stripes hint. A
    /// CAS loop (an atomic fetch-or / fetch-and): it retries only when another stripe's bit
    /// changed. Relaxed in effect (the shim's CAS is acq_rel): the hint orders nothing, every
    /// decision is taken on the tables' own words.
    func markMigrating(_ migrating: Bool) {
        let bit = UInt64(1) << UInt64(index)
        var seen = loadRelaxed(migratingStripes)
        while true {
            let desired = migrating ? seen | bit : seen & ~bit
            if desired == seen { return }
            let (done, now) = compareExchangeAcqRel(migratingStripes, expected: seen, desired: desired)
            if done { return }
            seen = now
        }
    }

    /// After an insert into the table published as `word` that brought the stripe to
    /// `entries` and the table to `used` slots in use (live keys and tombstones, as
    /// admission counted them): while a migration runs (the insert went to the successor),
    /// move a second chunk; past the growth load, start growing (unless another thread is
    /// mapping the successor: `startMigration`), or once every chunk is claimed finish the
    /// migration.
    @inline(__always) func afterInsert(_ word: TableWord, entries: UInt64, used: UInt64) {
        let table = word.table
        let n = word.bucketCount
        // A presized table starts advised against huge pages (it may stay sparse); once
        // it holds one entry per 16 buckets, most of its pages are touched anyway.
        // At or past that count, not at it: an insert that counted itself and then lost
        // its CAS makes the next insert see one more, so any one count can be skipped.
        // The flag (1 at once for a table too small for huge pages) makes it one load.
        if entries >= n >> 4, loadRelaxed(table.hugePagesAdvised) == 0 { table.adviseHugePages() }
        let current = currentWord
        if current != word {
            // An insert into a successor still being filled (every insert goes there while
            // a migration runs): a second chunk, so that the old table is left, and freed,
            // after about an eighth of its bucket count in inserts rather than a quarter;
            // past the successor's own growth load, finish the migration, after which it
            // can grow.
            helpMigration(current.table, finishIfClaimed: used > Table.growthLoad(buckets: n))
            return
        }
        guard used > Table.growthLoad(buckets: n) else { return }
        let successor = table.loadSuccessor()
        if successor.isNone {
            startMigration(of: table)
        } else if successor.isTable {
            helpMigration(table, finishIfClaimed: true)
        }
    }

    /// After a removal that left the stripe with `entries`: shrink a table grown past
    /// the stripe's floor that is now mostly empty.
    @inline(__always) func afterRemove(entries: UInt64) {
        let table = current
        let n = table.bucketCount
        if underShrinkLoad(entries: entries, buckets: n), n > loadRelaxed(floorBuckets),
            table.peekSuccessor().isNone
        {
            startMigration(of: table)
        }
    }
}

// MARK: - reserveCapacity

extension Stripe {
    /// Makes the stripe's current table at least `target` buckets and keeps it there: the
    /// floor (`floorBuckets`, which both sizes new tables and stops shrinking) is raised
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
    func reserve(buckets target: UInt64) {
        var floor = loadRelaxed(floorBuckets)
        while floor < target {
            let (raised, seen) = compareExchangeAcqRel(floorBuckets, expected: floor, desired: target)
            if raised { break }
            floor = seen
        }
        while true {
            let word = currentWord
            let table = word.table
            if word.bucketCount >= target {
                let successor = table.loadSuccessor()  // [U1]
                if successor.isNone || (successor.isTable && successor.bucketCount >= target) { return }
                if !successor.isTable {
                    // Closed by a migration whose successor is not installed yet: install one
                    // (sized from the raised floor) rather than wait for it.
                    startMigration(of: table, required: true)
                    continue
                }
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
    ///
    /// With `mayAdvance` false it only frees what the epoch already allows (a sweep over
    /// every stripe advances at most once: `collectEveryStripesRetiredTables`). Returns
    /// whether it tried to advance.
    @discardableResult
    func collectRetiredTables(mayAdvance: Bool = true) -> Bool {
        if loadRelaxed(retiredHead) == 0 { return false }
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
        let advancing = mayAdvance && newest &+ 2 > epoch
        if advancing, EpochDomain.tryAdvance() { epoch = EpochDomain.epochForRetire() }
        while list != 0 {
            let table = Table(address: list)
            list = loadRelaxed(table.retiredLink)
            if loadRelaxed(table.retireEpoch) &+ 2 <= epoch {
                table.deallocate()
            } else {
                pushRetired(table)  // keeps the epoch it was retired in
            }
        }
        return advancing
    }

    /// `collectRetiredTables` on every stripe of the map that holds retired tables, with at
    /// most one epoch advance for the whole sweep. Called by the operation that starts a
    /// migration, which pays system calls anyway: stripes grow at different moments (their
    /// first tables are staggered), so migrations start often across the map, and each one
    /// frees what every stripe retired two advances ago, instead of leaving an old table until
    /// its own stripe's next try (DESIGN.md, "When tables are freed").
    func collectEveryStripesRetiredTables() {
        let stripes = stripeArray
        var mayAdvance = true
        for i in 0..<stripeCount where loadRelaxed(stripes[i].retiredHead) != 0 {
            if stripes[i].collectRetiredTables(mayAdvance: mayAdvance) { mayAdvance = false }
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
