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
                // Opt-in invariant checks (see LockFreeInt64Map+Invariants.swift).
                .define("LOCKFREEMAP_INTERNAL_CHECKS", .when(configuration: .debug))
            ]
        ),
        // Benchmark harness logic (workloads, baselines, options, reports): a library so
        // that its pieces can be unit-tested without timing.
        .target(
            name: "MapBenchCore",
            dependencies: ["LockFreeMap", "_LockFreeMapPlatformSupport"],
            path: "Benchmarks/MapBenchCore"
        ),
        .executableTarget(
            name: "map-bench",
            dependencies: ["MapBenchCore"],
            path: "Benchmarks/map-bench"
        ),
        // The platform differences the tests and the benchmark share, one spelling each:
        // starting and joining a pthread, the monotonic clock, resident memory, dlsym's
        // default handle. A target of its own because MapBenchCore must not depend on test
        // code. Under Tests/ with the other support target; knows nothing of the map.
        .target(
            name: "_LockFreeMapPlatformSupport",
            path: "Tests/_LockFreeMapPlatformSupport"
        ),
        // What both test targets share: the environment knobs (seed, LONG, sanitizer flags),
        // the seeded generator, OS threads, the start barrier, per-thread result slots.
        // It knows nothing of the map.
        .target(
            name: "_LockFreeMapTestSupport",
            dependencies: ["_LockFreeMapPlatformSupport"],
            path: "Tests/_LockFreeMapTestSupport"
        ),
        .testTarget(
            name: "LockFreeMapTests",
            dependencies: [
                "LockFreeMap", "_LockFreeMapShims", "_LockFreeMapPlatformSupport", "_LockFreeMapTestSupport",
            ],
            path: "Tests/LockFreeMapTests"
        ),
        .testTarget(
            name: "MapBenchTests",
            dependencies: ["MapBenchCore", "_LockFreeMapPlatformSupport", "_LockFreeMapTestSupport"],
            path: "Tests/MapBenchTests"
        ),
    ],
    swiftLanguageModes: [.v6],
    cLanguageStandard: .c11
)
