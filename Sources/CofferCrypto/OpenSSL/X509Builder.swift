import COpenSSL

/// Assembles and signs a new X.509 v3 certificate; every value passed in is validated or fixed text.
struct X509Builder {
    private let certificate: X509Handle

    /// An empty version 3 certificate.
    init() throws(CryptoError) {
        certificate = X509Handle(owning: try OpenSSLFailure.require(X509_new(), .internalFailure, "X509_new"))
        try OpenSSLFailure.check(
            X509_set_version(certificate.pointer, Int(X509_VERSION_3)), .internalFailure, "X509_set_version")
    }

    /// Sets a positive serial number from its big-endian magnitude.
    func setSerialNumber(_ magnitude: [UInt8]) throws(CryptoError) {
        let number = try OpenSSLHandle.make(
            BN_bin2bn(magnitude, Int32(magnitude.count), nil), "BN_bin2bn", free: BN_free)
        // Writes into the certificate's own serial field, so there is no intermediate ASN1_INTEGER to free.
        guard BN_to_ASN1_INTEGER(number.pointer, X509_get_serialNumber(certificate.pointer)) != nil else {
            throw OpenSSLFailure.error(.internalFailure, "BN_to_ASN1_INTEGER")
        }
    }

    /// Sets the validity window, in seconds since the epoch.
    func setValidity(notBefore: Int64, notAfter: Int64) throws(CryptoError) {
        guard ASN1_TIME_set(X509_getm_notBefore(certificate.pointer), time_t(notBefore)) != nil,
            ASN1_TIME_set(X509_getm_notAfter(certificate.pointer), time_t(notAfter)) != nil
        else { throw OpenSSLFailure.error(.invalidInput, "setting the validity window") }
    }

    /// Sets the subject to `O=<organization>, CN=<commonName>`.
    func setSubject(commonName: String, organization: String?) throws(CryptoError) {
        let name = try OpenSSLHandle.make(X509_NAME_new(), "X509_NAME_new", free: X509_NAME_free)
        if let organization {
            try Self.add(NID_organizationName, organization, to: name)
        }
        try Self.add(NID_commonName, commonName, to: name)
        try OpenSSLFailure.check(
            X509_set_subject_name(certificate.pointer, name.pointer), .internalFailure, "X509_set_subject_name")
    }

    private static func add(_ nid: Int32, _ value: String, to name: OpenSSLHandle) throws(CryptoError) {
        let bytes = Array(value.utf8)
        let status = X509_NAME_add_entry_by_NID(name.pointer, nid, MBSTRING_UTF8, bytes, Int32(bytes.count), -1, 0)
        try OpenSSLFailure.check(status, .invalidInput, "adding a subject name entry")
    }

    /// Copies the issuer name from `issuer`'s subject, or from this certificate's own subject when `nil`.
    func setIssuer(_ issuer: X509Handle?) throws(CryptoError) {
        let name = X509_get_subject_name((issuer ?? certificate).pointer)
        try OpenSSLFailure.check(
            X509_set_issuer_name(certificate.pointer, name), .internalFailure, "X509_set_issuer_name")
    }

    /// Sets the subject public key.
    func setPublicKey(_ key: EVPKey) throws(CryptoError) {
        try OpenSSLFailure.check(X509_set_pubkey(certificate.pointer, key.pointer), .invalidKey, "X509_set_pubkey")
    }

    /// Adds critical basicConstraints and keyUsage for a CA (certificate and CRL signing) or a leaf (signatures).
    func addConstraints(isCertificateAuthority: Bool) throws(CryptoError) {
        if isCertificateAuthority {
            try addExtension(NID_basic_constraints, "critical,CA:TRUE", issuer: nil)
            try addExtension(NID_key_usage, "critical,keyCertSign,cRLSign", issuer: nil)
        } else {
            try addExtension(NID_basic_constraints, "critical,CA:FALSE", issuer: nil)
            try addExtension(NID_key_usage, "critical,digitalSignature", issuer: nil)
        }
    }

    /// Adds extendedKeyUsage with the chosen purposes; nothing when neither is chosen.
    func addExtendedKeyUsage(serverAuth: Bool, clientAuth: Bool) throws(CryptoError) {
        let purposes = [serverAuth ? "serverAuth" : nil, clientAuth ? "clientAuth" : nil].compactMap { $0 }
        guard !purposes.isEmpty else { return }
        try addExtension(NID_ext_key_usage, purposes.joined(separator: ","), issuer: nil)
    }

    /// Adds the subject key identifier and, when `issuer` is given, the authority key identifier.
    func addKeyIdentifiers(issuer: X509Handle?) throws(CryptoError) {
        try addExtension(NID_subject_key_identifier, "hash", issuer: nil)
        if let issuer {
            try addExtension(NID_authority_key_identifier, "keyid", issuer: issuer)
        }
    }

    // Only fixed configuration strings reach this parser; names from callers go through addSubjectAltNames.
    private func addExtension(_ nid: Int32, _ value: String, issuer: X509Handle?) throws(CryptoError) {
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, (issuer ?? certificate).pointer, certificate.pointer, nil, nil, 0)
        let built = X509V3_EXT_conf_nid(nil, &context, nid, value)
        let extensionHandle = try OpenSSLHandle.make(built, "X509V3_EXT_conf_nid", free: X509_EXTENSION_free)
        try OpenSSLFailure.check(
            X509_add_ext(certificate.pointer, extensionHandle.pointer, -1), .internalFailure, "X509_add_ext")
    }

    /// Adds a subjectAltName with DNS names and IP addresses (v4 or v6 text); nothing when both are empty.
    func addSubjectAltNames(dnsNames: [String], ipAddresses: [String]) throws(CryptoError) {
        guard !dnsNames.isEmpty || !ipAddresses.isEmpty else { return }
        let names = try OpenSSLHandle.make(OPENSSL_sk_new_null(), "OPENSSL_sk_new_null") { stack in
            GENERAL_NAMES_free(stack)
        }
        for dnsName in dnsNames {
            let text = try OpenSSLFailure.require(ASN1_IA5STRING_new(), .internalFailure, "ASN1_IA5STRING_new")
            let bytes = Array(dnsName.utf8)
            guard ASN1_STRING_set(text, bytes, Int32(bytes.count)) == 1 else {
                ASN1_IA5STRING_free(text)
                throw OpenSSLFailure.error(.internalFailure, "ASN1_STRING_set")
            }
            try Self.push(GEN_DNS, UnsafeMutableRawPointer(text), onto: names)
        }
        for address in ipAddresses {
            guard let octets = a2i_IPADDRESS(address) else {
                OpenSSLFailure.discard()
                throw CryptoError(.invalidInput, "an IP address in the request is not valid v4 or v6 text")
            }
            try Self.push(GEN_IPADD, UnsafeMutableRawPointer(octets), onto: names)
        }
        let status = X509_add1_ext_i2d(
            certificate.pointer, NID_subject_alt_name, UnsafeMutableRawPointer(names.pointer), 0,
            UInt(X509V3_ADD_DEFAULT))
        try OpenSSLFailure.check(status, .internalFailure, "adding subjectAltName")
    }

    /// Wraps `value` (an ASN.1 string the caller allocated) in a GENERAL_NAME owned by `names`.
    private static func push(
        _ type: Int32, _ value: UnsafeMutableRawPointer, onto names: OpenSSLHandle
    ) throws(CryptoError) {
        guard let name = GENERAL_NAME_new() else {
            ASN1_STRING_free(value.assumingMemoryBound(to: ASN1_STRING.self))
            throw OpenSSLFailure.error(.internalFailure, "GENERAL_NAME_new")
        }
        GENERAL_NAME_set0_value(name, type, value)
        guard OPENSSL_sk_push(names.pointer, name) > 0 else {
            GENERAL_NAME_free(name)
            throw OpenSSLFailure.error(.internalFailure, "OPENSSL_sk_push")
        }
    }

    /// Signs with `key` and the named digest (`X509_sign`) and hands over the finished certificate.
    func sign(with key: EVPKey, digest: FetchedAlgorithm) throws(CryptoError) -> X509Handle {
        guard X509_sign(certificate.pointer, key.pointer, digest.pointer) > 0 else {
            throw OpenSSLFailure.error(.invalidKey, "X509_sign")
        }
        return certificate
    }
}
