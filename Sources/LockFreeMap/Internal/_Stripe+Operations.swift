// The single-key operations on a stripe: lookup, upsert (insert / replace / add /
// compare-exchange) and remove. Every linearization point is named at its line; the
// argument is docs/DESIGN.md, section 3.
//
// In short:
// - A key's entry lives in one slot of its bucket chain, in the table that is current
//   for it: the stripe's table, or that table's successor once the key's bucket has
//   been frozen by a migration (`_Stripe+Migration.swift`).
// - Reads load control then value (acquire, no write, no allocation). Every change is
//   one 16-byte CAS on (control, value) that expects the slot unfrozen, so no write can
//   land on a slot a migration has frozen, and a removal reads the final value in the
//   same step that removes.
// - An insert takes the first empty slot of the chain (so a key never gets two slots:
//   USED slots form a prefix and keep their key), or links a pre-filled overflow bucket
//   with one CAS on the last link.

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

extension Stripe {
    // MARK: Reading

    /// The index of the key's slot in bucket `b`, if the bucket holds one, found without
    /// a branch per slot: which of the three slots holds a key is random, and a branch
    /// per slot mispredicted on most lookups (0.9 branch misses per read at 1,000 keys).
    /// Each control load is [C1]; a slot's hash never changes once USED (T1), so the
    /// index stays the key's slot whatever happens next.
    @inline(__always) static func slotIndex(in b: Bucket, of hash: UInt64) -> Int? {
        let target = slotUsed | hash
        let keyBits = slotUsed | slotHashMask
        // d_i == 0 iff slot i holds the key; at most one does (T2). One branch on the
        // minimum (conditional moves), then the index by arithmetic.
        let d0 = (loadAcquire(b.control(0)) & keyBits) ^ target
        let d1 = (loadAcquire(b.control(1)) & keyBits) ^ target
        let d2 = (loadAcquire(b.control(2)) & keyBits) ^ target
        if min(d0, min(d1, d2)) != 0 { return nil }
        return (d1 == 0 ? 1 : 0) + (d2 == 0 ? 2 : 0)
    }

    /// The key's slot in one chain, or where the chain ends. `frozen` tells whether the
    /// slot (or the empty slot or link that ended the walk) was frozen by a migration.
    @inline(__always) static func probe(_ head: Bucket, _ hash: UInt64) -> (
        state: ProbeState, value: UInt64, frozen: Bool
    ) {
        if let i = slotIndex(in: head, of: hash) {
            // The common case: the key is in its head bucket. LP as below, with the
            // control load repeated here.
            let c = loadAcquire(head.control(i))  // [C1]
            let v = loadAcquire(head.value(i))
            return (c & slotLive != 0 ? .live : .tombstone, v, c & slotFrozen != 0)
        }
        var b = head
        while true {
            for i in 0..<slotsPerBucket {
                // [C1] acquire: pairs with the CAS that filled the slot (its release), so
                // the value loaded next is at least the inserted one.
                let c = loadAcquire(b.control(i))
                if c & slotUsed == 0 { return (.missing, 0, c & slotFrozen != 0) }
                if isSlot(c, of: hash) {
                    let v = loadAcquire(b.value(i))  // [C1]
                    return (c & slotLive != 0 ? .live : .tombstone, v, c & slotFrozen != 0)
                }
            }
            // [C2] acquire: pairs with the release of the CAS that linked the bucket.
            let link = loadAcquire(b.link)
            let next = link & ~linkFrozen
            if next == 0 { return (.missing, 0, link & linkFrozen != 0) }
            b = Bucket(next)
        }
    }

    /// The value for `hash`, or (false, _) if absent. Never writes, never allocates,
    /// never waits: bounded by the chain and by the tables a migration has chained.
    @inline(__always) func lookup(_ hash: UInt64) -> (found: Bool, value: UInt64) {
        var word = currentWord
        // What the older table said, for when the newer one has no slot for the key yet
        // (its migration has not copied it: the frozen old slot is still the truth).
        var fallback: (found: Bool, value: UInt64) = (false, 0)
        while true {
            let p = Self.probe(word.bucket(forHash: hash), hash)
            if !p.frozen {
                // LP: the control load of the slot (live: the value load) or of the
                // empty slot / null link that ended the chain. DESIGN.md, "Reads".
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
            word = word.table.loadSuccessor()  // [U1]
        }
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
                // The common case: the key's slot is in its head bucket.
                if let outcome = changeSlot(head, i, hash, insertion: insertion, change: change) {
                    return outcome
                }
                word = moveOn(from: table, head: head)  // the slot froze
                continue outer
            }
            // The chain walk (slot by slot, then the link), written out here, in `remove` and
            // in `copy` (_Stripe+Migration.swift): each acts differently at an empty slot, a
            // slot of the key, a frozen slot and a null link (insert / report absent / copy,
            // and append or not), and a shared walker taking those four actions as closures
            // would sit on the hottest path of every write; kept as three explicit loops.
            var b = head
            var i = 0
            while true {
                let c = loadAcquire(b.control(i))  // [C1]
                if c & slotFrozen != 0 {
                    word = moveOn(from: table, head: head)
                    continue outer
                }
                if c == 0 {
                    // Absent: LP(absent) is this load (the chain's USED prefix ends here).
                    guard let insertion else {
                        return UpsertOutcome(wasPresent: false, oldValue: 0, changed: false, newValue: 0)
                    }
                    // Count first, then insert: the counter never lags a visible entry
                    // (DESIGN.md, "Size").
                    let before = fetchAddRelaxed(entryCount, 1)
                    // [P1] seq_cst 16-byte CAS: LP(insert); its release publishes the value.
                    if compareExchangePairSeqCst(
                        b.control(i), expected: (0, 0), desired: (liveControl(hash), insertion)) == (0, 0)
                    {
                        afterInsert(entries: before &+ 1)
                        return UpsertOutcome(wasPresent: false, oldValue: 0, changed: true, newValue: insertion)
                    }
                    _ = fetchAddRelaxed(entryCount, UInt64.max)
                    continue  // the slot changed: look at it again
                }
                if isSlot(c, of: hash) {
                    if let outcome = changeSlot(b, i, hash, insertion: insertion, change: change) {
                        return outcome
                    }
                    word = moveOn(from: table, head: head)  // the slot froze
                    continue outer
                }
                i += 1
                if i < slotsPerBucket { continue }
                var link = loadAcquire(b.link)  // [C2]
                if link == 0 {
                    // Absent (LP: this load); append a bucket holding the new entry.
                    guard let insertion else {
                        return UpsertOutcome(wasPresent: false, oldValue: 0, changed: false, newValue: 0)
                    }
                    guard let fresh = table.allocateOverflow(forCopy: false) else {
                        ensureSuccessor(of: table)
                        word = moveOn(from: table, head: head)
                        continue outer
                    }
                    storeRelaxed(fresh.control(0), liveControl(hash))
                    storeRelaxed(fresh.value(0), insertion)
                    RaceWindow.widen(.beforeLink)
                    let before = fetchAddRelaxed(entryCount, 1)
                    // [P1] seq_cst CAS of the null link: LP(insert); its release publishes
                    // the bucket's words.
                    let (linked, seen) = compareExchangeSeqCst(b.link, expected: 0, desired: fresh.address)
                    if linked {
                        afterInsert(entries: before &+ 1)
                        return UpsertOutcome(wasPresent: false, oldValue: 0, changed: true, newValue: insertion)
                    }
                    _ = fetchAddRelaxed(entryCount, UInt64.max)
                    table.giveBack(fresh)
                    link = seen
                }
                if link & linkFrozen != 0 {
                    word = moveOn(from: table, head: head)
                    continue outer
                }
                b = Bucket(link)
                i = 0
            }
        }
    }

    /// Applies the write to the key's own slot with a 16-byte CAS loop. Returns nil if
    /// the slot is frozen (the key has moved on to the successor table).
    @inline(__always) func changeSlot(
        _ b: Bucket, _ i: Int, _ hash: UInt64, insertion: UInt64?, change: (UInt64) -> UInt64?
    ) -> UpsertOutcome? {
        var c = loadAcquire(b.control(i))  // [C1]
        var v = loadAcquire(b.value(i))
        while true {
            if c & slotFrozen != 0 { return nil }
            if c & slotLive != 0 {
                guard let newValue = change(v) else {
                    // LP: a moment between the control and value loads (or the CAS that
                    // returned this pair) when the entry was live with `v`.
                    return UpsertOutcome(wasPresent: true, oldValue: v, changed: false, newValue: v)
                }
                // [V1] seq_cst 16-byte CAS expecting the slot live and unfrozen: LP(update).
                let seen = compareExchangePairSeqCst(b.control(i), expected: (c, v), desired: (c, newValue))
                if seen == (c, v) {
                    return UpsertOutcome(wasPresent: true, oldValue: v, changed: true, newValue: newValue)
                }
                (c, v) = seen
            } else {
                // A tombstone of this key: absent (LP: the load that saw it).
                guard let insertion else {
                    return UpsertOutcome(wasPresent: false, oldValue: 0, changed: false, newValue: 0)
                }
                let before = fetchAddRelaxed(entryCount, 1)
                // [P1] seq_cst 16-byte CAS reviving the slot: LP(insert).
                let seen = compareExchangePairSeqCst(b.control(i), expected: (c, v), desired: (c | slotLive, insertion))
                if seen == (c, v) {
                    afterInsert(entries: before &+ 1)
                    return UpsertOutcome(wasPresent: false, oldValue: 0, changed: true, newValue: insertion)
                }
                _ = fetchAddRelaxed(entryCount, UInt64.max)
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
                if let outcome = removeFromSlot(head, i, where: shouldRemove) { return outcome }
                word = moveOn(from: table, head: head)
                continue outer
            }
            // The chain walk again (see `upsert` for why it is written out three times).
            var b = head
            var i = 0
            while true {
                let c = loadAcquire(b.control(i))  // [C1]
                if c & slotFrozen != 0 {
                    word = moveOn(from: table, head: head)
                    continue outer
                }
                if c == 0 { return RemoveOutcome(wasPresent: false, oldValue: 0, removed: false) }  // LP: this load
                if isSlot(c, of: hash) {
                    if let outcome = removeFromSlot(b, i, where: shouldRemove) { return outcome }
                    word = moveOn(from: table, head: head)  // the slot froze
                    continue outer
                }
                i += 1
                if i < slotsPerBucket { continue }
                let link = loadAcquire(b.link)  // [C2]
                if link == 0 { return RemoveOutcome(wasPresent: false, oldValue: 0, removed: false) }  // LP: this load
                if link & linkFrozen != 0 {
                    word = moveOn(from: table, head: head)
                    continue outer
                }
                b = Bucket(link)
                i = 0
            }
        }
    }

    /// Removes through the key's own slot with a 16-byte CAS loop. Returns nil if the
    /// slot is frozen (the key has moved on to the successor table).
    @inline(__always) func removeFromSlot(
        _ b: Bucket, _ i: Int, where shouldRemove: (UInt64) -> Bool
    ) -> RemoveOutcome? {
        var c = loadAcquire(b.control(i))  // [C1]
        var v = loadAcquire(b.value(i))
        while true {
            if c & slotFrozen != 0 { return nil }
            // Absent (a tombstone): LP is the load.
            if c & slotLive == 0 { return RemoveOutcome(wasPresent: false, oldValue: 0, removed: false) }
            if !shouldRemove(v) { return RemoveOutcome(wasPresent: true, oldValue: v, removed: false) }
            // [V1] seq_cst 16-byte CAS: clear LIVE, keeping key and value (a tombstone),
            // reading the final value in the same step. LP(remove).
            let seen = compareExchangePairSeqCst(b.control(i), expected: (c, v), desired: (c & ~slotLive, v))
            if seen == (c, v) {
                let before = fetchAddRelaxed(entryCount, UInt64.max)
                afterRemove(entries: before &- 1)
                return RemoveOutcome(wasPresent: true, oldValue: v, removed: true)
            }
            (c, v) = seen
        }
    }
}
