import CofferBase

extension VaultRequest {
    /// Reads an `X-Vault-Wrap-TTL` header (seconds or a duration such as `5m`); `nil` when absent.
    ///
    /// Throws a 400 for a malformed or negative value.
    public static func wrapTTL(header: String?) throws(CofferError) -> Int64? {
        guard let header else { return nil }
        let text = header.trimmingWhitespace()
        guard !text.isEmpty else { return nil }
        guard let seconds = DurationParser.seconds(text) else {
            throw .badRequest("error parsing the X-Vault-Wrap-TTL header: expected a non-negative duration")
        }
        return seconds
    }
}
