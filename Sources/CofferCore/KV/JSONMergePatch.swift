import CofferBase

/// JSON merge patch (RFC 7396), which KV v2 uses for `PATCH` of data and custom metadata.
enum JSONMergePatch {
    /// `target` changed by `patch`: members of an object patch are merged recursively, a `null`
    /// member removes the target's member, and any other patch value replaces the target whole.
    static func apply(_ patch: JSON, to target: JSON) -> JSON {
        guard case .object(let changes) = patch else { return patch }
        var result = target.objectValue ?? [:]
        for (name, change) in changes {
            if change.isNull {
                result.removeValue(forKey: name)
            } else {
                result[name] = apply(change, to: result[name] ?? .null)
            }
        }
        return .object(result)
    }
}
