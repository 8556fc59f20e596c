import Testing
import _LockFreeMapTestSupport

/// Key sets built to collide under weak hashes: each would pile into a few buckets of a table
/// that indexes by the key's low bits, high bits, identity or bit-reversed identity (as a
/// split-ordered list does), or that hashes with a weak multiplicative mix. A strong 64-bit
/// mixer seeded per map (against hash flooding, as in redis#663) spreads all of them.
enum HostileKeySet: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// i << 32: low 32 bits all zero.
    case multiplesOf2To32
    /// i << 16: low 16 bits all zero.
    case multiplesOf2To16
    /// Keys that differ only in their top 17 bits.
    case differingOnlyInHighBits
    /// 0, 1, 2, ...
    case sequential
    /// -1, -2, -3, ...
    case negativeSequential
    /// Every key with one, two or three bits set (43,744 keys).
    case powersOfTwoAndTheirSums
    /// (i << 32) | 0xDEADBEEF: the same low 32 bits.
    case sameLow32Bits
    /// The bit reversal of 0, 1, 2, ...: differ only in the top bits, in split-order.
    case bitReversedSequential
    /// splitmix64 of 0, 1, 2, ...: not hostile, the baseline the others are held to.
    case randomBaseline

    /// The first `count` keys of the set (fewer for `powersOfTwoAndTheirSums`, which has 43,744).
    /// Precondition: count <= 131,072 (the high-bits set has 17 free bits).
    func keys(count: Int) -> [Int64] {
        precondition(count <= 1 << 17, "hostile key sets hold at most 131,072 keys")
        let indexes = 0..<UInt64(count)
        let keys: [UInt64]
        switch self {
        case .multiplesOf2To32: keys = indexes.map { $0 << 32 }
        case .multiplesOf2To16: keys = indexes.map { $0 << 16 }
        case .differingOnlyInHighBits: keys = indexes.map { ($0 << 47) | 0x5555 }
        case .sequential: keys = Array(indexes)
        case .negativeSequential: keys = indexes.map { UInt64(bitPattern: -1 - Int64($0)) }
        case .powersOfTwoAndTheirSums: keys = Array(Self.fewBitsSet().prefix(count))
        case .sameLow32Bits: keys = indexes.map { ($0 << 32) | 0xDEAD_BEEF }
        case .bitReversedSequential: keys = indexes.map(Self.bitReversed)
        case .randomBaseline: keys = indexes.map(SeededRandom.mix)
        }
        return keys.map { Int64(bitPattern: $0) }
    }

    /// The name shown in test results.
    var testDescription: String { rawValue }

    /// Every UInt64 with one, two or three bits set, in increasing bit positions.
    private static func fewBitsSet() -> [UInt64] {
        var keys: [UInt64] = []
        for a in 0..<64 {
            keys.append(1 << a)
            for b in (a + 1)..<64 {
                keys.append(1 << a | 1 << b)
                for c in (b + 1)..<64 { keys.append(1 << a | 1 << b | 1 << c) }
            }
        }
        return keys
    }

    /// `value` with its 64 bits in reverse order.
    private static func bitReversed(_ value: UInt64) -> UInt64 {
        var input = value
        var output: UInt64 = 0
        for _ in 0..<64 {
            output = output << 1 | input & 1
            input >>= 1
        }
        return output
    }
}
