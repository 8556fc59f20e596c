// swift-tools-version:6.0
// The time of a process's first map operation, with and without a second thread:
// run from this folder, `swift run -c release firstop` (one thread) or `... firstop x` (two).
import PackageDescription

let package = Package(
    name: "firstop",
    dependencies: [.package(name: "LockFreeMap", path: "../../../..")],
    targets: [
        .executableTarget(
            name: "firstop", dependencies: [.product(name: "LockFreeMap", package: "LockFreeMap")])
    ]
)
