// Read-modify-write with a user closure (compute / computeIfAbsent in Java's words) and the
// predicate sweep removeAll(where:). Each is a loop over the public single-key calls
// (`value(forKey:)`, `compareExchange`, `insertValue`), so each attempt linearizes where
// that call does; the user's closure always runs between calls, with no reclamation pin
// held. Linearization points: docs/DESIGN.md, section 3, "Closures".

extension LockFreeInt64Map {
    /// Read-modify-write on one key, as one linearizable step: `transform` gets the
    /// current value (`nil` = absent) and returns the new one (`nil` = remove; returning
    /// the argument unchanged writes nothing).
    ///
    /// As one atomic step:
    /// `let new = transform(map[key]); if new != map[key] { map[key] = new }; return new`.
    ///
    /// Lock-free: a CAS loop. `transform` runs with the value the loop last saw, then the
    /// matching conditional write is attempted (insert if absent, remove if equal, replace
    /// if equal); if another thread changed the key in between, `transform` runs again
    /// with the new value. So `transform` may run more than once under contention; only
    /// the result of its last run is stored. `transform` must not call this map (it would
    /// not deadlock, but its effects would not be part of the atomic step) and should be
    /// quick and free of side effects. It runs with no internal state held: a slow
    /// `transform` delays nobody but its caller. Allocates nothing.
    ///
    /// If `transform` throws, the map is unchanged by this call and the error is rethrown.
    /// - Returns: The value stored for `key` afterwards (`nil` = absent).
    @discardableResult
    public func updateValue(forKey key: Int64, with transform: (Int64?) throws -> Int64?) rethrows -> Int64? {
        var current = value(forKey: key)
        while true {
            let desired = try transform(current)
            // Unchanged: LP is the read (or the failed attempt) that saw `current`.
            if desired == current { return current }
            // Insert if absent, remove if equal, or replace if equal: LP that call's CAS. On
            // failure another write changed the key after we read it: retry from what the
            // failed attempt saw (which differs from `current`).
            let (exchanged, original) = compareExchange(forKey: key, expected: current, desired: desired)
            if exchanged { return desired }
            current = original
        }
    }

    /// The value for `key`, inserting `make()` first if the key is absent (get-or-insert).
    ///
    /// As one atomic step:
    /// `if let v = map[key] { return v }; let v = make(); map[key] = v; return v`,
    /// except that `make` runs outside the atomic step: it runs only after the key was seen
    /// absent, at most once per call, and if another thread inserts the key before this
    /// call does, that thread's value is returned and the made one is dropped.
    ///
    /// Lock-free and linearizable: when the key is present, at the read that found it; when
    /// this call inserts, at the insert's CAS; when it loses the race, at the read inside
    /// the insert that saw the winner's value. `make` must not call this map. Allocates
    /// nothing. If `make` throws, nothing is inserted and the error is rethrown.
    /// - Returns: The value stored for `key` when the call returns.
    public func value(forKey key: Int64, orInsert make: () throws -> Int64) rethrows -> Int64 {
        if let present = value(forKey: key) { return present }
        // Put-if-absent: its CAS inserted `make()`, or its read saw the winner's value.
        return insertValue(try make(), forKey: key).currentValue
    }

    /// Removes every entry for which `shouldBeRemoved` returns true.
    ///
    /// Weakly consistent, like `forEach(_:)`: the predicate sees each key present for the
    /// whole call exactly once, and keys inserted or removed meanwhile at most once. Each
    /// removal is a linearizable remove-if-equal (`compareExchange(forKey: key,
    /// expected: seenValue, desired: nil)`) on the value the predicate saw, so an entry
    /// updated by another thread after the predicate saw it stays. The call as a whole
    /// is not one atomic step. Lock-free.
    ///
    /// `shouldBeRemoved` runs at most once per key visited, during the walk (while
    /// retired tables wait to be freed); it may call the map. If it throws, the sweep
    /// stops, the removals made so far stay, and the error is rethrown.
    /// - Returns: How many entries this call removed.
    @discardableResult
    public func removeAll(where shouldBeRemoved: (_ key: Int64, _ value: Int64) throws -> Bool) rethrows -> Int {
        var removed = 0
        try forEach { key, value in
            if try shouldBeRemoved(key, value),
                compareExchange(forKey: key, expected: value, desired: nil).exchanged
            {
                removed += 1
            }
        }
        return removed
    }
}
