/// SHA-512 (FIPS 180-4).
public enum SHA512 {
    /// The 64-byte digest of `data`.
    public static func hash(_ data: some Collection<UInt8>) -> [UInt8] {
        data.withContiguousBytes { Digest.hash(.sha512, $0) }
    }
}
