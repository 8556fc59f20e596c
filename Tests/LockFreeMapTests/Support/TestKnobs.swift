// TestKnobs: the environment variables that size and seed the randomized tests.
//
//   LOCKFREEMAP_SEED=<n>   replays a run: every randomized test derives its streams from this
//                          seed (decimal, or hex with 0x). Unset: a fresh random seed per run.
//   LOCKFREEMAP_LONG=1     runs many more sequences / rounds (minutes instead of seconds).
//
// Every failure message of a randomized test contains `TestKnobs.replayHint`, so a red run
// always says how to replay it.
import Foundation

/// Seed and size switches read once from the environment.
enum TestKnobs {
    /// The base seed of this run: `LOCKFREEMAP_SEED` if set and valid, else random.
    static let seed: UInt64 = {
        if let text = ProcessInfo.processInfo.environment["LOCKFREEMAP_SEED"],
           let parsed = parseSeed(text) {
            return parsed
        }
        return UInt64.random(in: .min ... .max)
    }()

    /// Whether `LOCKFREEMAP_LONG=1` asked for the long configuration.
    static let isLong: Bool = ProcessInfo.processInfo.environment["LOCKFREEMAP_LONG"] == "1"

    /// `short` by default, `long` under `LOCKFREEMAP_LONG=1`.
    static func scaled(short: Int, long: Int) -> Int {
        isLong ? long : short
    }

    /// The line to paste in front of `swift test` to replay this run.
    static var replayHint: String {
        "replay with LOCKFREEMAP_SEED=\(seed)" + (isLong ? " LOCKFREEMAP_LONG=1" : "")
    }

    /// Accepts decimal or 0x-prefixed hexadecimal.
    static func parseSeed(_ text: String) -> UInt64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("0x") || trimmed.hasPrefix("0X") {
            return UInt64(trimmed.dropFirst(2), radix: 16)
        }
        return UInt64(trimmed)
    }
}
