// The single-key operations on a stripe: lookup, upsert (insert / replace / add /
// compare-exchange) and remove. Every linearization point is named at its line; the
// argument is docs/DESIGN.md, section 3.
//
// In short:
// - A key's entry lives in one slot of the table that is current for it: the stripe's
//   table, or that table's successor once the key's probe range has been migrated
//   (`_Stripe+Migration.swift`).
// - A probe walks the buckets from the key's home bucket, four slots each, and stops at the
//   key's slot or at the first empty slot: an insert fills the first empty slot, so the key,
//   if present, lies before it (V3).
// - Reads load control then value (acquire, no write, no allocation). Every change is one
//   16-byte CAS on (control, value) that expects the slot unfrozen, so no write can land on
//   a slot a migration has frozen, and a removal reads the final value in the same step.
// - An insert is admitted first (`admit`): a table that is closed for a migration, or full
//   to its admission limit, takes no new key; the insert then moves on to the successor.

/// Outcome of `upsert`.
struct UpsertOutcome {
    /// Whether the key was present at the linearization point.
    var wasPresent: Bool
    /// The value before the operation (meaningful when `wasPresent`).
    var oldValue: UInt64
    /// Whether the map changed (a value stored, or an entry inserted).
    var changed: Bool
    /// The value stored by the operation (meaningful when `changed`).
    var newValue: UInt64
}

/// Outcome of `remove`.
struct RemoveOutcome {
    var wasPresent: Bool
    var oldValue: UInt64
    var removed: Bool
}

/// What a probe of one table found for a hash.
enum ProbeState { case missing, live, tombstone }

/// What an attempt on the key's own slot came to.
enum SlotAttempt<Outcome> {
    /// The operation took effect (or decided not to): its outcome.
    case done(Outcome)
    /// The slot is frozen: the key has moved on to the successor.
    case frozen
    /// A revival was refused by admission: the table takes no new key.
    case refused
}

extension Stripe {
    // MARK: Reading

    /// The index of the key's slot in bucket `b`, if the bucket holds one, found without
    /// a branch per slot: which slot holds a key is random, and a branch per slot
    /// mispredicted on most lookups. The four compares set bits of a mask, one test of it
    /// branches (x86-64 code folds slot 3's compare into that test), and the index is its
    /// lowest set bit: 12 instructions fewer per operation than the minimum of four
    /// differences it replaced (callgrind: 129 → 117 per read, 163 → 151 per counter add,
    /// K = 1,000). Each control load is [C1]; a slot's hash never changes once USED (V1),
    /// so the index stays the key's slot whatever happens next.
    @inline(__always) static func slotIndex(in b: Bucket, of hash: UInt64) -> Int? {
        let target = slotUsed | hash
        let keyBits = slotUsed | slotHashMask
        // Bit i of `match` is set iff slot i holds the key; at most one is (V2). One branch
        // on the mask, then the index is its lowest set bit.
        var match: UInt64 = (loadAcquire(b.control(0)) & keyBits) == target ? 1 : 0
        match |= (loadAcquire(b.control(1)) & keyBits) == target ? 2 : 0
        match |= (loadAcquire(b.control(2)) & keyBits) == target ? 4 : 0
        match |= (loadAcquire(b.control(3)) & keyBits) == target ? 8 : 0
        if match == 0 { return nil }
        return match.trailingZeroBitCount
    }

    /// The key's slot in the table published as `word`, or the empty slot that ends its
    /// probe. `frozen` tells whether that slot was frozen by a migration.
    @inline(__always) static func probe(_ word: TableWord, _ hash: UInt64) -> (
        state: ProbeState, value: UInt64, frozen: Bool
    ) {
        let head = word.bucket(forHash: hash)
        if let i = slotIndex(in: head, of: hash) {
            // The common case: the key is in its home bucket. LP as below, with the
            // control load repeated here.
            let c = loadAcquire(head.control(i))  // [C1]
            let v = loadAcquire(head.value(i))
            return (c & slotLive != 0 ? .live : .tombstone, v, c & slotFrozen != 0)
        }
        let table = word.table
        let n = word.bucketCount
        var b = word.home(of: hash)
        var c: UInt64 = 0
        for _ in 0..<n {
            let bucket = table.bucket(b)
            for i in 0..<slotsPerBucket {
                // [C1] acquire: pairs with the CAS that filled the slot (its release), so
                // the value loaded next is at least the inserted one.
                c = loadAcquire(bucket.control(i))
                if c & slotUsed == 0 { return (.missing, 0, c & slotFrozen != 0) }
                if isSlot(c, of: hash) {
                    let v = loadAcquire(bucket.value(i))  // [C1]
                    return (c & slotLive != 0 ? .live : .tombstone, v, c & slotFrozen != 0)
                }
            }
            b = b &+ 1 == n ? 0 : b &+ 1
        }
        // Every slot USED: unreachable while V5 holds (admission keeps a slot of every table
        // empty). Defensively, "missing", frozen as its last slot says.
        return (.missing, 0, c & slotFrozen != 0)
    }

    /// The value for `hash`, or (false, _) if absent. Never writes, never allocates,
    /// never waits: bounded by the table's buckets and by the one successor a migration adds.
    @inline(__always) func lookup(_ hash: UInt64) -> (found: Bool, value: UInt64) {
        var word = currentWord
        // What the older table said, for when the newer one has no slot for the key yet
        // (its migration has not copied it: the frozen old slot is still the truth).
        var fallback: (found: Bool, value: UInt64) = (false, 0)
        while true {
            let p = Self.probe(word, hash)
            if !p.frozen {
                // LP: the control load of the slot (live: the value load) or of the
                // empty slot that ended the probe. DESIGN.md, "Reads".
                switch p.state {
                case .live: return (true, p.value)
                case .tombstone: return (false, 0)
                case .missing: return fallback
                }
            }
            switch p.state {
            case .live: fallback = (true, p.value)
            case .tombstone: fallback = (false, 0)
            case .missing: break
            }
            word = word.table.loadSuccessor()  // [U1]: a table, since a slot is frozen
        }
    }

    // MARK: Admission

    /// Whether the table published as `word` may take one more key now that the stripe counts
    /// `entries` (this insert included): it is open (no migration started from it) and its
    /// live keys plus tombstones stay within its admission limit (V5). Returns the count of
    /// USED slots it assumed, for the growth check, or nil if refused.
    /// [A1] The successor load is seq_cst: with the insert's seq_cst count before it, it is
    /// one half of the store-buffering pattern whose other half is `close` then the closer's
    /// count (DESIGN.md, "Admission").
    @inline(__always) func admit(_ word: TableWord, entries: UInt64) -> UInt64? {
        let table = word.table
        if !table.loadSuccessorSeqCst().isNone { return nil }
        let used = entries &+ loadSeqCst(table.tombstones)
        return used <= Table.admissionLimit(buckets: word.bucketCount) ? used : nil
    }

    // MARK: Writing

    /// The one write path for everything but removal. If the key is present with value v,
    /// `change(v)` gives the value to store (nil: leave it); if absent, `insertion` is
    /// the value to insert (nil: insert nothing). Lock-free; linearizable at the CAS that
    /// changed the map, or at the load that decided not to.
    @inline(__always) func upsert(
        _ hash: UInt64, record: ThreadRecord, insertion: UInt64?, change: (UInt64) -> UInt64?
    ) -> UpsertOutcome {
        var word = beginWrite(record: record)
        outer: while true {
            let table = word.table
            let head = word.bucket(forHash: hash)
            if let i = Self.slotIndex(in: head, of: hash) {
                // The common case: the key's slot is in its home bucket.
                switch changeSlot(head, i, hash, in: word, insertion: insertion, change: change) {
                case .done(let outcome): return outcome
                case .frozen: word = moveOn(from: table, hash: hash)
                case .refused: word = moveOnRefused(from: table, hash: hash)
                }
                continue outer
            }
            // The probe (slot by slot, bucket by bucket), written out here, in `remove` and in
            // `copy` (_Stripe+Migration.swift): each acts differently at an empty slot, a slot
            // of the key and a frozen slot (insert / report absent / copy), and a shared walker
            // taking those actions as closures would sit on the hottest path of every write.
            let n = word.bucketCount
            var b = word.home(of: hash)
            var bucket = head
            var i = 0
            var visited: UInt64 = 1
            while true {
                let c = loadAcquire(bucket.control(i))  // [C1]
                if c & slotFrozen != 0 {
                    word = moveOn(from: table, hash: hash)
                    continue outer
                }
                if c == 0 {
                    // Absent: LP(absent) is this load (the key lies before the first empty slot).
                    guard let insertion else {
                        return UpsertOutcome(wasPresent: false, oldValue: 0, changed: false, newValue: 0)
                    }
                    // Count first, then admit, then insert: the counter never lags a visible
                    // entry (DESIGN.md, "Size"), and admission sees this insert counted.
                    let before = fetchAddSeqCst(entryCount, 1)  // [A1]
                    guard let used = admit(word, entries: before &+ 1) else {
                        _ = fetchAddSeqCst(entryCount, UInt64.max)
                        word = moveOnRefused(from: table, hash: hash)
                        continue outer
                    }
                    // [P1] seq_cst 16-byte CAS: LP(insert); its release publishes the value.
                    if compareExchangePairSeqCst(
                        bucket.control(i), expected: (0, 0), desired: (liveControl(hash), insertion)) == (0, 0)
                    {
                        afterInsert(word, entries: before &+ 1, used: used)
                        return UpsertOutcome(wasPresent: false, oldValue: 0, changed: true, newValue: insertion)
                    }
                    _ = fetchAddSeqCst(entryCount, UInt64.max)
                    continue  // the slot changed: look at it again
                }
                if isSlot(c, of: hash) {
                    switch changeSlot(bucket, i, hash, in: word, insertion: insertion, change: change) {
                    case .done(let outcome): return outcome
                    case .frozen: word = moveOn(from: table, hash: hash)
                    case .refused: word = moveOnRefused(from: table, hash: hash)
                    }
                    continue outer
                }
                i += 1
                if i < slotsPerBucket { continue }
                if visited == n {
                    // Every slot USED and none the key's: unreachable while V5 holds. Absent
                    // (LP: the last load); an insert goes on in a successor.
                    guard insertion != nil else {
                        return UpsertOutcome(wasPresent: false, oldValue: 0, changed: false, newValue: 0)
                    }
                    word = moveOnRefused(from: table, hash: hash)
                    continue outer
                }
                b = b &+ 1 == n ? 0 : b &+ 1
                visited &+= 1
                bucket = table.bucket(b)
                i = 0
            }
        }
    }

    /// Applies the write to the key's own slot with a 16-byte CAS loop.
    @inline(__always) func changeSlot(
        _ b: Bucket, _ i: Int, _ hash: UInt64, in word: TableWord, insertion: UInt64?,
        change: (UInt64) -> UInt64?
    ) -> SlotAttempt<UpsertOutcome> {
        var c = loadAcquire(b.control(i))  // [C1]
        var v = loadAcquire(b.value(i))
        while true {
            if c & slotFrozen != 0 { return .frozen }
            if c & slotLive != 0 {
                guard let newValue = change(v) else {
                    // LP: a moment between the control and value loads (or the CAS that
                    // returned this pair) when the entry was live with `v`.
                    return .done(UpsertOutcome(wasPresent: true, oldValue: v, changed: false, newValue: v))
                }
                // [V1] seq_cst 16-byte CAS expecting the slot live and unfrozen: LP(update).
                let seen = compareExchangePairSeqCst(b.control(i), expected: (c, v), desired: (c, newValue))
                if seen == (c, v) {
                    return .done(UpsertOutcome(wasPresent: true, oldValue: v, changed: true, newValue: newValue))
                }
                (c, v) = seen
            } else {
                // A tombstone of this key: absent (LP: the load that saw it).
                guard let insertion else {
                    return .done(UpsertOutcome(wasPresent: false, oldValue: 0, changed: false, newValue: 0))
                }
                // A revival takes no new slot, but it is a new key for the table: admitted
                // like any insert, so that the closer's count bounds the keys the table can
                // hand to its successor (V6).
                let before = fetchAddSeqCst(entryCount, 1)  // [A1]
                guard let used = admit(word, entries: before &+ 1) else {
                    _ = fetchAddSeqCst(entryCount, UInt64.max)
                    return .refused
                }
                // [P1] seq_cst 16-byte CAS reviving the slot: LP(insert).
                let seen = compareExchangePairSeqCst(b.control(i), expected: (c, v), desired: (c | slotLive, insertion))
                if seen == (c, v) {
                    _ = fetchAddSeqCst(word.table.tombstones, UInt64.max)  // one tombstone fewer
                    afterInsert(word, entries: before &+ 1, used: used)
                    return .done(UpsertOutcome(wasPresent: false, oldValue: 0, changed: true, newValue: insertion))
                }
                _ = fetchAddSeqCst(entryCount, UInt64.max)
                (c, v) = seen
            }
        }
    }

    /// Removes the key if present and `shouldRemove(value)`. Lock-free; linearizable at
    /// the CAS that clears LIVE, or at the load that found it absent or unequal.
    @inline(__always) func remove(
        _ hash: UInt64, record: ThreadRecord, where shouldRemove: (UInt64) -> Bool
    ) -> RemoveOutcome {
        var word = beginWrite(record: record)
        outer: while true {
            let table = word.table
            let head = word.bucket(forHash: hash)
            if let i = Self.slotIndex(in: head, of: hash) {
                if let outcome = removeFromSlot(head, i, of: table, where: shouldRemove) { return outcome }
                word = moveOn(from: table, hash: hash)
                continue outer
            }
            // The probe again (see `upsert` for why it is written out three times).
            let n = word.bucketCount
            var b = word.home(of: hash)
            var bucket = head
            var i = 0
            var visited: UInt64 = 1
            while true {
                let c = loadAcquire(bucket.control(i))  // [C1]
                if c & slotFrozen != 0 {
                    word = moveOn(from: table, hash: hash)
                    continue outer
                }
                if c == 0 { return RemoveOutcome(wasPresent: false, oldValue: 0, removed: false) }  // LP: this load
                if isSlot(c, of: hash) {
                    if let outcome = removeFromSlot(bucket, i, of: table, where: shouldRemove) { return outcome }
                    word = moveOn(from: table, hash: hash)  // the slot froze
                    continue outer
                }
                i += 1
                if i < slotsPerBucket { continue }
                // Every slot USED and none the key's: absent (LP: the last load).
                if visited == n { return RemoveOutcome(wasPresent: false, oldValue: 0, removed: false) }
                b = b &+ 1 == n ? 0 : b &+ 1
                visited &+= 1
                bucket = table.bucket(b)
                i = 0
            }
        }
    }

    /// Removes through the key's own slot with a 16-byte CAS loop. Returns nil if the
    /// slot is frozen (the key has moved on to the successor table).
    @inline(__always) func removeFromSlot(
        _ b: Bucket, _ i: Int, of table: Table, where shouldRemove: (UInt64) -> Bool
    ) -> RemoveOutcome? {
        var c = loadAcquire(b.control(i))  // [C1]
        var v = loadAcquire(b.value(i))
        while true {
            if c & slotFrozen != 0 { return nil }
            // Absent (a tombstone): LP is the load.
            if c & slotLive == 0 { return RemoveOutcome(wasPresent: false, oldValue: 0, removed: false) }
            if !shouldRemove(v) { return RemoveOutcome(wasPresent: true, oldValue: v, removed: false) }
            // The tombstone is counted before it exists, so that an admission never sees
            // fewer USED slots than there are (DESIGN.md, "Admission").
            _ = fetchAddSeqCst(table.tombstones, 1)
            // [V1] seq_cst 16-byte CAS: clear LIVE, keeping key and value (a tombstone),
            // reading the final value in the same step. LP(remove).
            let seen = compareExchangePairSeqCst(b.control(i), expected: (c, v), desired: (c & ~slotLive, v))
            if seen == (c, v) {
                // [A3] seq_cst (release at least): an admission that reads this decrement
                // must also see the tombstone counted above.
                let before = fetchAddSeqCst(entryCount, UInt64.max)
                afterRemove(entries: before &- 1)
                return RemoveOutcome(wasPresent: true, oldValue: v, removed: true)
            }
            _ = fetchAddSeqCst(table.tombstones, UInt64.max)
            (c, v) = seen
        }
    }
}
