import CofferBase

/// A point on the monotonic clock by which an operation must finish.
struct Deadline {
    private let nanoseconds: UInt64

    /// The deadline `milliseconds` from now; negative values mean now.
    init(millisecondsFromNow milliseconds: Int) {
        nanoseconds = Clock.monotonicNanoseconds() + UInt64(max(milliseconds, 0)) * 1_000_000
    }

    /// Milliseconds left, rounded up so that a wait never ends before the deadline; 0 once it has passed.
    var remainingMilliseconds: Int32 {
        let now = Clock.monotonicNanoseconds()
        guard nanoseconds > now else { return 0 }
        return Int32(clamping: (nanoseconds - now + 999_999) / 1_000_000)
    }

    /// Whether the deadline has passed.
    var hasPassed: Bool { Clock.monotonicNanoseconds() >= nanoseconds }
}
