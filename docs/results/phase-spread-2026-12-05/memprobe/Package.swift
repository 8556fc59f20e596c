// swift-tools-version:6.0
// A probe of where a map's resident memory goes after a build from empty (the results'
// README): run from this folder, `swift run -c release memprobe rss K` or `trace K`.
import PackageDescription

let package = Package(
    name: "memprobe",
    dependencies: [.package(name: "LockFreeMap", path: "../../../..")],
    targets: [.executableTarget(name: "memprobe", dependencies: [.product(name: "LockFreeMap", package: "LockFreeMap")])]
)
