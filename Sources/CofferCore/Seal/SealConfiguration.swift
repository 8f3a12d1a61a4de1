import CofferBase
import CofferCrypto

/// How the unseal key is split: Shamir shares and the threshold that recovers it.
public struct SealConfiguration: Sendable, Equatable {
    public let secretShares: Int
    public let secretThreshold: Int
    /// Names the set of shares that opens this node: a fresh UUID each time a new unseal key is
    /// made. It is no secret, and it lets a controller tell which custody of shares a node needs;
    /// `nil` for configurations stored before it existed.
    public private(set) var keySetID: String?

    /// Validates the numbers as Vault does.
    public init(secretShares: Int, secretThreshold: Int, keySetID: String? = nil) throws(CofferError) {
        guard (1...255).contains(secretShares) else {
            throw .badRequest("secret_shares must be between 1 and 255")
        }
        guard secretThreshold >= 1, secretThreshold <= secretShares else {
            throw .badRequest("secret_threshold must be at least 1 and at most secret_shares")
        }
        guard secretShares == 1 || secretThreshold > 1 else {
            throw .badRequest("secret_threshold must be greater than one for multiple shares")
        }
        self.secretShares = secretShares
        self.secretThreshold = secretThreshold
        self.keySetID = keySetID
    }

    /// The same split under a new key set id; every path that makes a new unseal key (init, and a
    /// rekey) stores this, so shares of an older key set are never mistaken for the current ones.
    public func namingNewKeySet() -> SealConfiguration {
        var next = self
        next.keySetID = SecureRandom.uuid()
        return next
    }

    /// The stored form, kept in clear outside the barrier: it holds no secret.
    public func serialized() -> [UInt8] {
        var document: [String: JSON] = [
            "type": "shamir", "secret_shares": .int(Int64(secretShares)),
            "secret_threshold": .int(Int64(secretThreshold)),
        ]
        if let keySetID { document["key_set_id"] = .string(keySetID) }
        return JSON.object(document).serialized()
    }

    /// Reads the stored form; `nil` when malformed. A form without `key_set_id` reads as `nil` there.
    public static func deserialize(_ bytes: [UInt8]) -> SealConfiguration? {
        guard let document = try? JSON.parse(bytes), let shares = document["secret_shares"]?.intValue,
            let threshold = document["secret_threshold"]?.intValue
        else { return nil }
        return try? SealConfiguration(
            secretShares: Int(shares), secretThreshold: Int(threshold), keySetID: document["key_set_id"]?.stringValue)
    }
}

/// Physical keys of the seal, outside the barrier (below `Barrier.reservedPrefix`).
enum SealPaths {
    static let configuration = "core/seal-config"
    /// The root key, encrypted under the unseal key.
    static let rootKey = "core/root-key"
    /// The keyring, encrypted under the root key.
    static let keyring = "core/keyring"
}
