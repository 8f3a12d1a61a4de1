import CCurl
import COpenSSL

/// An ALPN protocol list in wire format, installed into each new `SSL_CTX` that libcurl creates.
///
/// libcurl 7.88 has no option for a custom ALPN name, only on/off and its HTTP versions. Its OpenSSL
/// backend calls `CURLOPT_SSL_CTX_FUNCTION` after setting up the context, and a list set there is what the
/// ClientHello offers.
final class ALPNProtocolList: Sendable {
    /// The length-prefixed protocol name, as `SSL_CTX_set_alpn_protos` takes it.
    let wire: [UInt8]

    /// Encodes one protocol name (at most 255 bytes are used).
    init(_ name: String) {
        let bytes = Array(name.utf8.prefix(255))
        wire = [UInt8(bytes.count)] + bytes
    }

    /// The `CURLOPT_SSL_CTX_FUNCTION` callback; its user data is an unretained `ALPNProtocolList`.
    static let install:
        @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> CURLcode = {
            _, sslContext, userData in
            guard let sslContext, let userData else { return CURLE_OK }
            let list = Unmanaged<ALPNProtocolList>.fromOpaque(userData).takeUnretainedValue()
            // SSL_CTX_set_alpn_protos returns 0 on success, unlike most of OpenSSL.
            let result = list.wire.withUnsafeBufferPointer {
                SSL_CTX_set_alpn_protos(OpaquePointer(sslContext), $0.baseAddress, UInt32($0.count))
            }
            return result == 0 ? CURLE_OK : CURLE_SSL_CONNECT_ERROR
        }
}
