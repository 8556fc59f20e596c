// firstop: how long a process's first map operation takes (it registers the process for
// Linux's membarrier), and the second. With an argument, a second thread is started first,
// as in any program that has threads before its first map call.
import LockFreeMap

#if canImport(Glibc)
import Glibc
#endif

func now() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

var thread = pthread_t()
let withThread = CommandLine.arguments.count > 1
if withThread { pthread_create(&thread, nil, sleeper, nil) }
let map = LockFreeInt64Map()
let t0 = now()
map[1] = 1
let t1 = now()
map[2] = 2
let t2 = now()
print(
    "threads: \(withThread ? 2 : 1); first operation \(((t1 - t0) * 1e6).rounded()) µs, "
        + "second \(((t2 - t1) * 1e6).rounded()) µs")
