/// How a wrapping token reaches the client: Vault's opaque token, or an ES512 JWT around it.
public enum WrapFormat: String, Sendable {
    /// An opaque `hvs.` token, Vault's default.
    case token
    /// A JWT signed with the node's wrapping key whose `jti` is the opaque token (Vault's `jwt` format).
    case jwt

    /// The format an `X-Vault-Wrap-Format` header asks for; absent or empty means the opaque token.
    public init(header: String?) throws(CofferError) {
        switch header?.lowercased() ?? "" {
        case "", "token", "uuid": self = .token
        case "jwt": self = .jwt
        default: throw .badRequest("invalid format for response wrapping")
        }
    }
}
