import Synchronization

/// One result slot per thread: each thread stores its own result once, and the starter reads
/// them all after joining. The lock is taken once per thread, outside any measured loop.
final class StressResults<Value: Sendable>: Sendable {
    private let slots: Mutex<[Value?]>

    /// `count` empty slots.
    init(count: Int) { slots = Mutex(Array(repeating: nil, count: count)) }

    /// Stores the result of thread `index`.
    func store(_ value: Value, at index: Int) { slots.withLock { $0[index] = value } }

    /// All results; every thread must have stored one.
    var values: [Value] {
        slots.withLock { slots in
            slots.enumerated().map { index, value in
                guard let value else { preconditionFailure("thread \(index) stored no result") }
                return value
            }
        }
    }
}
