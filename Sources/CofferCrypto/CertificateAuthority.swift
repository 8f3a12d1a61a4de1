import CofferBase

/// Issues X.509 certificates: self-signed CAs, and leaves or intermediates under an existing CA.
public enum CertificateAuthority {
    /// Self-signed CA certificate (basicConstraints CA:TRUE critical, keyUsage keyCertSign+cRLSign, SKI),
    /// serial random 16 bytes, notBefore = now - 60s.
    ///
    /// The result is a CA whatever `request.isCertificateAuthority` says; subjectAltNames are included if given.
    public static func selfSigned(_ request: CertificateRequest, key: PrivateKey) throws(CryptoError) -> Certificate {
        try validate(request)
        let builder = try start(request, publicKey: key.key)
        try builder.setIssuer(nil)
        try builder.addConstraints(isCertificateAuthority: true)
        try builder.addKeyIdentifiers(issuer: nil)
        try builder.addSubjectAltNames(dnsNames: request.dnsNames, ipAddresses: request.ipAddresses)
        return try Certificate(handle: builder.sign(with: key.key, digest: key.algorithm.digest))
    }

    /// Leaf (or intermediate if request.isCertificateAuthority) signed by `issuer`/`issuerKey`: SANs, keyUsage
    /// digitalSignature, extendedKeyUsage serverAuth/clientAuth per flags, SKI/AKI.
    ///
    /// Throws `certificateInvalid` when `issuer` is not a CA and `invalidKey` when `issuerKey` does not match it.
    public static func issue(
        _ request: CertificateRequest, publicKey: PublicKey, issuer: Certificate, issuerKey: PrivateKey
    ) throws(CryptoError) -> Certificate {
        try validate(request)
        guard issuer.isCertificateAuthority else {
            throw CryptoError(.certificateInvalid, "the issuer certificate is not a CA")
        }
        guard issuer.handle.matches(issuerKey.key) else {
            throw CryptoError(.invalidKey, "the issuer key does not belong to the issuer certificate")
        }
        let builder = try start(request, publicKey: publicKey.key)
        try builder.setIssuer(issuer.handle)
        try builder.addConstraints(isCertificateAuthority: request.isCertificateAuthority)
        if !request.isCertificateAuthority {
            try builder.addExtendedKeyUsage(serverAuth: request.serverAuth, clientAuth: request.clientAuth)
        }
        try builder.addKeyIdentifiers(issuer: issuer.handle)
        try builder.addSubjectAltNames(dnsNames: request.dnsNames, ipAddresses: request.ipAddresses)
        return try Certificate(handle: builder.sign(with: issuerKey.key, digest: issuerKey.algorithm.digest))
    }

    /// Serial, validity, subject and key: the parts every certificate shares.
    private static func start(_ request: CertificateRequest, publicKey: EVPKey) throws(CryptoError) -> X509Builder {
        let builder = try X509Builder()
        var serial = SecureRandom.bytes(16)
        // A set second-highest bit keeps the serial positive and exactly 16 bytes long.
        serial[0] = serial[0] & 0x7F | 0x40
        try builder.setSerialNumber(serial)
        // Backdating by a minute tolerates clocks of peers that run slightly behind ours.
        let now = Clock.now().seconds
        try builder.setValidity(notBefore: now - 60, notAfter: now + Int64(request.validityDays) * 86_400)
        try builder.setSubject(commonName: request.commonName, organization: request.organization)
        try builder.setPublicKey(publicKey)
        return builder
    }

    private static func validate(_ request: CertificateRequest) throws(CryptoError) {
        guard !request.commonName.isEmpty, request.commonName.utf8.count <= 64 else {
            throw CryptoError(.invalidInput, "the common name must be 1 to 64 bytes")
        }
        guard (1...36_500).contains(request.validityDays) else {
            throw CryptoError(.invalidInput, "validity must be 1 to 36500 days")
        }
        for name in request.dnsNames where !isDNSName(name) {
            throw CryptoError(.invalidInput, "a DNS name in the request has characters a DNS name cannot hold")
        }
    }

    /// Letters, digits, `-`, `_`, `.` and a leading `*.` wildcard; at most 253 characters.
    private static func isDNSName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        let body = bytes.starts(with: Array("*.".utf8)) ? bytes.dropFirst(2) : bytes[...]
        return !body.isEmpty
            && body.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                    return true
                default:
                    return false
                }
            }
    }
}
