// swift-tools-version:6.0
// The longest probe (`statistics.longestChain`) of maps grown from empty (the results' README):
// run from this folder, `swift run -c release chainprobe`.
import PackageDescription

let package = Package(
    name: "chainprobe",
    dependencies: [.package(name: "LockFreeMap", path: "../../../..")],
    targets: [
        .executableTarget(
            name: "chainprobe", dependencies: [.product(name: "LockFreeMap", package: "LockFreeMap")])
    ]
)
