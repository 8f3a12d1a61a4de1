/// An elliptic curve for ECDSA keys, each paired with the SHA-2 digest of matching strength.
public enum KeyAlgorithm: Sendable {
    /// NIST P-256 with SHA-256.
    case p256
    /// NIST P-384 with SHA-384.
    case p384
    /// NIST P-521 with SHA-512, as JWT's ES512 uses it.
    case p521

    /// The curve name OpenSSL's key generation accepts.
    var groupName: String {
        switch self {
        case .p256: return "P-256"
        case .p384: return "P-384"
        case .p521: return "P-521"
        }
    }

    /// The curve for a group name as OpenSSL reports it, in either its NIST or its SEC spelling.
    init?(groupName: String) {
        switch groupName {
        case "P-256", "prime256v1", "secp256r1": self = .p256
        case "P-384", "secp384r1": self = .p384
        case "P-521", "secp521r1": self = .p521
        default: return nil
        }
    }

    /// The digest name for signing.
    var digestName: String {
        switch self {
        case .p256: return "SHA256"
        case .p384: return "SHA384"
        case .p521: return "SHA512"
        }
    }

    /// The digest for signing certificates.
    var digest: FetchedAlgorithm {
        switch self {
        case .p256: return .sha256
        case .p384: return .sha384
        case .p521: return .sha512
        }
    }

    /// Bytes in each of r and s of a raw signature: the curve order's size.
    var coordinateSize: Int {
        switch self {
        case .p256: return 32
        case .p384: return 48
        case .p521: return 66
        }
    }
}
