// Batches: many keys in one call, so that their cache misses overlap. DESIGN.md,
// "Batches".
//
// Keys go in groups of `batchGroupSize`. Per group: pin once; for each key, hash it,
// load its stripe's table word and prefetch its home bucket; then, for each key its home
// bucket neither holds nor ends, prefetch the next bucket; then run each key
// through exactly the single-key code (`Stripe.lookup`, or `Stripe.upsert` with the
// closures of `wrappingAdd(_:forKey:)`); unpin. The prefetches only warm caches, so each
// key's result and linearization point are those of the single-key call. Each key is
// hashed once: the first pass keeps its hash and the table word it prefetched from in a
// 16-entry buffer on the stack, which the later passes read (the single-key call still
// loads the table word itself, as it must).

extension LockFreeInt64Map {
    /// Keys per group of a batch: hashed and prefetched together, then probed, under one
    /// pin. 16 home buckets in flight is about what a core's miss buffers hold (10 to 16
    /// line-fill buffers on current x86-64 and arm64 cores).
    @inline(__always) static var batchGroupSize: Int { 16 }

    /// A key of a group as its first pass saw it: its hash, and the table word its home
    /// bucket was prefetched from (only a hint for the second pass; the probes load their own).
    struct PrefetchedKey {
        var hashed: HashedKey
        var word: TableWord
    }

    /// Runs `body` with a buffer on the stack for one group's `PrefetchedKey`s.
    @inline(__always) func withGroupScratch(_ body: (UnsafeMutablePointer<PrefetchedKey>) -> Void) {
        withUnsafeTemporaryAllocation(of: PrefetchedKey.self, capacity: Self.batchGroupSize) { scratch in
            body(scratch.baseAddress!)
        }
    }

    /// For each of `keys[0 ..< n]`, hashes it, loads its stripe's table word and prefetches
    /// its home bucket, and keeps both in `seen[j]`. Called pinned: the table cannot be freed
    /// meanwhile (and a prefetch never faults anyway).
    @inline(__always) func prefetchHeadBuckets(
        _ keys: UnsafePointer<Int64>, _ n: Int, into seen: UnsafeMutablePointer<PrefetchedKey>
    ) {
        for j in 0..<n {
            let hashed = core.hashed(keys[j])
            let word = core.stripes[hashed.stripe].currentWord  // [S1], as `lookup` loads it
            prefetchForRead(word.bucket(forHash: hashed.low).base)
            (seen + j).initialize(to: PrefetchedKey(hashed: hashed, word: word))
        }
    }

    /// For each key of `seen[0 ..< n]` whose home bucket (prefetched by `prefetchHeadBuckets`,
    /// in the table that pass saw: pinned since, so not freed) neither holds it nor ends its
    /// probe (all four slots USED), prefetches the next bucket, where the probe goes on, so
    /// that those second misses overlap too. Only a hint: its loads are the single-key
    /// probe's own acquire loads [C1], made pinned, and what they see decides nothing.
    @inline(__always) func prefetchOverflowBuckets(_ seen: UnsafeMutablePointer<PrefetchedKey>, _ n: Int) {
        for j in 0..<n {
            let low = seen[j].hashed.low
            let word = seen[j].word
            let head = word.bucket(forHash: low)
            if Stripe.slotIndex(in: head, of: low) != nil { continue }
            if loadAcquire(head.control(slotsPerBucket - 1)) & slotUsed == 0 { continue }
            let home = word.home(of: low)
            let next = home &+ 1 == word.bucketCount ? 0 : home &+ 1
            prefetchForRead(word.table.bucket(next).base)
        }
    }

    /// Looks up `keys[0 ..< n]` (n <= batchGroupSize) under one pin; `body(j, found, value)`
    /// gets each result in order.
    @inline(__always) func lookupGroup(
        _ keys: UnsafePointer<Int64>, _ n: Int, _ body: (_ index: Int, _ found: Bool, _ value: Int64) -> Void
    ) {
        withGroupScratch { seen in
            let pin = EpochDomain.pin()
            defer { EpochDomain.unpin(pin) }
            prefetchHeadBuckets(keys, n, into: seen)
            prefetchOverflowBuckets(seen, n)
            for j in 0..<n {
                // As `value(forKey:)`: its LP is this lookup's.
                let hashed = seen[j].hashed
                let (found, value) = core.stripes[hashed.stripe].lookup(hashed.low)
                body(j, found, Int64(bitPattern: value))
            }
        }
    }

    /// Adds `delta` to `keys[0 ..< n]` (n <= batchGroupSize), in order, under one pin;
    /// `body(j, newValue)` gets each new value.
    @inline(__always) func addGroup(
        _ delta: Int64, _ keys: UnsafePointer<Int64>, _ n: Int, _ body: (_ index: Int, _ newValue: Int64) -> Void
    ) {
        withGroupScratch { seen in
            let pin = EpochDomain.pin()
            defer { EpochDomain.unpin(pin) }
            prefetchHeadBuckets(keys, n, into: seen)
            prefetchOverflowBuckets(seen, n)
            let bits = UInt64(bitPattern: delta)
            for j in 0..<n {
                // As `wrappingAdd(_:forKey:)`: the same upsert, so the same LP (V1 or P1 CAS).
                let hashed = seen[j].hashed
                let outcome = core.stripes[hashed.stripe].upsert(
                    hashed.low, record: pin, insertion: bits, change: { $0 &+ bits })
                body(j, Int64(bitPattern: outcome.newValue))
            }
        }
    }

    /// Calls `body` on `keys` cut into groups of at most `batchGroupSize`, in order: the
    /// sequence's own storage when it has contiguous storage, else a 16-key buffer on the
    /// stack refilled from its iterator.
    @inline(__always) func forEachGroup(
        of keys: some Sequence<Int64>, _ body: (_ group: UnsafePointer<Int64>, _ count: Int) -> Void
    ) {
        let size = Self.batchGroupSize
        let done: Void? = keys.withContiguousStorageIfAvailable { buffer in
            guard let base = buffer.baseAddress else { return }
            var start = 0
            while start < buffer.count {
                let n = Swift.min(size, buffer.count - start)
                body(base + start, n)
                start += n
            }
        }
        if done != nil { return }
        withUnsafeTemporaryAllocation(of: Int64.self, capacity: size) { scratch in
            guard let base = scratch.baseAddress else { return }
            var iterator = keys.makeIterator()
            var exhausted = false
            while !exhausted {
                var n = 0
                while n < size {
                    guard let key = iterator.next() else {
                        exhausted = true
                        break
                    }
                    (base + n).initialize(to: key)
                    n += 1
                }
                if n > 0 { body(UnsafePointer(base), n) }
            }
        }
    }

    // MARK: Allocation-free batches

    /// Looks up every key of `keys`: `values[i]` is the value stored for `keys[i]` (0 where
    /// it is absent) and `found[i]` whether it was present.
    ///
    /// Each lookup is linearizable on its own and gives exactly what `value(forKey:)` would
    /// have given at its linearization point; the batch as a whole is **not** one atomic
    /// step (another thread's writes may land between two of its lookups, even two of one
    /// key). Lock-free, allocates nothing. Keys are processed in groups of 16: a group's
    /// home buckets are prefetched together before its keys are probed, so that the cache
    /// misses of the group overlap; a group is one reclamation pin, never more, so a long
    /// batch does not delay the freeing of old tables.
    ///
    /// `keys`, `values` and `found` must have the same count; otherwise the call stops
    /// with a message (in every build configuration). The buffers may not overlap.
    /// - Returns: How many keys were found.
    public func values(
        forKeys keys: UnsafeBufferPointer<Int64>, into values: UnsafeMutableBufferPointer<Int64>,
        found: UnsafeMutableBufferPointer<Bool>
    ) -> Int {
        if values.count != keys.count || found.count != keys.count {
            fatalError(
                "LockFreeInt64Map.values(forKeys:into:found:): keys, values and found must have the same count, "
                    + "got \(keys.count), \(values.count) and \(found.count)")
        }
        guard let keyBase = keys.baseAddress, let valueBase = values.baseAddress, let foundBase = found.baseAddress
        else { return 0 }
        let size = Self.batchGroupSize
        var foundCount = 0
        var start = 0
        while start < keys.count {
            let n = Swift.min(size, keys.count - start)
            lookupGroup(keyBase + start, n) { j, isPresent, value in
                valueBase[start + j] = isPresent ? value : 0
                foundBase[start + j] = isPresent
                if isPresent { foundCount += 1 }
            }
            start += n
        }
        return foundCount
    }

    /// Atomically adds `delta` (wrapping on overflow) to the value for each key of `keys`,
    /// in order, an absent key counting as 0 (so it is inserted with value `delta`); when
    /// `newValues` is not nil, `newValues[i]` receives the new value of the `i`th add.
    ///
    /// Each add is linearizable on its own and does exactly what `wrappingAdd(_:forKey:)`
    /// does; the batch as a whole is **not** one atomic step. A key that appears twice is
    /// added to twice (its two new values differ by `delta`, unless another thread added
    /// in between). Lock-free, allocates nothing (an insert takes an empty slot of its
    /// table, as a single add does). Keys are processed in groups of 16, each under one
    /// reclamation pin, their home buckets prefetched before they are
    /// written.
    ///
    /// `newValues`, when given, must have the same count as `keys`; otherwise the call
    /// stops with a message (in every build configuration) before adding anything.
    public func wrappingAdd(
        _ delta: Int64, forKeys keys: UnsafeBufferPointer<Int64>, into newValues: UnsafeMutableBufferPointer<Int64>?
    ) {
        if let newValues, newValues.count != keys.count {
            fatalError(
                "LockFreeInt64Map.wrappingAdd(_:forKeys:into:): keys and newValues must have the same count, "
                    + "got \(keys.count) and \(newValues.count)")
        }
        guard let keyBase = keys.baseAddress else { return }
        let output = newValues?.baseAddress
        let size = Self.batchGroupSize
        var start = 0
        while start < keys.count {
            let n = Swift.min(size, keys.count - start)
            if let output {
                addGroup(delta, keyBase + start, n) { j, newValue in output[start + j] = newValue }
            } else {
                addGroup(delta, keyBase + start, n) { _, _ in }
            }
            start += n
        }
    }

    // MARK: Convenient batches

    /// The value stored for each key of `keys`, in order (`nil` where absent).
    ///
    /// The same guarantee as `values(forKeys:into:found:)`: each lookup linearizable and
    /// identical to `value(forKey:)`, the batch not atomic, lock-free, one pin per group of
    /// 16 keys. It allocates only the array it returns, and never while a group is pinned
    /// (nothing more when `keys` has contiguous storage, such as an `Array`; other
    /// sequences are read 16 keys at a time into a buffer on the stack).
    public func values(forKeys keys: some Sequence<Int64>) -> [Int64?] {
        var result: [Int64?] = []
        result.reserveCapacity(keys.underestimatedCount)
        withUnsafeTemporaryAllocation(of: Int64?.self, capacity: Self.batchGroupSize) { groupValues in
            forEachGroup(of: keys) { group, n in
                // Pinned, the results go to the stack; the append, which may grow the array
                // (malloc), runs after the group's unpin, so no pin waits on an allocator.
                lookupGroup(group, n) { j, isPresent, value in groupValues[j] = isPresent ? value : nil }
                result.append(contentsOf: UnsafeBufferPointer(rebasing: groupValues[0..<n]))
            }
        }
        return result
    }

    /// Atomically adds `delta` (wrapping) to the value for each key of `keys`, in order, an
    /// absent key counting as 0.
    ///
    /// The same guarantee as `wrappingAdd(_:forKeys:into:)`: each add linearizable and
    /// identical to `wrappingAdd(_:forKey:)`, a key given twice added to twice, the batch
    /// not atomic, lock-free, one pin per group of 16 keys. Allocates nothing (a sequence
    /// without contiguous storage is read 16 keys at a time into a buffer on the stack).
    public func wrappingAdd(_ delta: Int64, forKeys keys: some Sequence<Int64>) {
        forEachGroup(of: keys) { group, n in addGroup(delta, group, n) { _, _ in } }
    }
}
