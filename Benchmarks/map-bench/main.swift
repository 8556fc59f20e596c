import MapBenchCore

// map-bench: the benchmark of LockFreeInt64Map and its baselines (docs/BENCHMARKS.md).
// Everything lives in MapBenchCore, so that its pieces are unit-tested; this only runs it.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

exit(MapBench.main(Array(CommandLine.arguments.dropFirst())))
