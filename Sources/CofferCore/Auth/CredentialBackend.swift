/// An auth method mounted below `auth/`. Its management paths are ordinary logical requests
/// behind a token and the ACL; its login paths need no token and end in a grant.
protocol CredentialBackend: LogicalBackend {
    /// Whether `path`, below the mount, is a login path, served without a client token.
    func isLoginPath(_ path: String) -> Bool

    /// Checks the credentials in a login request. Every kind of mismatch ends in the same error,
    /// so the answer never tells which part of the credentials was wrong.
    func login(_ request: LogicalRequest, storage: StorageView) throws(CofferError) -> AuthGrant
}
