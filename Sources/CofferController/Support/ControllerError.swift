/// Why a controller command or one of its steps failed. The reason never holds a share, a token or
/// any other secret.
public struct ControllerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure this is.
    public enum Code: String, Sendable {
        /// The manifest or a command-line option is wrong.
        case invalidInput
        /// An agent could not be reached or gave an answer that cannot be read.
        case agentUnreachable
        /// An agent answered with an error.
        case agentRefused
        /// The custody store cannot be read or written.
        case custody
        /// The journal or lock of the controller's state directory cannot be used.
        case state
        /// The world is in a shape the controller must not change on its own.
        case blocked
        /// A local file or process could not be handled.
        case system
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "controller.\(code.rawValue): \(reason)" }
}
