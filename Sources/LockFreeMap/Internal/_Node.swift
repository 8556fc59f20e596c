// The node: one entry (or one bucket's dummy) of a stripe's split-ordered list.
//
//   word 0  next      link to the successor node | MARK (bit 0)  ┐ one 16-byte-aligned
//   word 1  value     the entry's value (Int64 bit pattern)      ┘ pair, CASed together
//   word 2  orderKey  split-order key: reverseBits(hashLow) | 1 for an entry,
//                     reverseBits(bucket) (even) for a bucket's dummy.
//                     Written once before publication, immutable while reachable.
//   word 3  link      free-list / limbo-list link; used only while the node is
//                     unreachable from the map (never read by a map traversal).
//
// 32 bytes, 32-byte aligned (nodes are carved from page-aligned slabs after a
// 64-byte header), so `next` and `value` always form an aligned 16-byte pair.
//
// MARK set on `next` means "this entry is logically removed": it is set by the
// 16-byte CAS that is the linearization point of a removal, together with reading
// the final value; a marked `next` never changes again, and a marked node is never
// unmarked. Dummy nodes are never marked. Values change only by a 16-byte CAS that
// expects `next` unmarked, so no value write can land on a removed entry.

/// The address of a node, as stored in links (0 = none). Bit 0 of a stored
/// link is the MARK; a `NodeAddress` itself is always unmarked.
typealias NodeAddress = UInt64

let markBit: UInt64 = 1
let nodeByteCount = 32
let nodeWordCount = 4

@inline(__always) func words(_ node: NodeAddress) -> AtomicWord {
    UnsafeMutablePointer<UInt64>(bitPattern: UInt(node)).unsafelyUnwrapped
}
@inline(__always) func nextWord(_ node: NodeAddress) -> AtomicWord { words(node) }
@inline(__always) func valueWord(_ node: NodeAddress) -> AtomicWord { words(node) + 1 }
@inline(__always) func orderKeyWord(_ node: NodeAddress) -> AtomicWord { words(node) + 2 }
@inline(__always) func linkWord(_ node: NodeAddress) -> AtomicWord { words(node) + 3 }

@inline(__always) func isMarked(_ link: UInt64) -> Bool { link & markBit != 0 }
@inline(__always) func unmarked(_ link: UInt64) -> NodeAddress { link & ~markBit }
@inline(__always) func address(_ p: UnsafeMutableRawPointer) -> UInt64 { UInt64(UInt(bitPattern: p)) }

/// Entries have odd order keys, bucket dummies even ones.
@inline(__always) func isDummyKey(_ orderKey: UInt64) -> Bool { orderKey & 1 == 0 }
