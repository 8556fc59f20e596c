// memprobe rss K:   inserts K keys into an empty map from one thread, then prints resident
//                   bytes per entry (RSS growth / K), the current tables' bytes per entry
//                   (`statistics.tableBytes`), the stripes mid-migration and the retired
//                   tables not yet freed; then the same after writes that finish every
//                   migration and after the retired tables are collected.
// memprobe trace K: the same build, printing "retired/migrating/epoch" every 50,000 inserts.
// memprobe reads K: the same build, then the rate of 4,000,000 random lookups of present keys
//                   (twice), before and after writes that finish every migration.
@_spi(Testing) import LockFreeMap

#if canImport(Glibc)
import Glibc
#endif

/// Resident bytes of this process, from /proc/self/statm (Linux only).
func residentBytes() -> Int {
    guard let file = fopen("/proc/self/statm", "r") else { return 0 }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 256)
    guard fgets(&line, 256, file) != nil else { return 0 }
    let fields = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        .split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}

/// The build's keys: distinct, spread over every stripe.
func key(_ i: Int64) -> Int64 { i &* -7_046_029_254_386_353_131 }

func perEntry(_ bytes: Int, _ k: Int) -> String { "\((Double(bytes) / Double(k) * 100).rounded() / 100)" }

let arguments = CommandLine.arguments
guard arguments.count == 3, let k = Int(arguments[2]), k > 0, ["rss", "trace", "reads"].contains(arguments[1]) else {
    print("usage: memprobe rss|trace|reads K")
    exit(2)
}
let before = residentBytes()
let map = LockFreeInt64Map()
var line = ""
for i in 0..<Int64(k) {
    map.insertValue(i, forKey: key(i))
    if arguments[1] == "trace", (i + 1) % 50_000 == 0 {
        line += "\(map.retiredTableCount)/\(map.migratingStripeCount)/\(LockFreeInt64Map.reclamationEpoch) "
    }
}
if arguments[1] == "trace" {
    print(line)
    exit(0)
}
/// Millions of lookups a second: 4,000,000 lookups of present keys, xorshift-random.
func readRate() -> Double {
    var x: UInt64 = 88_172_645_463_325_252
    var sum: Int64 = 0
    var start = timespec()
    var end = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    for _ in 0..<4_000_000 {
        x ^= x << 13
        x ^= x >> 7
        x ^= x << 17
        sum &+= map[key(Int64(x % UInt64(k)))] ?? 0
    }
    clock_gettime(CLOCK_MONOTONIC, &end)
    if sum == 42 { print("") }  // keeps the lookups
    let seconds = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
    return (4.0 / seconds * 100).rounded() / 100
}

/// Writes that change nothing (a value written over with itself) until no stripe migrates:
/// each write moves a chunk of its stripe's migration.
func finishMigrations() {
    var rounds = 0
    while map.migratingStripeCount > 0 && rounds < 10_000 {
        for j in 0..<Int64(min(k, 1_000)) {
            let i = (j &+ Int64(rounds) &* 1_000) % Int64(k)
            map.updateValue(i, forKey: key(i))
        }
        rounds += 1
    }
}

if arguments[1] == "reads" {
    print("K=\(k), \(map.migratingStripeCount) stripes migrating: \(readRate()), \(readRate()) M lookups/s")
    finishMigrations()
    print("  migrations finished: \(readRate()), \(readRate()) M lookups/s")
    exit(0)
}
let built = residentBytes()
let s = map.statistics
print(
    "K=\(k) after the build: resident \(perEntry(built - before, k)) B/entry, current tables "
        + "\(perEntry(s.tableBytes, k)), \(map.migratingStripeCount) stripes migrating, "
        + "\(map.retiredTableCount) retired tables")
finishMigrations()
let finished = residentBytes()
print(
    "  migrations finished: resident \(perEntry(finished - before, k)), current tables "
        + "\(perEntry(map.statistics.tableBytes, k)), \(map.retiredTableCount) retired tables")
map.collectRetiredTables()
map.collectRetiredTables()
map.collectRetiredTables()
print("  retired tables collected: resident \(perEntry(residentBytes() - before, k)), \(map.retiredTableCount) retired")
withExtendedLifetime(map) {}
