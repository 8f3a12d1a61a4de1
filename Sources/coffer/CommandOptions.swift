/// The options of one subcommand, parsed from `--name value`, `--name=value` and `-f value`.
struct CommandOptions {
    private(set) var values: [String: String] = [:]
    private(set) var flags: Set<String> = []

    /// Parses `arguments`; `valued` names the options that take a value, `switches` those that do not.
    init(_ arguments: [String], valued: Set<String>, switches: Set<String>) throws(UsageError) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            var name = argument
            var inline: String?
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("-") {
                name = String(argument[..<equals])
                inline = String(argument[argument.index(after: equals)...])
            }
            if valued.contains(name) {
                if let inline {
                    values[name] = inline
                } else {
                    index += 1
                    guard index < arguments.count else { throw UsageError("option \(name) needs a value") }
                    values[name] = arguments[index]
                }
            } else if switches.contains(name), inline == nil {
                flags.insert(name)
            } else {
                throw UsageError("unknown option \"\(argument)\"")
            }
            index += 1
        }
    }

    /// The value of the first of `names` that was given.
    func value(_ names: String...) -> String? {
        names.lazy.compactMap { values[$0] }.first
    }

    /// Whether a switch was given.
    func flag(_ name: String) -> Bool { flags.contains(name) }
}

/// A command line that cannot be run as written.
struct UsageError: Error, CustomStringConvertible {
    let reason: String

    init(_ reason: String) {
        self.reason = reason
    }

    var description: String { reason }
}
