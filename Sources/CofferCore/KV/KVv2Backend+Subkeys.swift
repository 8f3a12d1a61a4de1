import CofferBase

/// The `subkeys/` path: the shape of a version's data with every leaf value replaced by `null`.
extension KVv2Backend {
    /// The keys of a version's data without their values (`?depth=N` limits the nesting).
    func readSubkeys(
        _ path: String, _ query: [String: JSON], storage: StorageView
    ) throws(CofferError) -> LogicalResponse {
        let depth = try KVFields.optionalNonNegativeInt("depth", query["depth"]) ?? 0
        let resolved = try resolveVersion(path, query, storage: storage)
        if resolved.isUnreadable {
            return LogicalResponse(data: ["subkeys": .null, "metadata": resolved.block], status: 404)
        }
        guard case .object(let members)? = try storage.getJSON(Self.versionKey(path, resolved.number)) else {
            throw .notFound
        }
        return LogicalResponse(data: [
            "subkeys": Self.subkeys(members, depth: depth, level: 1), "metadata": resolved.block,
        ])
    }

    /// Non-empty objects are descended into until `depth` levels (0: no limit); everything else,
    /// empty objects included, becomes `null`.
    static func subkeys(_ members: [String: JSON], depth: Int64, level: Int64) -> JSON {
        .object(
            members.mapValues { value in
                guard case .object(let inner) = value, !inner.isEmpty, depth == 0 || level < depth else { return .null }
                return subkeys(inner, depth: depth, level: level + 1)
            })
    }
}
