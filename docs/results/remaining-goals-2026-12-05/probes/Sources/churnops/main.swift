// churnops K OPS: WORKLOADS.md's `churn` on one thread, as `churnprobe`, timing every
// operation and grouping the times by what it found: a get of a present or an absent key, an
// insert-if-absent that inserted or found its key, a remove that removed or found nothing.
// Prints each group's share of the operations, mean and median (the clock read is included,
// about 20 ns), and the share of the time it took.
import Foundation
import LockFreeMap
import ProbeWorkload

@inline(__always) func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

let args = CommandLine.arguments
let k = UInt64(args.count > 1 ? Int(args[1])! : 10_000_000)
let ops = args.count > 2 ? Int(args[2])! : 10_000_000
let map = LockFreeInt64Map()
prefillChurn(map, keys: k)
let names = ["get, present", "get, absent", "insert, inserted", "insert, present", "remove, removed", "remove, absent"]
var times = [[UInt32]](repeating: [], count: 6)
var draws = ChurnDraws(keys: k)
var t0 = now()
for _ in 0..<ops {
    let (key, pct) = draws.next()
    let group: Int
    if pct < 50 {
        group = map[key] == nil ? 1 : 0
    } else if pct < 75 {
        group = map.insertValue(key, forKey: key).inserted ? 2 : 3
    } else {
        group = map.removeValue(forKey: key) == nil ? 5 : 4
    }
    let t1 = now()
    times[group].append(UInt32(min(t1 - t0, UInt64(UInt32.max))))
    t0 = t1
}
let total = times.reduce(0.0) { $0 + $1.reduce(0.0) { $0 + Double($1) } }
for g in 0..<6 {
    let sorted = times[g].sorted()
    let sum = sorted.reduce(0.0) { $0 + Double($1) }
    print(
        String(
            format: "%-18@ %5.1f %% of operations, mean %4.0f ns, median %4u ns, %5.1f %% of the time",
            names[g] as NSString, Double(sorted.count) / Double(ops) * 100, sum / Double(max(sorted.count, 1)),
            sorted.isEmpty ? 0 : sorted[sorted.count / 2], sum / total * 100))
}
print(String(format: "all: %.2f Mops/s", Double(ops) / total * 1e3))
