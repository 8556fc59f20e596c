// swift-format-ignore-file
// (This file holds the DocC articles' code verbatim: see `articlesMatchThisFile`.)
// The code of the DocC articles (Sources/LockFreeMap/LockFreeMap.docc/*.md), compiled and run,
// with the outputs the articles claim checked. `articlesMatchThisFile` keeps the two from
// drifting: every ```swift block of every .md file in the catalog must appear in this file
// verbatim, line by line, up to one uniform indentation (a block inside a test function is
// indented by its body). Edit an example in both places.
//
// Exempt: a block whose first line is `// Package.swift` (a manifest fragment, which cannot
// compile inside a test). Every other ```swift block must be here.
//
// The examples that use the version-2 API (updateValue(forKey:with:), value(forKey:orInsert:),
// removeAll(where:), reserveCapacity(_:), for-in, dictionary literals, Dictionary(_:)) compile
// once that API is in the module.

import Testing
import LockFreeMap
import Dispatch
import Foundation

/// What `print(items...)` writes, without the newline.
private func printed(_ items: Any...) -> String {
    items.map { String(describing: $0) }.joined(separator: " ")
}

// GettingStarted.md, "Count": an actor holding a map.
actor Router {
    nonisolated let hits = LockFreeInt64Map()

    func handle(route: Int64) {
        hits.wrappingAdd(1, forKey: route)   // synchronous: no await
    }
}

@Suite struct ArticleExamplesTests {
    // MARK: GettingStarted.md

    @Test func countFromThreads() {
        let hits = LockFreeInt64Map()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for page in 0..<1_000 {
                hits.wrappingAdd(1, forKey: Int64(page))
            }
        }
        print(hits[7] ?? 0, hits.count)   // 4 1000
        #expect(printed(hits[7] ?? 0, hits.count) == "4 1000")
        hits.forEach { _, value in #expect(value == 4) }
    }

    @Test func countFromATaskGroup() async {
        let wordCounts = LockFreeInt64Map()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    for word in 0..<Int64(100) {
                        wordCounts.wrappingAdd(1, forKey: word)
                    }
                }
            }
        }
        print(wordCounts[0] ?? 0, wordCounts.count)   // 4 100
        #expect(printed(wordCounts[0] ?? 0, wordCounts.count) == "4 100")
    }

    @Test func countFromAnActor() async {
        let router = Router()
        await router.handle(route: 3)   // the await is for the actor's method
        router.hits.wrappingAdd(1, forKey: 3)   // no await: the map is not actor-isolated
        print(router.hits[3] ?? 0)   // 2
        #expect(printed(router.hits[3] ?? 0) == "2")
    }

    @Test func cacheGetOrInsert() {
        let squares = LockFreeInt64Map()
        func square(_ n: Int64) -> Int64 {
            squares.value(forKey: n, orInsert: { n &* n })
        }
        print(square(12), square(12), squares.count)   // 144 144 1
        #expect(printed(square(12), square(12), squares.count) == "144 144 1")
    }

    @Test func putIfAbsent() {
        let owners = LockFreeInt64Map()
        let first = owners.insertValue(1, forKey: 500)
        let second = owners.insertValue(2, forKey: 500)
        print(first, second)   // (inserted: true, currentValue: 1) (inserted: false, currentValue: 1)
        #expect(printed(first, second) == "(inserted: true, currentValue: 1) (inserted: false, currentValue: 1)")
    }

    @Test func readModifyWrite() {
        let balances: LockFreeInt64Map = [1: 100, 2: 0]
        // Withdraw 30 from account 1 unless that would overdraw it.
        let after = balances.updateValue(forKey: 1) { balance in
            guard let balance, balance >= 30 else { return balance }   // unchanged: writes nothing
            return balance - 30
        }
        print(after ?? 0)   // 70
        #expect(printed(after ?? 0) == "70")
        #expect(balances[1] == 70 && balances[2] == 0)
    }

    @Test func compareExchangeLoop() {
        let maxima = LockFreeInt64Map()
        @Sendable func recordMaximum(_ sample: Int64, forKey key: Int64) {
            var seen = maxima[key]
            while seen.map({ $0 < sample }) ?? true {
                let (exchanged, original) = maxima.compareExchange(forKey: key, expected: seen, desired: sample)
                if exchanged { return }
                seen = original   // another thread wrote first: look at its value
            }
        }
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for sample in 0..<Int64(1_000) {
                recordMaximum(sample * 4 + Int64(worker), forKey: 0)
            }
        }
        print(maxima[0] ?? 0)   // 3999
        #expect(printed(maxima[0] ?? 0) == "3999")
    }

    @Test func removal() {
        let lastSeen: LockFreeInt64Map = [1: 50, 2: 900, 3: 120, 4: 40]   // session: last-seen time
        let removed = lastSeen.removeValue(forKey: 1)
        let kept = lastSeen.compareExchange(forKey: 2, expected: 800, desired: nil)
        let expired = lastSeen.removeAll { _, time in time < 200 }
        print(removed ?? 0, kept.exchanged, expired, lastSeen.count)   // 50 false 2 1
        #expect(printed(removed ?? 0, kept.exchanged, expired, lastSeen.count) == "50 false 2 1")
        #expect(lastSeen[2] == 900)
    }

    @Test func iteration() {
        let stock: LockFreeInt64Map = [10: 3, 20: 0, 30: 7]
        var total: Int64 = 0
        for (_, quantity) in stock {
            total += quantity
        }
        var soldOut: [Int64] = []
        stock.forEach { item, quantity in
            if quantity == 0 { soldOut.append(item) }
        }
        let snapshot = Dictionary(stock)
        print(total, soldOut, snapshot[30] ?? 0)   // 10 [20] 7
        #expect(printed(total, soldOut, snapshot[30] ?? 0) == "10 [20] 7")
        #expect(snapshot == [10: 3, 20: 0, 30: 7])
    }

    @Test func fromYourOwnThreads() {
        let claimed = LockFreeInt64Map()
        let done = DispatchGroup()
        for worker in 0..<Int64(2) {
            done.enter()
            Thread.detachNewThread {
                for job in 0..<Int64(500) {
                    claimed.insertValue(worker, forKey: job)   // first thread to claim a job wins
                }
                done.leave()
            }
        }
        done.wait()
        print(claimed.count)   // 500
        #expect(printed(claimed.count) == "500")
        claimed.forEach { _, owner in #expect(owner == 0 || owner == 1) }
    }

    // MARK: Guarantees.md

    @Test func checkThenActIsTwoSteps() {
        let owners = LockFreeInt64Map()
        let job: Int64 = 7
        // Not atomic: another thread may insert between the check and the write.
        if owners[job] == nil { owners[job] = 1 }
        // One linearizable step: put-if-absent.
        let claim = owners.insertValue(2, forKey: job)
        print(claim.inserted, claim.currentValue)   // false 1
        #expect(printed(claim.inserted, claim.currentValue) == "false 1")
    }

    // MARK: Performance.md

    @Test func presizing() {
        let index = LockFreeInt64Map(minimumCapacity: 10_000)
        for key in 0..<Int64(10_000) {
            index[key] = key &* 2
        }
        print(index.count, index.statistics.resizeCount)   // 10000 0

        let later = LockFreeInt64Map()
        later.reserveCapacity(50_000)   // before a bulk load of about 50,000 entries
        #expect(printed(index.count, index.statistics.resizeCount) == "10000 0")
        #expect(later.isEmpty)
    }

    @Test func statistics() {
        let sessions = LockFreeInt64Map()
        for id in 0..<Int64(1_000) {
            sessions[id] = id
        }
        for id in 0..<Int64(500) {
            sessions[id] = nil
        }
        let stats = sessions.statistics
        print(stats.stripeCount, stats.entryCount, stats.entryCount == sessions.count)   // 64 500 true
        #expect(printed(stats.stripeCount, stats.entryCount, stats.entryCount == sessions.count) == "64 500 true")
    }

    // MARK: The articles and this file

    /// Every ```swift block of the catalog's articles appears in this file (see the header).
    @Test func articlesMatchThisFile() throws {
        let thisFile = URL(fileURLWithPath: #filePath)
        let catalog = thisFile
            .deletingLastPathComponent()   // Docs
            .deletingLastPathComponent()   // LockFreeMapTests
            .deletingLastPathComponent()   // Tests
            .deletingLastPathComponent()   // the package root
            .appendingPathComponent("Sources/LockFreeMap/LockFreeMap.docc")
        let source = try String(contentsOf: thisFile, encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let articles = try FileManager.default.contentsOfDirectory(atPath: catalog.path)
            .filter { $0.hasSuffix(".md") }.sorted()
        #expect(articles.contains("GettingStarted.md"))
        var checked = 0
        for article in articles {
            let text = try String(contentsOf: catalog.appendingPathComponent(article), encoding: .utf8)
            for (line, block) in Self.swiftBlocks(in: text) {
                if block.first == "// Package.swift" { continue }
                checked += 1
                let found = Self.contains(source, block)   // not inside #expect: it would print the whole file
                #expect(
                    found,
                    "\(article):\(line): this ```swift block is not in ArticleExamplesTests.swift verbatim:\n\(block.joined(separator: "\n"))")
            }
        }
        #expect(checked >= 15, "found only \(checked) swift blocks: is the fence parser broken?")
    }

    /// The ```swift blocks of a Markdown text, with the line number of each opening fence.
    static func swiftBlocks(in text: String) -> [(line: Int, lines: [String])] {
        var blocks: [(line: Int, lines: [String])] = []
        var current: [String]?
        var start = 0
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if let lines = current {
                if trimmed == "```" {
                    blocks.append((start, lines))
                    current = nil
                } else {
                    current = lines + [String(line)]
                }
            } else if trimmed == "```swift" {
                current = []
                start = number + 1
            }
        }
        return blocks
    }

    /// Whether `block` occurs in `source` as consecutive lines, each prefixed by the same
    /// indentation (blank lines of the block match blank lines).
    static func contains(_ source: [String], _ block: [String]) -> Bool {
        guard let first = block.first, !block.isEmpty else { return true }
        for start in source.indices where source[start].hasSuffix(first) {
            let indent = String(source[start].dropLast(first.count))
            guard indent.allSatisfy({ $0 == " " }), start + block.count <= source.count else { continue }
            let matches = block.indices.allSatisfy { i in
                block[i].isEmpty ? source[start + i].isEmpty : source[start + i] == indent + block[i]
            }
            if matches { return true }
        }
        return false
    }
}
