import COpenSSL

/// Converts ECDSA signatures between DER (what OpenSSL produces) and fixed-width raw `r || s` (what JOSE uses).
enum ECDSASignatureCoding {
    /// The raw form, each half left-padded to `width` bytes (`d2i_ECDSA_SIG`, `BN_bn2binpad`).
    static func raw(fromDER der: [UInt8], width: Int) throws(CryptoError) -> [UInt8] {
        let parsed = der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_ECDSA_SIG(nil, &cursor, buffer.count)
        }
        let signature = try OpenSSLHandle.make(parsed, "d2i_ECDSA_SIG", free: ECDSA_SIG_free)
        var r: OpaquePointer? = nil
        var s: OpaquePointer? = nil
        ECDSA_SIG_get0(signature.pointer, &r, &s)
        var written = true
        // r and s are borrowed from the signature, which must stay alive while they are read.
        let raw = withExtendedLifetime(signature) {
            [UInt8](unsafeUninitializedCapacity: 2 * width) { buffer, count in
                let base = buffer.baseAddress!
                written =
                    BN_bn2binpad(r, base, Int32(width)) == Int32(width)
                    && BN_bn2binpad(s, base + width, Int32(width)) == Int32(width)
                count = written ? 2 * width : 0
            }
        }
        guard written else { throw OpenSSLFailure.error(.encodingFailed, "BN_bn2binpad") }
        return raw
    }

    /// The DER form of a raw `r || s` signature, or `nil` when it cannot be one (`ECDSA_SIG_set0`, `i2d_ECDSA_SIG`).
    static func der(fromRaw raw: [UInt8]) -> [UInt8]? {
        guard !raw.isEmpty, raw.count % 2 == 0 else { return nil }
        let half = raw.count / 2
        return raw.withUnsafeBufferPointer { buffer -> [UInt8]? in
            let base = buffer.baseAddress!
            guard let signature = OpenSSLHandle(ECDSA_SIG_new(), free: ECDSA_SIG_free) else { return nil }
            let r = BN_bin2bn(base, Int32(half), nil)
            let s = BN_bin2bn(base + half, Int32(half), nil)
            // On success ECDSA_SIG_set0 owns both numbers; otherwise they are still ours to free.
            guard let r, let s, ECDSA_SIG_set0(signature.pointer, r, s) == 1 else {
                BN_free(r)
                BN_free(s)
                OpenSSLFailure.discard()
                return nil
            }
            let length = i2d_ECDSA_SIG(signature.pointer, nil)
            guard length > 0 else { return nil }
            let der = [UInt8](unsafeUninitializedCapacity: Int(length)) { output, count in
                var cursor = output.baseAddress
                count = i2d_ECDSA_SIG(signature.pointer, &cursor) == length ? Int(length) : 0
            }
            return der.isEmpty ? nil : der
        }
    }
}
