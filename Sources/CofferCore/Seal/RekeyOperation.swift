/// An attempt of `sys/rekey`: the new split asked for and the current shares given so far; once
/// they opened the root key, and verification was asked for, the new key waiting to be proven.
///
/// Lives in memory only, on the node that runs it, and is dropped when that node seals.
struct RekeyOperation: Sendable {
    /// A new unseal key that is returned as shares but not yet installed: its holders must first
    /// give back a threshold of the new shares (`sys/rekey/verify`).
    struct PendingKey: Sendable {
        var unsealKey: [UInt8]
        /// The root key the new unseal key will encrypt.
        var rootKey: [UInt8]
        /// The new split, already under its new key set id.
        var configuration: SealConfiguration
        var nonce: String
        var shares: [[UInt8]] = []
    }

    var nonce: String
    /// The split asked for.
    var configuration: SealConfiguration
    var requireVerification: Bool
    /// Shares of the current unseal key given so far.
    var shares: [[UInt8]] = []
    var pending: PendingKey?
}
