import LockFreeMap
import Testing
import _LockFreeMapTestSupport

extension StressSuite {
    /// Memory: resident memory levels off under endless churn (removed entries are reclaimed
    /// while the map lives), and maps release what they allocated (checked by `.ci/valgrind.sh`
    /// running the release tests under valgrind, and by `.ci/asan.sh`).
    @Suite("Memory")
    struct Memory {
        #if compiler(>=6.2) && (os(macOS) || os(Linux))
        // An exit test: Swift Testing 6.2 and later, on macOS and Linux only.
        // Stresses: reclamation of removed entries while the map lives (maps that freed garbage only at the end held gigabytes: bookkeeper#3061, crossbeam#566): millions
        // of inserts of ever-new keys, each followed by the removal of the key inserted a window
        // earlier, with a concurrent reader. The map's size is constant, so resident memory must
        // level off; a map that frees removed entries only at deinit (or never) grows linearly.
        // Runs in a child process (an exit test) so other tests' allocations do not blur the curve.
        @Test(
            "Churn on ever-new keys: resident memory levels off",
            .disabled(
                if: TestKnobs.isInstrumented,
                "sanitizers and valgrind keep freed memory in quarantine and shadow memory"))
        func churnResidentMemoryLevelsOff() async {
            let result = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
                let outcome = ChurnMemoryProbe.run()
                let mib = ChurnMemoryProbe.Outcome.mebibytes
                print("resident MiB per sample: \(outcome.curve)")
                print(
                    "plateau \(mib(outcome.plateau)) MiB, second half rose \(mib(outcome.growth)) MiB, "
                        + "bound \(mib(outcome.bound)) MiB")
                for failure in outcome.failures { print("failure: \(failure)") }
                // The verdict goes out as text: a failing exit status would discard the report.
                print(outcome.passed ? "verdict: levelled off" : "verdict: FAILED")
            }
            let report = String(decoding: result?.standardOutputContent ?? [], as: UTF8.self)
            print("[memory] \(report)")
            #expect(report.contains("verdict: levelled off"), "\(report)")
        }
        #endif
    }
}
