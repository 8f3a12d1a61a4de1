import COpenSSL
import Glibc

/// Owns one `X509` and reads its fields.
// The certificate is not modified once parsed or signed, and OpenSSL locks its lazily filled extension cache.
final class X509Handle: @unchecked Sendable {
    /// The owned `X509`.
    let pointer: OpaquePointer

    /// Takes ownership of a certificate returned by OpenSSL.
    init(owning pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit { X509_free(pointer) }

    /// Every certificate in a PEM bundle, in order (`PEM_read_bio_X509` until the input runs out).
    static func parseAll(pem: String) throws(CryptoError) -> [X509Handle] {
        let bio = try MemoryBIO(reading: pem)
        var certificates: [X509Handle] = []
        while let certificate = PEM_read_bio_X509(bio.pointer, nil, MemoryBIO.noPassphrase, nil) {
            certificates.append(X509Handle(owning: certificate))
        }
        guard !certificates.isEmpty, OpenSSLFailure.isEndOfPEM() else {
            throw OpenSSLFailure.error(.certificateInvalid, "reading a certificate PEM")
        }
        OpenSSLFailure.discard()
        return certificates
    }

    /// The DER encoding (`i2d_X509`).
    func der() throws(CryptoError) -> [UInt8] {
        let length = i2d_X509(pointer, nil)
        guard length > 0 else { throw OpenSSLFailure.error(.encodingFailed, "i2d_X509") }
        let der = [UInt8](unsafeUninitializedCapacity: Int(length)) { buffer, count in
            var cursor = buffer.baseAddress
            count = i2d_X509(pointer, &cursor) == length ? Int(length) : 0
        }
        guard !der.isEmpty else { throw OpenSSLFailure.error(.encodingFailed, "i2d_X509") }
        return der
    }

    /// The subject's first common name, decoded to UTF-8.
    var commonName: String? {
        guard let name = X509_get_subject_name(pointer) else { return nil }
        let index = X509_NAME_get_index_by_NID(name, NID_commonName, -1)
        guard index >= 0, let entry = X509_NAME_get_entry(name, index),
            let data = X509_NAME_ENTRY_get_data(entry)
        else { return nil }
        var utf8: UnsafeMutablePointer<UInt8>? = nil
        let length = ASN1_STRING_to_UTF8(&utf8, data)
        guard let utf8, length >= 0 else {
            OpenSSLFailure.discard()
            return nil
        }
        defer { coffer_OPENSSL_free(utf8) }
        return String(decoding: UnsafeBufferPointer(start: utf8, count: Int(length)), as: UTF8.self)
    }

    /// `notBefore` as seconds since the epoch.
    func notBefore() throws(CryptoError) -> Int64 {
        try Self.seconds(X509_get0_notBefore(pointer))
    }

    /// `notAfter` as seconds since the epoch.
    func notAfter() throws(CryptoError) -> Int64 {
        try Self.seconds(X509_get0_notAfter(pointer))
    }

    private static func seconds(_ time: UnsafePointer<ASN1_TIME>?) throws(CryptoError) -> Int64 {
        var parts = tm()
        guard let time, ASN1_TIME_to_tm(time, &parts) == 1 else {
            throw OpenSSLFailure.error(.certificateInvalid, "reading a validity time")
        }
        return Int64(timegm(&parts))
    }

    /// Whether basicConstraints says `CA:TRUE` (`X509_get_extension_flags`).
    var isCertificateAuthority: Bool {
        X509_get_extension_flags(pointer) & UInt32(EXFLAG_CA) != 0
    }

    /// The serial number's magnitude, big-endian.
    var serialNumber: [UInt8] {
        guard let serial = X509_get0_serialNumber(pointer), let data = ASN1_STRING_get0_data(serial) else {
            return []
        }
        return Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(serial))))
    }

    /// The DNS names and IP addresses (as text) of the subjectAltName extension.
    var subjectAltNames: (dnsNames: [String], ipAddresses: [String]) {
        let decoded = X509_get_ext_d2i(pointer, NID_subject_alt_name, nil, nil).map(OpaquePointer.init)
        guard let names = OpenSSLHandle(decoded, free: { GENERAL_NAMES_free($0) }) else { return ([], []) }
        var dnsNames: [String] = []
        var ipAddresses: [String] = []
        // The entries are borrowed from the stack, so it must outlive every read below.
        withExtendedLifetime(names) {
            for index in 0..<OPENSSL_sk_num(names.pointer) {
                guard let value = OPENSSL_sk_value(names.pointer, index) else { continue }
                let name = value.assumingMemoryBound(to: GENERAL_NAME.self).pointee
                if name.type == GEN_DNS, let text = Self.bytes(name.d.dNSName) {
                    dnsNames.append(String(decoding: text, as: UTF8.self))
                } else if name.type == GEN_IPADD, let octets = Self.bytes(name.d.iPAddress),
                    let text = Self.addressText(octets)
                {
                    ipAddresses.append(text)
                }
            }
        }
        return (dnsNames, ipAddresses)
    }

    private static func bytes(_ string: UnsafeMutablePointer<ASN1_STRING>?) -> [UInt8]? {
        guard let string, let data = ASN1_STRING_get0_data(string) else { return nil }
        return Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(string))))
    }

    private static func addressText(_ octets: [UInt8]) -> String? {
        let family: Int32
        switch octets.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return nil
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(family, octets, &text, socklen_t(text.count)) != nil else { return nil }
        return text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// The subject public key (`X509_get_pubkey`).
    func publicKey() throws(CryptoError) -> EVPKey {
        EVPKey(owning: try OpenSSLFailure.require(X509_get_pubkey(pointer), .certificateInvalid, "X509_get_pubkey"))
    }

    /// Whether `key` is the private half of this certificate's public key (`X509_check_private_key`).
    func matches(_ key: EVPKey) -> Bool {
        defer { OpenSSLFailure.discard() }
        return X509_check_private_key(pointer, key.pointer) == 1
    }

    /// Whether this certificate chains to `issuer` alone, checked now (`X509_verify_cert`).
    ///
    /// Partial chains are allowed so that an intermediate CA can serve as the only trust anchor.
    func isIssued(by issuer: X509Handle) -> Bool {
        defer { OpenSSLFailure.discard() }
        guard let store = OpenSSLHandle(X509_STORE_new(), free: X509_STORE_free),
            let context = OpenSSLHandle(X509_STORE_CTX_new(), free: X509_STORE_CTX_free),
            X509_STORE_add_cert(store.pointer, issuer.pointer) == 1,
            X509_STORE_set_flags(store.pointer, UInt(X509_V_FLAG_PARTIAL_CHAIN)) == 1,
            X509_STORE_CTX_init(context.pointer, store.pointer, pointer, nil) == 1
        else { return false }
        // The context only borrows the store.
        return withExtendedLifetime(store) { X509_verify_cert(context.pointer) == 1 }
    }
}
