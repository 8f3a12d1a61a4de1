/// What a successful login entitles the caller to; the core turns it into a token, so auth
/// methods never touch the token store themselves.
struct AuthGrant: Sendable {
    /// The user's or role's token settings.
    var token: TokenParameters
    /// The token's metadata, shown in the login's `auth.metadata` (`username`, `role_name`).
    var metadata: [String: String]
    /// The name after the mount in the token's display name (`userpass-alice`).
    var displayName: String
}
