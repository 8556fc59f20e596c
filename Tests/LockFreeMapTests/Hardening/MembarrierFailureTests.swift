import Dispatch
import Foundation
@_spi(Testing) import LockFreeMap
import Synchronization
import Testing

// A membarrier call that fails after registration succeeded (ENOMEM on kernels with
// off-stack CPU masks, EPERM from a seccomp filter installed later) must never let the
// epoch advance on unfenced pins (docs/DESIGN.md, section 5, R-5). Injected, in child
// processes: the fence mode is process-wide and the switch is for good.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Membarrier failure")
struct MembarrierFailureTests {
    #if compiler(>=6.2) && (os(macOS) || os(Linux))
    // An exit test: Swift Testing 6.2 and later, on macOS and Linux only.
    /// The failing call does not advance; the process moves to symmetric pins; a thread that
    /// owned a record before the switch and has not pinned since holds back every advance
    /// (so no retired table is freed) until it makes one more call; then frees resume.
    @Test func failedMembarrierNeverAdvancesAndWaitsForAcknowledgement() async {
        await #expect(processExitsWith: .success) {
            let map = LockFreeInt64Map()
            _ = map.value(forKey: 0)
            guard LockFreeInt64Map.reclamationMode == "asymmetric" else {
                print("skipped: this process runs the \(LockFreeInt64Map.reclamationMode) fence (no membarrier)")
                exit(0)
            }
            // A second thread registers (one call) and then stays idle until told.
            let registered = DispatchSemaphore(value: 0)
            let proceed = DispatchSemaphore(value: 0)
            let acknowledged = DispatchSemaphore(value: 0)
            let idle = Thread {
                _ = map.value(forKey: 1)
                registered.signal()
                proceed.wait()
                _ = map.value(forKey: 1)  // its first pin since the switch
                acknowledged.signal()
            }
            idle.start()
            registered.wait()
            LockFreeInt64Map.injectMembarrierFailure(errno: EPERM)
            let before = LockFreeInt64Map.reclamationEpoch
            if LockFreeInt64Map.tryAdvanceReclamationEpoch() { exit(10) }  // advanced on a failed barrier
            if LockFreeInt64Map.reclamationEpoch != before { exit(11) }
            if LockFreeInt64Map.reclamationMode != "symmetric after membarrier failure" { exit(12) }
            if LockFreeInt64Map.membarrierFailure != EPERM { exit(13) }
            // Growth now retires tables in this epoch. This thread pins symmetrically; the idle
            // one has not since the switch: no advance, so none of them may be freed.
            for key in Int64(0)..<50_000 { map[key] = key }
            map.collectRetiredTables()
            let retired = map.retiredTableCount
            if retired == 0 { exit(14) }
            for _ in 0..<10 {
                _ = map.value(forKey: 2)
                map.collectRetiredTables()
                if LockFreeInt64Map.tryAdvanceReclamationEpoch() { exit(15) }
            }
            if LockFreeInt64Map.reclamationEpoch != before { exit(16) }
            if map.retiredTableCount < retired { exit(17) }  // freed while a pin could be unseen
            // The idle thread makes one call: every record is acknowledged, frees resume.
            proceed.signal()
            acknowledged.wait()
            for _ in 0..<4 { _ = LockFreeInt64Map.tryAdvanceReclamationEpoch() }
            if LockFreeInt64Map.reclamationEpoch < before + 2 { exit(18) }
            map.collectRetiredTables()
            if map.retiredTableCount != 0 { exit(19) }
            for key in Int64(0)..<50_000 where map[key] != key { exit(20) }
        }
    }
    #endif

    #if compiler(>=6.2) && (os(macOS) || os(Linux))
    // An exit test: Swift Testing 6.2 and later, on macOS and Linux only.
    /// The switch while readers and writers run: pins in flight when it happens, frees
    /// before and after it. Every read stays exact (in quarantine mode an early free would
    /// fault), and the map's contents are exact at the end.
    @available(macOS 15, iOS 18, tvOS 18, visionOS 2, *)
    @Test func switchUnderLoadKeepsEveryResult() async {
        await #expect(processExitsWith: .success) {
            let map = LockFreeInt64Map()
            _ = map.value(forKey: 0)
            let keys: Int64 = 20_000
            for key in 0..<keys { map[key] = key &* 3 }
            let wrong = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: 3) { worker in
                if worker == 0 {
                    // Growth and churn on other keys, so tables are retired and freed.
                    for round in Int64(0)..<6 {
                        for key in keys..<(keys + 30_000) { map[key + round * 100_000] = key }
                        for key in keys..<(keys + 30_000) { map.removeValue(forKey: key + round * 100_000) }
                        if round == 2 { LockFreeInt64Map.injectMembarrierFailure(errno: ENOMEM) }
                    }
                } else {
                    for _ in 0..<40 {
                        for key in 0..<keys where map[key] != key &* 3 { wrong.add(1, ordering: .relaxed) }
                    }
                }
            }
            if wrong.load(ordering: .relaxed) != 0 { exit(1) }
            if map.count != Int(keys) { exit(2) }
            do { try map.checkInvariants() } catch { exit(3) }
        }
    }
    #endif
}
