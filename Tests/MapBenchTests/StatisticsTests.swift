import Testing

@testable import MapBenchCore

@Suite struct StatisticsTests {
    private func withSorted<R>(_ values: [UInt32], _ body: (UnsafeBufferPointer<UInt32>) -> R) -> R {
        values.sorted().withUnsafeBufferPointer(body)
    }

    @Test func percentileIsTheElementAtFloorOfPTimesN() {
        let values = (1...1000).map { UInt32($0) }
        withSorted(values) { sorted in
            #expect(percentile(sorted, 0.50) == 501)
            #expect(percentile(sorted, 0.99) == 991)
            #expect(percentile(sorted, 0.999) == 1000)
            #expect(percentile(sorted, 0) == 1)
            #expect(percentile(sorted, 1) == 1000)  // clamped to the last
        }
    }

    @Test func percentileOfFewAndNoSamples() {
        withSorted([7]) { #expect(percentile($0, 0.999) == 7) }
        withSorted([3, 1]) { sorted in
            #expect(percentile(sorted, 0.5) == 3)
            #expect(percentile(sorted, 0.49) == 1)
        }
        withSorted([]) { #expect(percentile($0, 0.5) == 0) }
    }

    @Test func medianOddEvenEmpty() {
        #expect(median([3, 1, 2]) == 2)
        #expect(median([4, 1, 3, 2]) == 2.5)
        #expect(median([]) == 0)
        #expect(median([5]) == 5)
    }

    @Test func measurementMedianIsTakenColumnByColumn() {
        let runs = [
            Measurement(mops: 1, p50: 30, p99: 900, p999: 5),
            Measurement(mops: 3, p50: 10, p99: 100, p999: 7),
            Measurement(mops: 2, p50: 20, p99: 500, p999: 6),
        ]
        #expect(Measurement.median(of: runs) == Measurement(mops: 2, p50: 20, p99: 500, p999: 6))
    }

    @Test func summarizePoolsSamplesAndUsesTheLatestEnd() {
        let a = WorkerSlot(expectedSamples: 16)
        let b = WorkerSlot(expectedSamples: 16)
        for v: UInt64 in [10, 20, 30] { a.samples.append(v) }
        for v: UInt64 in [40, 50] { b.samples.append(v) }
        b.samples.append(UInt64(UInt32.max) + 5)  // saturates
        a.operations = 1_000_000
        b.operations = 1_000_000
        a.endNanoseconds = 1_000_000_000 + 500_000_000
        b.endNanoseconds = 1_000_000_000 + 1_000_000_000
        let m = summarize([a, b], startNanoseconds: 1_000_000_000)
        #expect(m.mops == 2)
        #expect(m.p50 == 40)
        #expect(m.p999 == Double(UInt32.max))
    }

    @Test func sampleBufferGrowsPastItsCapacity() {
        var buffer = SampleBuffer(capacity: 1024)
        for i in 0..<5000 { buffer.append(UInt64(i)) }
        #expect(buffer.count == 5000)
        #expect(buffer.samples[4999] == 4999)
        #expect(buffer.capacity >= 5000)
        buffer.free()
    }
}
