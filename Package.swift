// swift-tools-version:6.0
//
// LockFreeMap: a lock-free Int64 -> Int64 hash map for Swift.
// No package dependencies: the Swift toolchain and the package's own C atomics shim.
import PackageDescription

let package = Package(
    name: "LockFreeMap",
    // Apple platforms: the tests and benchmarks use Synchronization's Atomic and Mutex
    // (macOS 15, iOS 18, tvOS 18, visionOS 2). Linux ignores this. No watchOS: arm64_32 is
    // a 32-bit platform.
    platforms: [.macOS(.v15), .iOS(.v18), .tvOS(.v18), .visionOS(.v2)],
    products: [
        .library(name: "LockFreeMap", targets: ["LockFreeMap"]),
        .executable(name: "map-bench", targets: ["map-bench"]),
    ],
    targets: [
        // C11 atomics over plain pointers, `static inline` so that Swift inlines them.
        // The leading underscore marks it as an implementation detail, not API.
        .target(
            name: "_LockFreeMapShims",
            path: "Sources/_LockFreeMapShims"
        ),
        .target(
            name: "LockFreeMap",
            dependencies: ["_LockFreeMapShims"],
            path: "Sources/LockFreeMap",
            swiftSettings: [
                // Debug builds only: compiles in the test-only race widening
                // (Internal/_RaceWindow.swift), which LOCKFREEMAP_RACE_WIDENING=1 then turns on
                // at run time. Release builds compile its calls away.
                .define("LOCKFREEMAP_INTERNAL_CHECKS", .when(configuration: .debug))
            ]
        ),
        // Benchmark harness logic (workloads, baselines, options, reports): a library so
        // that its pieces can be unit-tested without timing.
        .target(
            name: "MapBenchCore",
            dependencies: ["LockFreeMap"],
            path: "Benchmarks/MapBenchCore"
        ),
        .executableTarget(
            name: "map-bench",
            dependencies: ["MapBenchCore"],
            path: "Benchmarks/map-bench"
        ),
        // What both test targets share: the environment knobs (seed, LONG, sanitizer flags),
        // the seeded generator, OS threads, the start barrier, per-thread result slots.
        // No dependency: it knows nothing of the map.
        .target(
            name: "_LockFreeMapTestSupport",
            path: "Tests/_LockFreeMapTestSupport"
        ),
        .testTarget(
            name: "LockFreeMapTests",
            dependencies: ["LockFreeMap", "_LockFreeMapTestSupport"],
            path: "Tests/LockFreeMapTests"
        ),
        .testTarget(
            name: "MapBenchTests",
            dependencies: ["MapBenchCore", "_LockFreeMapTestSupport"],
            path: "Tests/MapBenchTests"
        ),
    ],
    swiftLanguageModes: [.v6],
    cLanguageStandard: .c11
)
