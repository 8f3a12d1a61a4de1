import CofferBase

/// The ordered actions that bring the world to the manifest, with what stands in their way.
public struct Plan: Sendable, Equatable {
    /// Actions in the order they are taken. Later ones assume the earlier ones succeed; `apply`
    /// observes again after every action and plans anew.
    public var actions: [Action] = []
    /// Conditions that settle on their own (an election, an initial sync); `apply` waits for them.
    public var waiting: [String] = []
    /// What the controller will not do on its own; an operator must act or give a flag.
    public var blocked: [String] = []
    /// Nodes whose agents did not answer, with the reason.
    public var unreachable: [String: String] = [:]

    public init() {}

    /// Nothing to do, nothing to wait for, nothing blocked, every agent answered.
    public var isConverged: Bool { actions.isEmpty && waiting.isEmpty && blocked.isEmpty && unreachable.isEmpty }

    /// The JSON form of `plan -o json`.
    public var json: JSON {
        [
            "converged": .bool(isConverged), "actions": .array(actions.map(\.json)), "waiting": .strings(waiting),
            "blocked": .strings(blocked),
            "unreachable": .object(unreachable.mapValues { .string($0) }),
        ]
    }

    /// The text form: one line per action, destructive ones marked loudly.
    public func render(topology: String) -> String {
        var lines: [String] = []
        if isConverged {
            lines.append("Topology \(topology): nothing to do; the world matches the manifest.")
            return lines.joined(separator: "\n")
        }
        let destructive = actions.filter(\.destructive).count
        lines.append(
            "Topology \(topology): \(actions.count) action\(actions.count == 1 ? "" : "s")"
                + (destructive > 0 ? ", \(destructive) DESTRUCTIVE" : ""))
        let width = max(6, actions.map(\.kind.rawValue.count).max() ?? 0)
        let targetWidth = max(6, actions.map(\.target.count).max() ?? 0)
        for action in actions {
            let mark = action.destructive ? "!" : "+"
            let kind = action.kind.rawValue.padding(to: width)
            let target = action.target.padding(to: targetWidth)
            var line = "  \(mark) \(kind)  \(target)  \(action.reason)"
            if action.destructive { line += "  [DESTROYS DATA; needs --approve-destructive]" }
            lines.append(line)
        }
        for item in waiting { lines.append("  ~ waiting: \(item)") }
        for item in blocked { lines.append("  x blocked: \(item)") }
        for (node, reason) in unreachable.sorted(by: { $0.key < $1.key }) {
            lines.append("  ? unreachable: \(node): \(reason)")
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
