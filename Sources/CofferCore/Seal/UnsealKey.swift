import CofferBase
import CofferCrypto

/// The unseal key: split into shares at init, recombined at unseal, never stored.
enum UnsealKey {
    static let length = 32

    /// Splits a key into shares; with one share, the share is the key itself, as in Vault.
    static func split(_ key: [UInt8], configuration: SealConfiguration) throws(CofferError) -> [[UInt8]] {
        if configuration.secretShares == 1 { return [key] }
        do {
            return try Shamir.split(
                key, shares: configuration.secretShares, threshold: configuration.secretThreshold)
        } catch {
            throw .internalError("could not split the unseal key")
        }
    }

    /// Recombines shares; with a one-share configuration the share is the key.
    static func combine(_ shares: [[UInt8]], configuration: SealConfiguration) throws(CofferError) -> [UInt8] {
        if configuration.secretShares == 1 { return shares[0] }
        do { return try Shamir.combine(shares) } catch { throw .badRequest("invalid unseal key shares") }
    }

    /// The expected length of one share in bytes.
    static func shareLength(_ configuration: SealConfiguration) -> Int {
        configuration.secretShares == 1 ? length : length + 1
    }

    /// Decodes a share given as hex or base64 (hex first, as Vault does), checking its length.
    static func decodeShare(_ text: String, configuration: SealConfiguration) throws(CofferError) -> [UInt8] {
        let expected = shareLength(configuration)
        let trimmed = text.trimmingWhitespace()
        if let bytes = Hex.decode(trimmed), bytes.count == expected { return bytes }
        if let bytes = Base64.decode(trimmed), bytes.count == expected { return bytes }
        throw .badRequest("'key' is not a valid unseal key share: expected \(expected) bytes in hex or base64")
    }

    /// Encrypts the root key under the unseal key for storage.
    static func sealRootKey(_ rootKey: [UInt8], unsealKey: [UInt8]) throws(CofferError) -> [UInt8] {
        do {
            return try AESGCM(key: unsealKey).seal(rootKey, associatedData: Array(SealPaths.rootKey.utf8))
        } catch {
            throw .internalError("could not encrypt the root key")
        }
    }

    /// Decrypts the stored root key; `nil` when the unseal key is wrong.
    static func openRootKey(_ sealed: [UInt8], unsealKey: [UInt8]) -> [UInt8]? {
        guard let cipher = try? AESGCM(key: unsealKey) else { return nil }
        return try? cipher.open(sealed, associatedData: Array(SealPaths.rootKey.utf8))
    }

    /// Encrypts the keyring under its root key for storage.
    static func sealKeyring(_ keyring: Keyring) throws(CofferError) -> [UInt8] {
        do {
            return try AESGCM(key: keyring.rootKey).seal(
                keyring.serialized(), associatedData: Array(SealPaths.keyring.utf8))
        } catch {
            throw .internalError("could not encrypt the keyring")
        }
    }

    /// Decrypts and parses the stored keyring; `nil` when the root key does not open it.
    static func openKeyring(_ sealed: [UInt8], rootKey: [UInt8]) -> Keyring? {
        guard let cipher = try? AESGCM(key: rootKey),
            let plain = try? cipher.open(sealed, associatedData: Array(SealPaths.keyring.utf8)),
            let keyring = Keyring.deserialize(plain), keyring.rootKey == rootKey
        else { return nil }
        return keyring
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[start...end])
    }
}
