// swift-tools-version:6.0
//
// LockFreeMap: a lock-free Int64 -> Int64 hash map for Swift.
// No package dependencies: the Swift toolchain and the package's own C atomics shim.
import PackageDescription

let package = Package(
    name: "LockFreeMap",
    // The floor on Apple platforms (Linux ignores it), which SwiftPM applies to every target,
    // the tests and map-bench included, and to every package that depends on this one.
    // - The library needs no API newer than the Swift 6 toolchain's own minimum: it uses
    //   neither Foundation nor Synchronization, only the standard library, libc/pthreads,
    //   mmap and its C11 shim (it compiles for arm64 macOS 10.13 and iOS 12.2 against the
    //   stand-in SDK of ../shared/darwin-check).
    // - macOS 13 / iOS 16 (Swift 5.7's runtime) is what the tests and map-bench need: Swift
    //   Concurrency, and the standard library's string processing (`contains`, `split` and
    //   `firstRange` on substrings) that many tests use. A package supporting iOS 16 and
    //   macOS 13 can depend on LockFreeMap.
    // - Synchronization (macOS 15, iOS 18): only tests and map-bench baselines that are about
    //   it (the Mutex and Atomic baselines, the progress tests' Mutex subject) use it, marked
    //   @available and skipped below; the shared helpers use the shim's atomics instead
    //   (Tests/_LockFreeMapPlatformSupport/AtomicWord.swift).
    // No watchOS: arm64_32 is a 32-bit platform.
    platforms: [.macOS(.v13), .iOS(.v16), .tvOS(.v16), .visionOS(.v1)],
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
            dependencies: ["LockFreeMap", "_LockFreeMapPlatformSupport"],
            path: "Benchmarks/MapBenchCore"
        ),
        .executableTarget(
            name: "map-bench",
            dependencies: ["MapBenchCore"],
            path: "Benchmarks/map-bench"
        ),
        // The platform differences the tests and the benchmark share, one spelling each:
        // starting and joining a pthread, the monotonic clock, resident memory (and, on
        // Linux, its transparent huge pages), dlsym's default handle; and an atomic word over
        // the C shim for helpers that must work below Synchronization's macOS 15 / iOS 18. A
        // target of its own because MapBenchCore must not depend on test code. Under Tests/
        // with the other support target; knows nothing of the map.
        .target(
            name: "_LockFreeMapPlatformSupport",
            dependencies: ["_LockFreeMapShims"],
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
            dependencies: ["LockFreeMap", "_LockFreeMapPlatformSupport", "_LockFreeMapTestSupport"],
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
