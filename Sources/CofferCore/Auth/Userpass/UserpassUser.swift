import CofferBase
import CofferCrypto

/// A userpass user as stored: the password only as a scrypt hash, and the user's token settings.
struct UserpassUser: Sendable {
    var passwordHash: PasswordHash
    var token: TokenParameters

    func serialized() -> JSON {
        var document = token.serialized()
        document["password_hash"] = .string(passwordHash.encoded)
        return .object(document)
    }

    static func deserialize(_ document: JSON) throws(CofferError) -> UserpassUser {
        guard let encoded = document["password_hash"]?.stringValue, let hash = PasswordHash(encoded: encoded) else {
            throw CofferError.internalError("stored userpass user is malformed")
        }
        return UserpassUser(passwordHash: hash, token: TokenParameters(stored: document))
    }
}
