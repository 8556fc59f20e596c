// tailprobe K: one thread builds K keys (key(i) = splitmix64(i), as WORKLOADS.md's `build`)
// into three maps, timing every insert: the map grown from empty, the map created with
// minimumCapacity K (no migration), and 64 Mutex<[Int64: Int64]> shards (map-bench's
// `sharded`). Prints each one's latency percentiles and maximum, and the share of the
// build's time spent in inserts slower than 1 µs.
import Foundation
import Synchronization
import LockFreeMap
import ProbeWorkload

@inline(__always) func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

final class Shard { let m = Mutex<[Int64: Int64]>([:]) }
final class Sharded {
    let shards: [Shard] = (0..<64).map { _ in Shard() }
    func insert(_ v: Int64, _ k: Int64) {
        let i = Int(splitmix64(UInt64(bitPattern: k)) >> 58)
        shards[i].m.withLock { d in if d[k] == nil { d[k] = v } }
    }
}

func report(_ name: String, _ lat: inout [UInt32], total: UInt64) {
    lat.sort()
    func p(_ q: Double) -> UInt32 { lat[min(lat.count - 1, Int(Double(lat.count) * q))] }
    let slow = lat.reduce(into: UInt64(0)) { if $1 >= 1_000 { $0 += UInt64($1) } }
    let count1us = lat.count - (lat.firstIndex { $0 >= 1_000 } ?? lat.count)
    print(String(format: "%-10@ %6.2f Mops/s  p50 %5u  p99 %6u  p99.9 %7u  p99.99 %8u  max %9u ns; %6.3f %% of inserts >= 1 us, %4.1f %% of the time",
        name as NSString, Double(lat.count) / Double(total) * 1e3, p(0.5), p(0.99), p(0.999), p(0.9999), lat.last!,
        Double(count1us) / Double(lat.count) * 100, Double(slow) / Double(total) * 100))
}

let k = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1])! : 1_000_000
let which = CommandLine.arguments.count > 2 ? CommandLine.arguments[2] : "grown,presized,sharded"
var lat = [UInt32](repeating: 0, count: k)
for name in which.split(separator: ",") {
    let grown = name == "grown" ? LockFreeInt64Map() : nil
    let presized = name == "presized" ? LockFreeInt64Map(minimumCapacity: k) : nil
    let sharded = name == "sharded" ? Sharded() : nil
    let start = now()
    var t0 = start
    for i in 0..<k {
        let key = key(UInt64(i))
        if let grown { grown.insertValue(key, forKey: key) }
        else if let presized { presized.insertValue(key, forKey: key) }
        else { sharded!.insert(key, key) }
        let t1 = now()
        lat[i] = UInt32(min(t1 - t0, UInt64(UInt32.max)))
        t0 = t1
    }
    report(String(name), &lat, total: now() - start)
}
