import Testing
// Replay machinery. What this proves: a seed fixes every generated sequence and round script
// (so LOCKFREEMAP_SEED=<n> reproduces a failure's operations), salts give independent
// streams, and the seed variable accepts decimal and hexadecimal.
import _LockFreeMapTestSupport

@Suite("Model-based: seeds and replay")
struct ReplayTests {
    /// Same seed and salts, same stream; another salt, another stream.
    @Test func seedAndSaltsFixTheStream() {
        var first = SeededRandom(seed: 42, salts: 1, 2)
        var second = SeededRandom(seed: 42, salts: 1, 2)
        var other = SeededRandom(seed: 42, salts: 1, 3)
        let a = (0..<8).map { _ in first.next() }
        #expect(a == (0..<8).map { _ in second.next() })
        #expect(a != (0..<8).map { _ in other.next() })
        #expect(Set(a).count == a.count)
    }

    /// A generated operation sequence depends only on the seed.
    @Test func generatedSequencesReplay() {
        func sequence(_ seed: UInt64) -> [MapOperation] {
            var rng = SeededRandom(seed: seed)
            return ModelSequences.generate([(.edgeBiased(poolSize: 12), 200)], using: &rng)
        }
        #expect(sequence(7) == sequence(7))
        #expect(sequence(7) != sequence(8))
    }

    /// Round scripts of the concurrent tests depend only on the seed and the configuration.
    @Test func roundScriptsReplay() {
        let configuration = LinearizabilityRounds.Configuration(
            name: "replay", threads: 4, rounds: 20, keysPerRound: 1...4, operationsPerThread: 1...5,
            roundsPerMap: 5, seed: 1)
        let first = LinearizabilityRounds.makeRounds(configuration)
        let second = LinearizabilityRounds.makeRounds(configuration)
        #expect(first.map(\.keys) == second.map(\.keys))
        #expect(
            first.map { $0.scripts.map { $0.map(\.operation) } }
                == second.map { $0.scripts.map { $0.map(\.operation) } })
    }

    /// LOCKFREEMAP_SEED is read as decimal or 0x-hexadecimal; anything else is rejected.
    @Test func seedParsing() {
        #expect(TestKnobs.parseSeed("12345") == 12_345)
        #expect(TestKnobs.parseSeed(" 0xFF ") == 255)
        #expect(TestKnobs.parseSeed("18446744073709551615") == .max)
        #expect(TestKnobs.parseSeed("seed") == nil)
        #expect(TestKnobs.parseSeed("-1") == nil)
        // What the replay line prints reads back as the same seed.
        #expect(TestKnobs.parseSeed(TestKnobs.format(0x1234_abcd)) == 0x1234_abcd)
        #expect(TestKnobs.parseSeed(TestKnobs.format(.max)) == .max)
        #expect(TestKnobs.parseSeed(TestKnobs.seedText) == TestKnobs.seed)
    }
}
