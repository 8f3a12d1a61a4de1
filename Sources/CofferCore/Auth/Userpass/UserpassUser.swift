import CofferBase
import CofferCrypto

/// A userpass user as stored: the password only as a scrypt hash, and the user's token settings.
struct UserpassUser: Sendable {
    /// The scrypt hash the password is checked against.
    var passwordHash: PasswordHash
    /// What the tokens of the user's logins get.
    var token: TokenParameters

    /// The stored form.
    func serialized() -> JSON {
        var document = token.serialized()
        document["password_hash"] = .string(passwordHash.encoded)
        return .object(document)
    }

    /// Reads the stored form back; a 500 when it is damaged.
    static func deserialize(_ document: JSON) throws(CofferError) -> UserpassUser {
        guard let encoded = document["password_hash"]?.stringValue, let hash = PasswordHash(encoded: encoded) else {
            throw CofferError.internalError("stored userpass user is malformed")
        }
        return UserpassUser(passwordHash: hash, token: TokenParameters(stored: document))
    }
}
