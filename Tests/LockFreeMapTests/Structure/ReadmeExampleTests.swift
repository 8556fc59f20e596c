// The README's example, run as written, with the output it claims.
import Dispatch
import LockFreeMap
import Testing

@Test func readmeExampleBehavesAsDocumented() {
    let hits = LockFreeInt64Map()
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
        for page in 0..<1_000 { hits.wrappingAdd(1, forKey: Int64(page)) }
    }
    hits.insertValue(-1, forKey: .min)
    let swapped = hits.compareExchange(forKey: 42, expected: 8, desired: 0)
    hits.updateValue(forKey: 7) { ($0 ?? 0) * 2 }
    let total = hits.reduce(0) { $0 + $1.value }
    #expect(hits[7] == 16)
    #expect(swapped.exchanged && swapped.original == 8)
    #expect(hits.count == 1_001)
    #expect(hits[.min] == -1)
    #expect(total == 7_999)
    #expect(
        "\(hits[7] ?? 0) \(swapped) \(hits.count) \(total)" == "16 (exchanged: true, original: Optional(8)) 1001 7999")
}
