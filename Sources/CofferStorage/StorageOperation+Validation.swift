extension StorageOperation {
    /// Throws `invalidArgument` when the operation cannot be stored: its key is empty.
    func validate() throws(StorageError) {
        if key.isEmpty {
            throw StorageError(.invalidArgument, "\(kind) with an empty key")
        }
    }

    /// The operation's name for error messages, which never show a key or a value.
    var kind: String {
        switch self {
        case .put: return "put"
        case .delete: return "delete"
        }
    }
}

extension Array where Element == StorageOperation {
    /// Throws for the first operation that cannot be stored.
    func validate() throws(StorageError) {
        for operation in self {
            try operation.validate()
        }
    }
}
