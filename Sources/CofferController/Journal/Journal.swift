import CofferBase
import Synchronization

/// The controller's record of multi-step operations in flight (`<stateDir>/journal.json`). A step
/// is written before the side effect that follows it, so a controller killed mid-way knows on its
/// next run what was under way; every step is also checked against what the nodes report, so a
/// resumed operation never repeats an init or an activation that already happened.
public final class Journal: Sendable {
    /// One operation in flight.
    public struct Entry: Sendable, Equatable {
        /// `init`, `activate`, `move-primary`, `update-primary`.
        public var operation: String
        /// The cluster the operation changes.
        public var cluster: String
        /// The last step written.
        public var step: String
        public var started: String
        public var updated: String
    }

    private let path: String
    private let entries: Mutex<[Entry]>

    /// Opens the journal in `directory`, creating the directory (mode 0700).
    public init(directory: String) throws(ControllerError) {
        try Files.makeDirectory(directory, mode: 0o700)
        path = directory + "/journal.json"
        var loaded: [Entry] = []
        if let bytes = Files.read(path) {
            guard let document = try? JSON.parse(bytes), let list = document["operations"]?.arrayValue else {
                throw ControllerError(.state, "the journal \(path) is malformed; move it aside to continue")
            }
            for item in list {
                guard let operation = item["operation"]?.stringValue, let cluster = item["cluster"]?.stringValue else {
                    continue
                }
                loaded.append(
                    Entry(
                        operation: operation, cluster: cluster, step: item["step"]?.stringValue ?? "",
                        started: item["started"]?.stringValue ?? "", updated: item["updated"]?.stringValue ?? ""))
            }
        }
        entries = Mutex(loaded)
    }

    /// The operations in flight.
    public var pending: [Entry] { entries.withLock { $0 } }

    /// The operation in flight on `cluster`, if any.
    public func pending(_ operation: String, cluster: String) -> Entry? {
        pending.first { $0.operation == operation && $0.cluster == cluster }
    }

    /// Records `step` of `operation` on `cluster` durably (starting the operation if needed).
    public func record(_ operation: String, cluster: String, step: String) throws(ControllerError) {
        let now = Clock.rfc3339(Clock.now(), fractionalDigits: 0)
        let snapshot = entries.withLock { list in
            if let index = list.firstIndex(where: { $0.operation == operation && $0.cluster == cluster }) {
                list[index].step = step
                list[index].updated = now
            } else {
                list.append(Entry(operation: operation, cluster: cluster, step: step, started: now, updated: now))
            }
            return list
        }
        try save(snapshot)
        Failpoint.reached("\(operation).\(step)")
    }

    /// Removes a finished operation.
    public func finish(_ operation: String, cluster: String) throws(ControllerError) {
        let snapshot = entries.withLock { list in
            list.removeAll { $0.operation == operation && $0.cluster == cluster }
            return list
        }
        try save(snapshot)
    }

    private func save(_ list: [Entry]) throws(ControllerError) {
        let document: JSON = [
            "operations": .array(
                list.map {
                    [
                        "operation": .string($0.operation), "cluster": .string($0.cluster), "step": .string($0.step),
                        "started": .string($0.started), "updated": .string($0.updated),
                    ]
                })
        ]
        var bytes = document.serialized()
        bytes.append(0x0A)
        try Files.replace(path, bytes: bytes)
    }
}
