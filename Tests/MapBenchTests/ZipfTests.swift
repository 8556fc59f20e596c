import Foundation
import Testing

@testable import MapBenchCore

@Suite struct ZipfTests {
    @Test func ranksStayInRange() {
        for n: UInt64 in [1, 2, 3, 1000] {
            let zipf = ZipfGenerator(n: n)
            var g = SplitMix64(seed: 3)
            for _ in 0..<5000 { #expect(zipf.rank(g.nextUnitDouble()) < n) }
            #expect(zipf.rank(0) == 0)
            #expect(zipf.rank(0.999_999_999) < n)
        }
    }

    @Test func rankZeroIsTheMostFrequentAndFrequencyFallsWithRank() {
        let n: UInt64 = 1000
        let zipf = ZipfGenerator(n: n)
        var counts = [Int](repeating: 0, count: Int(n))
        var g = SplitMix64(seed: 0)
        for _ in 0..<100_000 { counts[Int(zipf.rank(g.nextUnitDouble()))] += 1 }
        #expect(counts[0] == counts.max())
        #expect(counts[0] > counts[1])
        #expect(counts[1] > counts[10])
        #expect(counts[10] > counts[500])
        // s = 0.99 over 1000 ranks: rank 0 takes 1/zeta(1000) ~ 13 % of the draws.
        #expect(counts[0] > 10_000 && counts[0] < 16_000)
    }

    @Test func zetaOfSmallN() {
        #expect(ZipfGenerator.zeta(1, 0.99) == 1)
        let z2 = ZipfGenerator.zeta(2, 0.99)
        #expect(abs(z2 - (1 + 1 / pow(2.0, 0.99))) < 1e-12)
    }

    @Test func ringIsDrawnFromTheThreadsOwnGeneratorAndHandsItOn() {
        let zipf = ZipfGenerator(n: 1000)
        let ring = ZipfRing(zipf: zipf, thread: 1)
        var g = SplitMix64(seed: 1)
        for i in 0..<100 {
            #expect(UInt64(ring.ranks[i]) == zipf.rank(g.nextUnitDouble()))
        }
        var expected = SplitMix64(seed: 1)
        for _ in 0..<ZipfRing.size { _ = expected.next() }
        #expect(ring.generatorAfter.state == expected.state)
    }

    @Test func cacheReusesRings() {
        let cache = ZipfCache()
        let a = cache.ring(n: 100, thread: 0)
        #expect(cache.ring(n: 100, thread: 0) === a)
        #expect(cache.ring(n: 100, thread: 1) !== a)
        cache.forget(n: 100)
        #expect(cache.ring(n: 100, thread: 0) !== a)
    }
}
