import Testing
@testable import MapBenchCore
@Test func placeholder() { #expect(1 + 1 == 2) }
