/// An immutable snapshot of the mount table with longest-prefix routing.
public struct MountTable: Sendable {
    /// Every mount, by path.
    public let entries: [String: MountEntry]
    /// Mount paths, longest first, so the first prefix match is the longest.
    private let orderedPaths: [String]

    public init(entries: [MountEntry]) {
        var byPath: [String: MountEntry] = [:]
        for entry in entries { byPath[entry.path] = entry }
        self.entries = byPath
        self.orderedPaths = byPath.keys.sorted { $0.count > $1.count }
    }

    /// The mount that serves `path` (without a leading slash), and the remainder below it.
    public func route(_ path: String) -> (MountEntry, String)? {
        for mountPath in orderedPaths {
            if path.hasPrefix(mountPath) {
                return (entries[mountPath]!, String(path.dropFirst(mountPath.count)))
            }
            if path.count == mountPath.count - 1, mountPath.hasPrefix(path) {
                return (entries[mountPath]!, "")
            }
        }
        return nil
    }

    /// The existing mount that overlaps a new path (equal, inside it, or containing it), if any.
    public func conflict(with path: String) -> String? {
        for existing in orderedPaths where existing.hasPrefix(path) || path.hasPrefix(existing) {
            return existing
        }
        return nil
    }
}
