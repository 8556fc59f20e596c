// The algorithm: a lock-free split-ordered list per stripe (Shalev & Shavit, "Split-
// ordered lists: lock-free extensible hash tables", J. ACM 53(3), 2006) over Michael's
// lock-free ordered list with marked links (Michael, "High performance dynamic
// lock-free hash tables and list-based sets", SPAA 2002; after Harris, DISC 2001),
// with values changed in place by a 16-byte CAS on (next, value).
//
// Summary (full argument, with every linearization point and memory order, in
// docs/DESIGN.md):
// - Entries are sorted by orderKey = reverseBits(hashLow) | 1; bucket b's dummy has
//   orderKey reverseBits(b) and precedes every entry of bucket b. Nodes never move.
// - Reads walk from the bucket's dummy with acquire loads only, never write, never
//   allocate, and are wait-free (bounded by the entries ahead of the key).
// - Inserts link a node with one CAS on the predecessor's `next`: LP(insert).
// - Value changes CAS (next, value) expecting `next` unmarked: LP(update).
// - Removal marks `next` with the same 16-byte CAS, reading the final value: LP(remove);
//   then unlinks with a CAS on the predecessor, or leaves it to the next `search`.
// - The thread whose CAS unlinks a node retires it to epoch-based reclamation.

/// A key's hash split the way the map uses it.
struct HashedKey {
    /// Top `stripeBits` bits of the hash.
    let stripe: Int
    /// The other `lowHashBits` bits; the bucket is `low mod bucketCount`.
    let low: UInt64
    /// reverseBits(low) | 1: the entry's place in its stripe's list.
    var orderKey: UInt64 { reverseBits(low) | 1 }
}

/// What `search` found: `pred.next == curr` (unmarked) was observed, with
/// `pred.orderKey < target <= currKey` (currKey = UInt64.max when curr is the end).
struct SearchResult {
    let pred: NodeAddress
    let curr: NodeAddress
    let currKey: UInt64
}

extension Stripe {
    // MARK: Finding the start of a bucket

    /// The dummy to start a read from: bucket `low mod size`'s. If its segment exists and
    /// nobody has claimed it, the reader links it (a CAS and a list insert into memory
    /// that already exists: no allocation), so that after growth a bucket that only
    /// reads touch does not stay a walk from its parent forever. If it is being linked
    /// by another thread, or its segment does not exist yet, the read starts from the
    /// nearest linked ancestor (which precedes it in list order) without waiting.
    @inline(__always) func readStart(_ low: UInt64, domain: EpochDomain) -> NodeAddress {
        // Relaxed: any size ever published is fine; a stale size only means starting
        // from an ancestor bucket, which is correct.
        let size = loadRelaxed(sizeLog2)
        let b = low & ((1 << size) &- 1)
        if let dummy = existingDummy(b) {
            // [B1] acquire: pairs with the release store of `dummyLinked`, so the dummy
            // is in the list and its words are visible.
            let state = loadAcquire(linkWord(dummy))
            if state == dummyLinked { return dummy }
            if state == dummyUnclaimed, b != 0,
               compareExchangeAcqRel(linkWord(dummy), expected: dummyUnclaimed, desired: dummyBeingLinked).exchanged {
                linkBucket(b, dummy: dummy, from: linkedAncestor(of: b), domain: domain)  // [B2]
                return dummy
            }
        }
        return linkedAncestor(of: b)
    }

    /// The nearest linked proper ancestor of bucket b (b > 0), using only segments that
    /// exist. Never writes, never waits: bucket 0 is always linked.
    @inline(__always) func linkedAncestor(of bucket: UInt64) -> NodeAddress {
        var b = bucket
        while b != 0 {
            b = Self.parent(ofBucket: b)
            if let dummy = existingDummy(b), loadAcquire(linkWord(dummy)) == dummyLinked { return dummy }  // [B1]
        }
        return headDummy
    }

    /// A linked dummy at or before bucket `low mod size`: the bucket's own, linking it
    /// first if nobody has claimed it.
    @inline(__always) func writeStart(_ low: UInt64, domain: EpochDomain) -> NodeAddress {
        let size = loadRelaxed(sizeLog2)
        return linkedDummy(forBucket: low & ((1 << size) &- 1), domain: domain)
    }

    /// Bucket b's dummy once linked. If unclaimed, this thread claims it and links it;
    /// if another thread is linking it right now, the nearest linked ancestor is
    /// returned instead: nobody waits for another thread's initialization.
    func linkedDummy(forBucket b: UInt64, domain: EpochDomain) -> NodeAddress {
        let dummy = dummy(b)
        let state = loadAcquire(linkWord(dummy))  // [B1]
        if state == dummyLinked { return dummy }
        // [B2] acq_rel claim: exactly one thread links each dummy (its words are then
        // written by that thread alone until the release store [B1] publishes them).
        if state == dummyUnclaimed,
           compareExchangeAcqRel(linkWord(dummy), expected: dummyUnclaimed, desired: dummyBeingLinked).exchanged {
            linkBucket(b, dummy: dummy, from: linkedDummy(forBucket: Self.parent(ofBucket: b), domain: domain), domain: domain)
            return dummy
        }
        return linkedDummy(forBucket: Self.parent(ofBucket: b), domain: domain)  // b > 0 here
    }

    /// Inserts bucket b's claimed dummy into the list, searching from `start` (a linked
    /// ancestor's dummy), then marks it linked. Only the claimant runs this, so no other
    /// node has its key.
    @inline(never) func linkBucket(_ b: UInt64, dummy: NodeAddress, from start: NodeAddress, domain: EpochDomain) {
        let key = reverseBits(b)
        storeRelaxed(orderKeyWord(dummy), key)
        storeRelaxed(valueWord(dummy), 0)
        while true {
            let at = search(from: start, for: key, domain: domain)
            storeRelaxed(nextWord(dummy), at.curr)
            // [P1] seq_cst CAS: links the dummy; its release publishes the dummy's words.
            if compareExchangeSeqCst(nextWord(at.pred), expected: at.curr, desired: dummy).exchanged { break }
        }
        storeRelease(linkWord(dummy), dummyLinked)  // [B1]
    }

    // MARK: Reading

    /// The node with `orderKey` reachable from `start`, or 0. Wait-free: it only moves
    /// forward over strictly increasing keys. The node may be marked (removed).
    @inline(__always) func find(_ orderKey: UInt64, from start: NodeAddress) -> NodeAddress {
        // [P1] acquire loads of links: pair with the publishing CAS of each node.
        var curr = unmarked(loadAcquire(nextWord(start)))
        while curr != 0 {
            let key = loadRelaxed(orderKeyWord(curr))  // immutable; ordered by [P1]
            if key >= orderKey { return key == orderKey ? curr : 0 }
            curr = unmarked(loadAcquire(nextWord(curr)))
        }
        return 0
    }

    /// Reads a consistent (value, live) of `node`: the value is the entry's value at
    /// the moment of the value load if `live` (the later `next` load is unmarked and a
    /// mark is never undone).
    @inline(__always) static func readValue(_ node: NodeAddress) -> (value: UInt64, next: UInt64) {
        // [V1] acquire on the value load keeps the following `next` load after it.
        let value = loadAcquire(valueWord(node))
        let next = loadAcquire(nextWord(node))
        return (value, next)
    }

    // MARK: Searching for writers (Michael's search)

    /// Finds pred/curr around `target`, unlinking (and retiring) every marked node it
    /// passes. Restarts from `start` (a dummy, never removed) when an unlink CAS fails.
    func search(from start: NodeAddress, for target: UInt64, domain: EpochDomain) -> SearchResult {
        restart: while true {
            var pred = start
            var curr = unmarked(loadAcquire(nextWord(pred)))  // dummies are never marked
            while true {
                if curr == 0 { return SearchResult(pred: pred, curr: 0, currKey: .max) }
                let succ = loadAcquire(nextWord(curr))
                if isMarked(succ) {
                    // curr is logically removed: unlink it. [U1] seq_cst; fails if pred
                    // changed or was marked itself, then we restart.
                    if !compareExchangeSeqCst(nextWord(pred), expected: curr, desired: unmarked(succ)).exchanged {
                        continue restart
                    }
                    retire(curr, domain: domain)
                    curr = unmarked(succ)
                    continue
                }
                let key = loadRelaxed(orderKeyWord(curr))
                if key >= target { return SearchResult(pred: pred, curr: curr, currKey: key) }
                pred = curr
                curr = succ
            }
        }
    }

    // MARK: Writing

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

    /// The one write path for everything but removal. If the key is present with value v,
    /// `change(v)` gives the value to store (nil: leave it); if absent, `insertion` is
    /// the value to insert (nil: insert nothing). Lock-free; linearizable at the CAS that
    /// changed the map, or at the read that decided not to.
    @inline(__always) func upsert(
        _ hashed: HashedKey, domain: EpochDomain, insertion: UInt64?, change: (UInt64) -> UInt64?
    ) -> UpsertOutcome {
        let target = hashed.orderKey
        let start = writeStart(hashed.low, domain: domain)
        var fresh: NodeAddress = 0
        defer { if fresh != 0 { retire(fresh, domain: domain) } }
        while true {
            let at = search(from: start, for: target, domain: domain)
            if at.currKey == target {
                if let outcome = changePresent(at.curr, change) { return outcome }
                continue  // removed meanwhile; the next search unlinks it
            }
            // Absent: LP(absent) is the load of pred.next that returned curr in `search`.
            guard let insertion else {
                return UpsertOutcome(wasPresent: false, oldValue: 0, changed: false, newValue: 0)
            }
            if fresh == 0 {
                fresh = allocateNode()
                storeRelaxed(orderKeyWord(fresh), target)
                storeRelaxed(valueWord(fresh), insertion)
            }
            storeRelaxed(nextWord(fresh), at.curr)
            // Count first, then link: the counter never lags a visible insert, so it never
            // goes below the number of entries (DESIGN.md, "Size").
            let countBefore = fetchAddRelaxed(entryCount, 1)
            // [P1] seq_cst CAS: LP(insert). Its release publishes the node's words.
            if compareExchangeSeqCst(nextWord(at.pred), expected: at.curr, desired: fresh).exchanged {
                fresh = 0
                growIfNeeded(countAfterInsert: countBefore &+ 1)
                initializeAheadOfDemand(domain: domain)
                return UpsertOutcome(wasPresent: false, oldValue: 0, changed: true, newValue: insertion)
            }
            _ = fetchAddRelaxed(entryCount, UInt64.max)
        }
    }

    /// Applies `change` to a present node with a 16-byte CAS loop on (next, value).
    /// Returns nil if the node turned out to be removed.
    @inline(__always) func changePresent(_ node: NodeAddress, _ change: (UInt64) -> UInt64?) -> UpsertOutcome? {
        var (value, next) = Self.readValue(node)
        while true {
            if isMarked(next) { return nil }
            guard let newValue = change(value) else {
                // LP: the value load (or the CAS that returned this snapshot): the entry
                // was live with `value` then.
                return UpsertOutcome(wasPresent: true, oldValue: value, changed: false, newValue: value)
            }
            // [V2] seq_cst 16-byte CAS expecting `next` unmarked: LP(update). A removal's
            // mark and any link change since our read make it fail with a fresh snapshot.
            let seen = compareExchangePairSeqCst(nextWord(node), expected: (next, value), desired: (next, newValue))
            if seen == (next, value) {
                return UpsertOutcome(wasPresent: true, oldValue: value, changed: true, newValue: newValue)
            }
            (next, value) = seen
        }
    }

    /// Outcome of `remove`.
    struct RemoveOutcome {
        var wasPresent: Bool
        var oldValue: UInt64
        var removed: Bool
    }

    /// Removes the key if present and `shouldRemove(value)`. Lock-free; linearizable at
    /// the marking CAS, or at the read that found it absent or unequal.
    @inline(__always) func remove(
        _ hashed: HashedKey, domain: EpochDomain, where shouldRemove: (UInt64) -> Bool
    ) -> RemoveOutcome {
        let target = hashed.orderKey
        let start = writeStart(hashed.low, domain: domain)
        outer: while true {
            let at = search(from: start, for: target, domain: domain)
            if at.currKey != target {
                return RemoveOutcome(wasPresent: false, oldValue: 0, removed: false)
            }
            let node = at.curr
            var (value, next) = Self.readValue(node)
            while true {
                if isMarked(next) { continue outer }  // removed by another thread
                if !shouldRemove(value) {
                    return RemoveOutcome(wasPresent: true, oldValue: value, removed: false)
                }
                // [V2] seq_cst 16-byte CAS: mark `next` and read the final value in one
                // step. LP(remove).
                let seen = compareExchangePairSeqCst(nextWord(node), expected: (next, value), desired: (next | markBit, value))
                if seen == (next, value) { break }
                (next, value) = seen
            }
            _ = fetchAddRelaxed(entryCount, UInt64.max)
            // Physical removal: unlink now [U1], or let a search do it (it restarts on
            // failure and unlinks every marked node on its way to `target`).
            if compareExchangeSeqCst(nextWord(at.pred), expected: node, desired: next).exchanged {
                retire(node, domain: domain)
            } else {
                _ = search(from: start, for: target, domain: domain)
            }
            return RemoveOutcome(wasPresent: true, oldValue: value, removed: true)
        }
    }

    // MARK: Growth

    /// Each insert also initializes one not-yet-initialized bucket, in index order, so
    /// that after a doubling the new buckets fill in as the map keeps growing instead of
    /// only when a write hashes to them (a read of an uninitialized bucket starts at its
    /// parent and walks about twice as far). A claim is one CAS on the cursor; a thread
    /// that claims a bucket and stalls leaves it lazily initialized, which is correct.
    @inline(__always) func initializeAheadOfDemand(domain: EpochDomain) {
        let next = loadRelaxed(initializationCursor)
        if next >= UInt64(1) << loadRelaxed(sizeLog2) { return }
        // Relaxed: the cursor only spreads work; the bucket slots carry the publication.
        if compareExchangeAcqRel(initializationCursor, expected: next, desired: next + 1).exchanged {
            _ = linkedDummy(forBucket: next, domain: domain)
        }
    }

    /// Doubles this stripe's bucket count when its entries exceed `maxLoadFactor` per
    /// bucket. One CAS on sizeLog2, no copying: new buckets initialize lazily. The map's
    /// `minimumCapacity` promise is kept by `MapCore.mayGrowPastInitialSize`.
    @inline(__always) func growIfNeeded(countAfterInsert: UInt64) {
        let size = loadRelaxed(sizeLog2)
        if countAfterInsert <= UInt64(maxLoadFactor) << size { return }
        grow(from: size)
    }

    @inline(never) func grow(from size: UInt64) {
        if size >= UInt64(maxSizeLog2) { return }
        if size == loadRelaxed(initialSizeLog2), !mayGrowPastInitialSize() { return }
        // Relaxed: sizeLog2 publishes nothing; readers tolerate any published size.
        if compareExchangeAcqRel(sizeLog2, expected: size, desired: size + 1).exchanged {
            _ = fetchAddRelaxed(resizeCount, 1)
        }
    }

    /// Set by the map at creation: a stripe presized for `minimumCapacity` may leave its
    /// initial size only once the whole map holds that many entries.
    @inline(__always) func mayGrowPastInitialSize() -> Bool {
        let minimum = loadRelaxed(minimumCapacity)
        if minimum == 0 { return true }
        return StripeArray(base: words(loadRelaxed(stripeArray))).entryCount >= minimum
    }
}
