// swift-tools-version:6.0
// Probes of the results' README, run from this folder:
// - `swift run -c release chainprobe`: the longest probe (`statistics.longestChain`) of maps
//   grown from empty;
// - `swift run -c release firstop` (one thread) or `... firstop x` (two): the time of a
//   process's first map operation.
import PackageDescription

let lockFreeMap: Target.Dependency = .product(name: "LockFreeMap", package: "LockFreeMap")

let package = Package(
    name: "probes",
    dependencies: [.package(name: "LockFreeMap", path: "../../../..")],
    targets: [
        .executableTarget(name: "chainprobe", dependencies: [lockFreeMap]),
        .executableTarget(name: "firstop", dependencies: [lockFreeMap]),
    ]
)
