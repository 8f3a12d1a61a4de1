/// SHA-256 (FIPS 180-4).
public enum SHA256 {
    /// The 32-byte digest of `data`.
    public static func hash(_ data: some Collection<UInt8>) -> [UInt8] {
        data.withContiguousBytes { Digest.hash(.sha256, $0) }
    }
}
