// flagprobe K: one thread builds K keys (key(i) = splitmix64(i), as WORKLOADS.md's `build`),
// timing every insert, with the paths it took as `path-flags.patch` records them in
// `_probeFlags`: the chunks it moved (1-3), `other` (a chunk of another stripe's migration),
// `start` (a migration's start), `collect` (a collection of retired tables), `moveOn` (its
// key's probe range), `finish`, `refused` (admission refused it) and `hugeAdvise`. Prints
// the share of each path, the paths of the inserts at or above p99 and p99.9, and each
// path's p50 and p99. Environment (read by the patch): OWN_CHUNKS=1 for the shipped
// behaviour (a stripe's own writes move chunks), NO_SECOND=1 to drop the second chunk of an
// insert into a successor, NEXT_PF=1 and MOVEON_PF=1 for the two prefetch hints.
import Foundation
import LockFreeMap
@inline(__always) func splitmix64(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}
let k = Int(CommandLine.arguments[1])!
var lat = [UInt32](repeating: 0, count: k)
var flags = [UInt16](repeating: 0, count: k)
let map = LockFreeInt64Map()
var t0 = DispatchTime.now().uptimeNanoseconds
for i in 0..<k {
    let key = Int64(bitPattern: splitmix64(UInt64(i)))
    _probeFlags = 0
    map.insertValue(key, forKey: key)
    let t1 = DispatchTime.now().uptimeNanoseconds
    lat[i] = UInt32(min(t1 - t0, UInt64(UInt32.max))); flags[i] = UInt16(_probeFlags); t0 = t1
}
let sorted = lat.sorted()
func name(_ f: UInt16) -> String {
    var parts: [String] = []
    if f & 3 != 0 { parts.append("chunks=\(f & 3)") }
    if f & 4 != 0 { parts.append("other") }
    if f & 8 != 0 { parts.append("start") }
    if f & 16 != 0 { parts.append("collect") }
    if f & 32 != 0 { parts.append("moveOn") }
    if f & 64 != 0 { parts.append("finish") }
    if f & 128 != 0 { parts.append("refused") }
    if f & 256 != 0 { parts.append("hugeAdvise") }
    return parts.isEmpty ? "plain" : parts.joined(separator: "+")
}
var all: [String: Int] = [:]
for f in flags { all[name(f), default: 0] += 1 }
print("all inserts by path:", all.sorted { $0.value > $1.value }.map { "\($0.key) \(String(format: "%.3f", Double($0.value) / Double(k) * 100))%" }.joined(separator: ", "))
for q in [0.99, 0.999] {
    let thr = sorted[Int(Double(k) * q)]
    var h: [String: Int] = [:]
    var n = 0
    for i in 0..<k where lat[i] >= thr { h[name(flags[i]), default: 0] += 1; n += 1 }
    print("p\(q * 100) = \(thr) ns: \(n) inserts at or above, by path:", h.sorted { $0.value > $1.value }.prefix(8).map { "\($0.key) \($0.value)" }.joined(separator: ", "))
}
// latency by path: median
var byPath: [String: [UInt32]] = [:]
for i in 0..<k { byPath[name(flags[i]), default: []].append(lat[i]) }
for (p, v) in byPath.sorted(by: { $0.value.count > $1.value.count }).prefix(10) {
    let s = v.sorted()
    print("  \(p): \(v.count) inserts, p50 \(s[s.count / 2]) ns, p99 \(s[min(s.count - 1, Int(Double(s.count) * 0.99))]) ns")
}
