import CofferBase

/// One set of unseal shares as `sys/init` made them, with the initial root token: the unit the
/// custody store keeps. Every cluster activated from a primary shares the primary's key set.
public struct KeySet: Sendable, Equatable {
    /// The node-reported id of the unseal key these shares recover.
    public var id: String
    /// The cluster the key set was made for.
    public var cluster: String
    public var created: String
    public var threshold: Int
    /// The shares, hex-encoded as `sys/init` returns them.
    public var shares: [String]
    public var rootToken: String
    /// Set once the key set no longer opens any cluster it was made for (its cluster became a secondary
    /// and took its primary's keys). A superseded key set is kept, never deleted.
    public var superseded = false

    public init(id: String, cluster: String, created: String, threshold: Int, shares: [String], rootToken: String) {
        self.id = id
        self.cluster = cluster
        self.created = created
        self.threshold = threshold
        self.shares = shares
        self.rootToken = rootToken
    }

    /// The stored form.
    func json() -> JSON {
        [
            "format": 1, "id": .string(id), "cluster": .string(cluster), "created": .string(created),
            "threshold": .int(Int64(threshold)), "shares": .strings(shares), "root_token": .string(rootToken),
        ]
    }

    /// Reads the stored form; `nil` when malformed.
    init?(json: JSON) {
        guard let id = json["id"]?.stringValue, let cluster = json["cluster"]?.stringValue,
            let threshold = json["threshold"]?.intValue,
            let shares = json["shares"]?.arrayValue?.compactMap(\.stringValue),
            !shares.isEmpty, threshold >= 1, Int(threshold) <= shares.count
        else { return nil }
        self.init(
            id: id, cluster: cluster, created: json["created"]?.stringValue ?? "", threshold: Int(threshold),
            shares: shares, rootToken: json["root_token"]?.stringValue ?? "")
    }
}
