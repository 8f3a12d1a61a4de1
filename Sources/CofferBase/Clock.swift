import Glibc

/// A point in wall-clock time: seconds and nanoseconds since the Unix epoch.
public struct Timestamp: Sendable, Hashable, Comparable {
    public var seconds: Int64
    public var nanoseconds: Int32

    public init(seconds: Int64, nanoseconds: Int32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    /// This time moved by whole seconds.
    public func adding(seconds delta: Int64) -> Timestamp {
        Timestamp(seconds: seconds + delta, nanoseconds: nanoseconds)
    }

    /// Milliseconds since the epoch.
    public var milliseconds: Int64 { seconds * 1000 + Int64(nanoseconds) / 1_000_000 }
}

/// Wall-clock and monotonic time, and RFC 3339 formatting without Foundation.
public enum Clock {
    /// The current wall-clock time.
    public static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(seconds: Int64(spec.tv_sec), nanoseconds: Int32(spec.tv_nsec))
    }

    /// Nanoseconds of a monotonic clock, for measuring intervals.
    public static func monotonicNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// Formats a time as RFC 3339 in UTC, e.g. `2026-12-03T13:20:00.123456789Z`.
    public static func rfc3339(_ time: Timestamp, fractionalDigits: Int = 9) -> String {
        var seconds = time_t(time.seconds)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var text = "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))"
        text += "T\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))"
        if fractionalDigits > 0 {
            var fraction = String(time.nanoseconds)
            fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
            text += "." + fraction.prefix(fractionalDigits)
        }
        return text + "Z"
    }

    private static func pad(_ value: Int32) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
