/// Durations as the controller prints them.
public enum DurationText {
    /// Seconds with one decimal, e.g. `0.7`.
    public static func oneDecimal(_ seconds: Double) -> String {
        let tenths = Int((seconds * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// A retry delay: `1.2s` below ten seconds, whole seconds above.
    public static func delay(_ seconds: Double) -> String {
        seconds < 10 ? oneDecimal(seconds) + "s" : "\(Int(seconds.rounded()))s"
    }
}
