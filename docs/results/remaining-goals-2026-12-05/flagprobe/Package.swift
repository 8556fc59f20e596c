// swift-tools-version:6.0
// flagprobe K: one thread builds K keys, timing every insert and recording which migration
// paths it took. It needs the instrumented library: apply `../path-flags.patch` to a
// worktree of the repository and point the path below at it (README, "The build's tail").
import PackageDescription

let package = Package(
    name: "flagprobe",
    dependencies: [.package(name: "LockFreeMap", path: "../../../..")],
    targets: [
        .executableTarget(
            name: "flagprobe", dependencies: [.product(name: "LockFreeMap", package: "LockFreeMap")])
    ]
)
