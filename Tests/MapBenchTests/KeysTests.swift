import Testing

@testable import MapBenchCore

/// The key and draw primitives must match docs/WORKLOADS.md bit for bit (the peers compare cell by
/// cell). Expected values computed independently with Python's arbitrary-precision integers.
@Suite struct KeysTests {
    @Test func splitmix64KnownValues() {
        #expect(splitmix64(0) == 0xE220_A839_7B1D_CDAF)
        #expect(splitmix64(1) == 0x910A_2DEC_8902_5CC1)
        #expect(splitmix64(2) == 0x9758_35DE_1C97_56CE)
        #expect(splitmix64(12345) == 0x2211_8258_A9D1_11A0)
        #expect(splitmix64(UInt64.max) == 0xE4D9_7177_1B65_2C20)
    }

    @Test func keyIsSplitmixReinterpreted() {
        #expect(benchKey(0) == -2_152_535_657_050_944_081)
        #expect(benchKey(1) == Int64(bitPattern: 0x910A_2DEC_8902_5CC1))
    }

    @Test func generatorIsTheSplitmixSequenceSeededWithTheThreadNumber() {
        var thread0 = SplitMix64(seed: 0)
        #expect(thread0.next() == splitmix64(0))
        var thread1 = SplitMix64(seed: 1)
        #expect(thread1.next() == 0x910A_2DEC_8902_5CC1)
        #expect(thread1.next() == 0xBEEB_8DA1_658E_EC67)
        #expect(thread1.next() == 0xF893_A2EE_FB32_555E)
    }

    @Test func unitDoubleUsesTheTop53Bits() {
        var g = SplitMix64(seed: 0)
        let u = g.nextUnitDouble()
        #expect(u == Double(splitmix64(0) >> 11) * 0x1p-53)
        #expect(u >= 0 && u < 1)
    }

    @Test func reduceIsTheHighHalfOfTheProduct() {
        #expect(reduce(splitmix64(0), 1000) == 883)
        #expect(reduce(UInt64.max, 100) == 99)
        #expect(reduce(1 << 63, 10) == 5)
        #expect(reduce(0, 100) == 0)
        #expect(reduce(UInt64.max, 1) == 0)
    }

    @Test func reduceStaysInRange() {
        var g = SplitMix64(seed: 7)
        for n: UInt64 in [1, 2, 3, 100, 1000, 2_000_000] {
            for _ in 0..<1000 { #expect(reduce(g.next(), n) < n) }
        }
    }
}
