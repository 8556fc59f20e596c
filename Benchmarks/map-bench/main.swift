// map-bench: the benchmark of LockFreeInt64Map and its baselines (docs/BENCHMARKS.md).
// Everything lives in MapBenchCore, so that its pieces are unit-tested; this only runs it.
import Glibc
import MapBenchCore

exit(MapBench.main(Array(CommandLine.arguments.dropFirst())))
