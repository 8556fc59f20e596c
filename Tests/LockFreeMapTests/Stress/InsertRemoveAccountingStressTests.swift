@_spi(Testing) import LockFreeMap
import Testing
import _LockFreeMapTestSupport

extension StressSuite.Invariants {
    /// What each thread of the accounting test counted.
    struct AccountingThreadResult: Sendable {
        /// Per key, how many of this thread's operations inserted it (made it present from absent).
        var inserts: [Int]
        /// Per key, how many of this thread's operations removed it.
        var removes: [Int]
        /// The first returned result that contradicts the operation's contract, if any.
        var contractViolation: String?
    }

    /// A small key space (edge values and scattered keys) so that threads collide on every key.
    static let accountingKeys: [Int64] = [
        0, -1, 1, .min, .max, 2, 3, -2, 1 << 32, 1 << 48, -(1 << 33), 0x5555_5555, 17, 99, 1_000_003, -7,
    ]

    /// The only values ever written; a small set, so that a guessed `expected` often matches.
    static let accountingValues: [Int64] = [0, -1, .min, .max, 7]

    // Stresses: the success/failure outcomes of every conditional write (put-if-absent, the four
    // nil forms of compareExchange, remove, upsert) racing on the same few keys. Each successful
    // insert and remove is counted by the thread that got it; the final balance per key must be
    // 0 or 1 and agree with presence, `count` and `forEach`.
    @Test("Insert/remove accounting: per-key successes balance to presence; count and forEach agree")
    func insertRemoveAccountingBalances() async throws {
        let threadCount = 4
        let iterations = TestKnobs.stressScaled(150_000, long: 5_000_000)
        let seed = TestKnobs.seed
        let keys = Self.accountingKeys
        let values = Self.accountingValues
        let map = LockFreeInt64Map()

        let results = await onOSThread { () -> [AccountingThreadResult] in
            let results = ThreadSlots<AccountingThreadResult>(count: threadCount)
            OSThreads.run(count: threadCount) { thread in
                var random = SeededRandom(seed: seed, salts: UInt64(thread))
                var result = AccountingThreadResult(
                    inserts: Array(repeating: 0, count: keys.count),
                    removes: Array(repeating: 0, count: keys.count))
                func violation(_ text: @autoclosure () -> String) {
                    if result.contractViolation == nil { result.contractViolation = "thread \(thread): \(text())" }
                }
                for _ in 0..<iterations {
                    let index = random.index(below: keys.count)
                    let key = keys[index]
                    let value = values[random.index(below: values.count)]
                    switch random.index(below: 7) {
                    case 0:
                        let (inserted, current) = map.insertValue(value, forKey: key)
                        if inserted {
                            result.inserts[index] += 1
                            if current != value { violation("insertValue inserted \(value) but reported \(current)") }
                        } else if !values.contains(current) {
                            violation("insertValue saw foreign value \(current)")
                        }
                    case 1:
                        if let removed = map.removeValue(forKey: key) {
                            result.removes[index] += 1
                            if !values.contains(removed) { violation("removeValue returned foreign value \(removed)") }
                        }
                    case 2:
                        let (exchanged, original) = map.compareExchange(forKey: key, expected: nil, desired: value)
                        if exchanged {
                            result.inserts[index] += 1
                            if original != nil { violation("CAS(nil->v) exchanged but original \(original!)") }
                        } else if original == nil || !values.contains(original!) {
                            violation("CAS(nil->v) failed with original \(String(describing: original))")
                        }
                    case 3:
                        // Expect the value just read half of the time, a guess otherwise.
                        let expected = random.index(below: 2) == 0 ? (map[key] ?? value) : value
                        let (exchanged, original) = map.compareExchange(forKey: key, expected: expected, desired: nil)
                        if exchanged {
                            result.removes[index] += 1
                            if original != expected {
                                violation("CAS(e->nil) exchanged but original \(String(describing: original))")
                            }
                        } else if original == expected {
                            violation("CAS(e->nil) failed although original == expected \(expected)")
                        }
                    case 4:
                        if let replaced = map.updateValue(value, forKey: key) {
                            if !values.contains(replaced) {
                                violation("updateValue replaced foreign value \(replaced)")
                            }
                        } else {
                            result.inserts[index] += 1
                        }
                    case 5:
                        let expected = values[random.index(below: values.count)]
                        let (exchanged, original) = map.compareExchange(forKey: key, expected: expected, desired: value)
                        if exchanged != (original == expected) {
                            violation(
                                "CAS(e->v) exchanged=\(exchanged) with original \(String(describing: original)), expected \(expected)"
                            )
                        }
                    default:
                        let (exchanged, original) = map.compareExchange(forKey: key, expected: nil, desired: nil)
                        if exchanged != (original == nil) {
                            violation(
                                "CAS(nil->nil) exchanged=\(exchanged) with original \(String(describing: original))")
                        }
                    }
                }
                results[thread] = result
            }
            return results.values
        }

        let hint = TestKnobs.replayHint
        for result in results {
            #expect(result.contractViolation == nil, "\(result.contractViolation ?? ""); \(hint)")
        }
        var visits: [Int64: Int] = [:]
        map.forEach { key, value in
            visits[key, default: 0] += 1
            #expect(values.contains(value), "forEach saw foreign value \(value) for key \(key); \(hint)")
        }
        var presentCount = 0
        for (index, key) in keys.enumerated() {
            let balance = results.reduce(0) { $0 + $1.inserts[index] - $1.removes[index] }
            #expect(balance == 0 || balance == 1, "key \(key): \(balance) net successful inserts; \(hint)")
            #expect(map.containsKey(key) == (balance == 1), "key \(key): presence vs balance \(balance); \(hint)")
            #expect(visits[key] == (balance == 1 ? 1 : nil), "key \(key): forEach visits \(visits[key] ?? 0); \(hint)")
            if balance == 1 { presentCount += 1 }
        }
        #expect(visits.count == presentCount, "forEach visited keys outside the key space; \(hint)")
        #expect(map.count == presentCount, "\(hint)")
        #expect(map.isEmpty == (presentCount == 0), "\(hint)")
        try map.checkInvariants()
    }
}
