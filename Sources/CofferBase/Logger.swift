import Glibc
import Synchronization

/// How much a log line matters.
public enum LogLevel: Int, Sendable, Comparable, CustomStringConvertible {
    case trace, debug, info, warning, error

    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String {
        switch self {
        case .trace: "trace"
        case .debug: "debug"
        case .info: "info"
        case .warning: "warning"
        case .error: "error"
        }
    }

    /// Parses `trace`, `debug`, `info`, `warn`/`warning` or `error`.
    public init?(name: String) {
        switch name.lowercased() {
        case "trace": self = .trace
        case "debug": self = .debug
        case "info": self = .info
        case "warn", "warning": self = .warning
        case "error": self = .error
        default: return nil
        }
    }
}

/// Where finished log lines go.
public protocol LogSink: Sendable {
    /// Records one finished line (without the trailing newline).
    func write(_ line: String)
}

/// Writes each line to standard error with one `write(2)` so lines from threads never interleave.
public struct StandardErrorSink: LogSink {
    public init() {}

    public func write(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(0x0A)
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
    }
}

/// Keeps lines in memory; for tests that check what was (and was not) logged.
public final class MemoryLogSink: LogSink {
    private let stored = Mutex<[String]>([])

    public init() {}

    public func write(_ line: String) {
        stored.withLock { $0.append(line) }
    }

    /// Every line written so far.
    public var lines: [String] { stored.withLock { $0 } }
}

/// A structured logger: a label, a minimum level, metadata with dot keys, and a sink.
///
/// Messages are constant text; variable facts travel as metadata. Nothing secret is ever passed here.
public struct Logger: Sendable {
    public let label: String
    public var level: LogLevel
    public var metadata: [String: String]
    private let sink: any LogSink

    public init(label: String, level: LogLevel = .info, sink: any LogSink = StandardErrorSink()) {
        self.label = label
        self.level = level
        self.metadata = [:]
        self.sink = sink
    }

    /// A logger with another label that shares this one's level, metadata and sink.
    public func named(_ label: String) -> Logger {
        var copy = Logger(label: label, level: level, sink: sink)
        copy.metadata = metadata
        return copy
    }

    public func log(_ level: LogLevel, _ message: String, _ metadata: [String: String] = [:]) {
        guard level >= self.level else { return }
        var line = "\(Clock.rfc3339(Clock.now(), fractionalDigits: 3)) \(level) \(label): \(message)"
        let merged = self.metadata.merging(metadata) { _, new in new }
        for key in merged.keys.sorted() {
            line += " \(key)=\(Self.quoted(merged[key]!))"
        }
        sink.write(line)
    }

    public func trace(_ message: String, _ metadata: [String: String] = [:]) { log(.trace, message, metadata) }
    public func debug(_ message: String, _ metadata: [String: String] = [:]) { log(.debug, message, metadata) }
    public func info(_ message: String, _ metadata: [String: String] = [:]) { log(.info, message, metadata) }
    public func warning(_ message: String, _ metadata: [String: String] = [:]) { log(.warning, message, metadata) }
    public func error(_ message: String, _ metadata: [String: String] = [:]) { log(.error, message, metadata) }

    private static func quoted(_ value: String) -> String {
        let needsQuotes = value.isEmpty || value.utf8.contains { $0 <= 0x20 || $0 == UInt8(ascii: "\"") }
        guard needsQuotes else { return value }
        return JSON.string(value).serializedString()
    }
}
