import CofferYAML

/// Why a topology manifest was refused, pointing at the node that is wrong.
///
/// The description leads with the location so editors can jump to it:
/// `prod.yaml:14:22: spec.clusters[1].nodes[0].agent: expected https://host:port`.
/// Reasons name fields, clusters and nodes, never the content of the files the manifest points at.
public struct ManifestError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A stable category of failure.
    public enum Code: String, Sendable, Hashable {
        /// The file could not be read.
        case io
        /// The text is not a single well-formed YAML document.
        case syntax
        /// A required field is absent.
        case missingField
        /// A mapping has a key the format does not know.
        case unknownField
        /// A value has the wrong kind, is out of range, or contradicts another part of the topology.
        case invalidValue
    }

    /// A 1-based position in the file, columns counted in characters.
    public struct Location: Sendable, Equatable {
        /// The line, starting at 1.
        public var line: Int
        /// The column, starting at 1.
        public var column: Int

        /// Creates a location.
        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
    }

    /// The category of failure.
    public var code: Code
    /// The manifest file.
    public var file: String
    /// Where the offending node starts; `nil` when the file could not be read at all.
    public var location: Location?
    /// The field's path from the root, such as `spec.clusters[1].nodes[0].agent`; empty for the root.
    public var field: String
    /// What is wrong.
    public var reason: String

    /// Creates an error.
    public init(code: Code, file: String, location: Location?, field: String, reason: String) {
        self.code = code
        self.file = file
        self.location = location
        self.field = field
        self.reason = reason
    }

    /// `file:line:column: field: reason`, leaving out the parts that are not known.
    public var description: String {
        var parts = [location.map { "\(file):\($0.line):\($0.column)" } ?? file]
        if !field.isEmpty { parts.append(field) }
        parts.append(reason)
        return parts.joined(separator: ": ")
    }
}

extension ManifestError {
    /// The manifest's view of an error from the YAML layer, attributed to `file` when the YAML error
    /// does not name one.
    init(_ error: YAMLError, file: String) {
        let code: Code
        switch error.code {
        case .io: code = .io
        case .syntax, .duplicateKey, .alias, .multipleDocuments, .nestingTooDeep: code = .syntax
        case .missingField: code = .missingField
        case .unknownField: code = .unknownField
        case .invalidValue: code = .invalidValue
        }
        self.init(
            code: code, file: error.file ?? file,
            location: error.mark.map { Location(line: $0.line, column: $0.column) }, field: error.field ?? "",
            reason: error.reason)
    }
}
