// Shrinker: reduces a failing input (a sequence of operations, a recorded history) to a
// small one that still fails, so that a red test reports something a person can read.
//
// Method: delta debugging (Zeller & Hildebrandt, "Simplifying and Isolating
// Failure-Inducing Input", IEEE TSE 2002), in its common greedy form:
//   1. remove contiguous chunks, halving the chunk size down to single elements;
//   2. apply whole-sequence rewrites (e.g. rename a key to a simpler one everywhere);
//   3. replace single elements by simpler ones (e.g. values toward 0);
// and repeat until nothing changes. Every accepted step makes the input strictly smaller
// or simpler, so it terminates; the result is 1-minimal (removing any single element makes
// it pass) unless the evaluation budget ran out first.

/// Greedy delta-debugging minimizer over arrays.
struct Shrinker<Element> {
    /// Whether a candidate still shows the failure. Must be deterministic.
    var stillFails: ([Element]) -> Bool
    /// Strictly simpler replacements for one element, simplest first.
    var simplerElements: (Element) -> [Element] = { _ in [] }
    /// Strictly simpler rewrites of a whole candidate, most promising first (lazy: the
    /// shrinker stops reading at the first one that still fails).
    var rewrites: ([Element]) -> AnySequence<[Element]> = { _ in AnySequence([]) }
    /// At most this many calls of `stillFails`; the best candidate so far is returned then.
    var maxEvaluations: Int = 20_000
    /// Nor longer than this (replaying a long sequence is slow); checked between calls.
    var timeLimit: Duration = .seconds(30)

    /// The shrunk input and what it cost.
    struct Outcome {
        /// The smallest failing input found.
        var minimal: [Element]
        /// Calls of `stillFails` made.
        var evaluations: Int
        /// True if `maxEvaluations` or `timeLimit` stopped the search early (the result may
        /// not be minimal).
        var ranOutOfBudget: Bool
    }

    /// Shrinks `failing`, which must itself fail.
    func shrink(_ failing: [Element]) -> Outcome {
        var current = failing
        var evaluations = 0
        var budgetLeft = true
        let deadline = ContinuousClock.now + timeLimit
        func fails(_ candidate: [Element]) -> Bool {
            budgetLeft = budgetLeft && evaluations < maxEvaluations && ContinuousClock.now < deadline
            guard budgetLeft else { return false }
            evaluations += 1
            return stillFails(candidate)
        }

        var changed = true
        while changed && budgetLeft {
            changed = false

            // 1. Chunk removal. After a pass that removed something, the same chunk size is
            //    tried again; only a pass without progress halves it.
            var chunk = max(current.count / 2, 1)
            while !current.isEmpty && budgetLeft {
                var removedAny = false
                var start = 0
                while start < current.count {
                    var candidate = current
                    candidate.removeSubrange(start..<min(start + chunk, current.count))
                    if fails(candidate) {
                        current = candidate
                        removedAny = true
                        changed = true
                    } else {
                        start += chunk
                    }
                }
                if !removedAny {
                    if chunk == 1 { break }
                    chunk /= 2
                }
            }

            // 2. Whole-sequence rewrites, re-derived after each accepted one.
            var rewritten = true
            while rewritten && budgetLeft {
                rewritten = false
                for candidate in rewrites(current) where fails(candidate) {
                    current = candidate
                    rewritten = true
                    changed = true
                    break
                }
            }

            // 3. Element simplification, each element as far as it goes.
            for index in current.indices {
                var simplified = true
                while simplified && budgetLeft {
                    simplified = false
                    for simpler in simplerElements(current[index]) {
                        var candidate = current
                        candidate[index] = simpler
                        if fails(candidate) {
                            current = candidate
                            simplified = true
                            changed = true
                            break
                        }
                    }
                }
            }
        }
        return Outcome(minimal: current, evaluations: evaluations, ranOutOfBudget: !budgetLeft)
    }
}

/// How "simple" an Int64 is, for shrinking toward 0: 0, -1, 1, -2, 2, ... (zigzag order).
enum Int64Simplicity {
    /// The zigzag rank: 0 for 0, 1 for -1, 2 for 1, 3 for -2, ...; Int64.min is last.
    static func rank(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    /// Strictly simpler values than `value`, simplest first: 0, -1, 1, half, one step closer.
    static func simpler(than value: Int64) -> [Int64] {
        var result: [Int64] = []
        for candidate in [0, -1, 1, value / 2, value - value.signum()]
        where rank(candidate) < rank(value) && !result.contains(candidate) {
            result.append(candidate)
        }
        return result
    }
}
