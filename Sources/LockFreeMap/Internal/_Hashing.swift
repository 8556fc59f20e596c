// Key hashing: a seeded bijection of the 64-bit key space, and its inverse.
//
// `hash(key) = fmix64(key ^ seed)` where fmix64 is MurmurHash3's 64-bit
// finalizer (Appleby), a bijection with full avalanche. Because it is a
// bijection, two distinct keys never share a hash, so a slot stores 58 bits of
// the hash alone (the other 6 choose the stripe) and the key is recovered from
// them when iterating (`MapCore.key(low:stripe:)`). The seed is random per map instance, so a key set that collides
// in one map does not collide in another (hash flooding, as in redis#663).

let fmixMultiplier1: UInt64 = 0xff51_afd7_ed55_8ccd
let fmixMultiplier2: UInt64 = 0xc4ce_b9fe_1a85_ec53
// Multiplicative inverses modulo 2^64 of the two multipliers above.
let fmixInverse1: UInt64 = 0x4f74_430c_22a5_4005
let fmixInverse2: UInt64 = 0x9cb4_b2f8_1293_37db

@inline(__always) func fmix64(_ x: UInt64) -> UInt64 {
    var k = x
    k ^= k >> 33
    k &*= fmixMultiplier1
    k ^= k >> 33
    k &*= fmixMultiplier2
    k ^= k >> 33
    return k
}

/// The inverse of `fmix64`: `fmix64Inverse(fmix64(x)) == x` for every x.
/// (`x ^= x >> 33` is its own inverse because 33 > 64 / 2.)
@inline(__always) func fmix64Inverse(_ h: UInt64) -> UInt64 {
    var x = h
    x ^= x >> 33
    x &*= fmixInverse2
    x ^= x >> 33
    x &*= fmixInverse1
    x ^= x >> 33
    return x
}

// MARK: - The split of a hash

let stripeBits = 6
let stripeCount = 1 << stripeBits
/// Bits of the hash left to the stripe's table.
let lowHashBits = 64 - stripeBits

/// A key's hash split the way the map uses it.
struct HashedKey {
    /// Top `stripeBits` bits of the hash.
    let stripe: Int
    /// The other `lowHashBits` bits; the home bucket is `⌊low · bucketCount / 2^58⌋`.
    let low: UInt64
}
