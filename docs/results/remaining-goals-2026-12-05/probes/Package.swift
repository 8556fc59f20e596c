// swift-tools-version:6.0
// Probes of the results' README, run from this folder:
// - `swift run -c release tailprobe K [grown,presized,sharded]`: one thread builds K keys
//   into each map, timing every insert;
// - `swift run -c release churnprobe K OPS`: WORKLOADS.md's churn on one thread, with the
//   map's statistics after the prefill and after every tenth of OPS;
// - `swift run -c release churnops K OPS`: the same churn, every operation timed and grouped
//   by what it found.
import PackageDescription

let lockFreeMap: Target.Dependency = .product(name: "LockFreeMap", package: "LockFreeMap")
let probeWorkload: Target.Dependency = "ProbeWorkload"

let package = Package(
    name: "probes",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "LockFreeMap", path: "../../../..")],
    targets: [
        .target(name: "ProbeWorkload", dependencies: [lockFreeMap]),
        .executableTarget(name: "tailprobe", dependencies: [lockFreeMap, probeWorkload]),
        .executableTarget(name: "churnprobe", dependencies: [lockFreeMap, probeWorkload]),
        .executableTarget(name: "churnops", dependencies: [lockFreeMap, probeWorkload]),
    ]
)
