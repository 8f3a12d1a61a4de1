/// Delays between reconnection attempts: exponential growth with full jitter.
///
/// Attempt `n` (from 0) waits a uniformly random time in `0...min(maximum, initial × 2ⁿ)`, so that many
/// secondaries that lost the primary at the same moment do not all return at the same moment.
public struct Backoff: Sendable {
    /// The ceiling of the first delay, in milliseconds.
    public let initial: Int
    /// The largest ceiling any delay can reach, in milliseconds.
    public let maximum: Int
    private var ceiling: Int
    private var generator: any RandomNumberGenerator & Sendable

    /// Backoff starting at `initial` milliseconds and capped at `maximum`, drawing from the system generator.
    public init(initial: Int, maximum: Int) {
        self.init(initial: initial, maximum: maximum, generator: SystemRandomNumberGenerator())
    }

    /// Backoff drawing its jitter from `generator`; tests pass a seeded one to get repeatable delays.
    public init(initial: Int, maximum: Int, generator: some RandomNumberGenerator & Sendable) {
        self.initial = max(initial, 1)
        self.maximum = max(maximum, self.initial)
        self.ceiling = self.initial
        self.generator = generator
    }

    /// The delay before the next attempt, in milliseconds; every call doubles the ceiling up to ``maximum``.
    public mutating func nextDelayMilliseconds() -> Int {
        // The high word of a full-width product maps a draw onto 0...ceiling with no rejection loop,
        // which `Int.random(in:using:)` may spin in on a generator that repeats itself.
        let delay = Int(generator.next().multipliedFullWidth(by: UInt64(ceiling + 1)).high)
        ceiling = ceiling > maximum / 2 ? maximum : ceiling * 2
        return delay
    }

    /// Starts again from ``initial``, after a connection succeeded.
    public mutating func reset() {
        ceiling = initial
    }
}
