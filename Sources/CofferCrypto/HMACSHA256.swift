/// HMAC with SHA-256 (RFC 2104).
public enum HMACSHA256 {
    /// The 32-byte authentication code of `message` under `key`.
    public static func authenticate(_ message: some Collection<UInt8>, key: some Collection<UInt8>) -> [UInt8] {
        key.withContiguousBytes { keyBytes in
            message.withContiguousBytes { messageBytes in
                Digest.hmacSHA256(key: keyBytes, message: messageBytes)
            }
        }
    }

    /// `authenticate` for arrays, without generic dispatch on the request path.
    public static func authenticate(_ message: [UInt8], key: [UInt8]) -> [UInt8] {
        guard !message.isEmpty, !key.isEmpty else { return authenticate(message[...], key: key[...]) }
        return key.withUnsafeBytes { keyBytes in
            message.withUnsafeBytes { messageBytes in
                Digest.hmacSHA256(key: keyBytes, message: messageBytes)
            }
        }
    }

    /// Whether `mac` authenticates `message` under `key`, compared in constant time.
    public static func isValid(_ mac: [UInt8], for message: some Collection<UInt8>, key: some Collection<UInt8>) -> Bool
    {
        ConstantTime.equals(mac, authenticate(message, key: key))
    }
}
