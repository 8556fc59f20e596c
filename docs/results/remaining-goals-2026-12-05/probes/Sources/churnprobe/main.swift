// churnprobe K OPS: WORKLOADS.md's `churn` on one thread (prefill the even indexes of 0 ..< 2K,
// then over 2K keys: pct < 50 get, < 75 insert-if-absent, else remove); prints the map's
// statistics after the prefill and after every tenth of OPS, with that tenth's rate.
import Foundation
import LockFreeMap
import ProbeWorkload

let args = CommandLine.arguments
let k = UInt64(args.count > 1 ? Int(args[1])! : 10_000_000)
let ops = args.count > 2 ? Int(args[2])! : 20_000_000
let map = LockFreeInt64Map()
prefillChurn(map, keys: k)
func show(_ label: String) {
    let s = map.statistics
    print(label, "entries \(s.entryCount) tombstones \(s.tombstoneCount) buckets \(s.bucketCount) load \(String(format: "%.3f", s.loadFactor)) used/slots \(String(format: "%.3f", Double(s.entryCount + s.tombstoneCount) / Double(4 * s.bucketCount))) longest \(s.longestChain) resizes \(s.resizeCount) migrating \(s.migratingStripeCount) MiB \(s.tableBytes >> 20)")
}
show("prefill")
var draws = ChurnDraws(keys: k)
var sink: Int64 = 0
for tenth in 0..<10 {
    let t0 = DispatchTime.now().uptimeNanoseconds
    for _ in 0..<(ops / 10) {
        let (key, pct) = draws.next()
        if pct < 50 { sink &+= map[key] ?? 0 } else if pct < 75 { _ = map.insertValue(key, forKey: key) } else { sink &+= map.removeValue(forKey: key) ?? 0 }
    }
    let dt = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    show("tenth \(tenth) \(String(format: "%.2f", Double(ops / 10) / dt / 1e6)) Mops/s")
}
print(sink == 42 ? "" : "done")
