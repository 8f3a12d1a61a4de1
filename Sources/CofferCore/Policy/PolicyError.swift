/// Why a policy document was refused, with the line and column of the offending text when known.
///
/// The description reads `3:17: unknown capability "reed"`, the shape Vault's own parser uses,
/// so the API can put it after "failed to parse policy: " unchanged.
public struct PolicyError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A stable category of failure.
    public enum Code: String, Sendable, Hashable {
        /// The text is not valid HCL or JSON.
        case syntax
        /// A key is not one a policy document may contain.
        case invalidKey
        /// A value has the wrong type or an unknown spelling.
        case invalidValue
        /// A capability name is not one Vault knows.
        case unknownCapability
        /// A path block grants nothing because it has neither `capabilities` nor `policy`.
        case missingCapabilities
    }

    /// The category of failure.
    public let code: Code
    /// The 1-based line, when the failure has a position.
    public let line: Int?
    /// The 1-based column in characters, when the failure has a position.
    public let column: Int?
    /// What is wrong.
    public let reason: String

    /// Creates an error.
    public init(code: Code, line: Int?, column: Int?, reason: String) {
        self.code = code
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// `line:column: reason`, or the reason alone when there is no position.
    public var description: String {
        guard let line, let column else { return reason }
        return "\(line):\(column): \(reason)"
    }
}
