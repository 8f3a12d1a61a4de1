/// What a request does to a path; the capabilities of a policy are named after these.
public enum LogicalOperation: String, Sendable, Hashable {
    case read
    case create
    case update
    case patch
    case delete
    case list

    /// Whether the operation changes state.
    public var isWrite: Bool {
        switch self {
        case .read, .list: return false
        case .create, .update, .patch, .delete: return true
        }
    }
}
