import CofferBase

/// PEM armour (RFC 7468) around DER, written the way OpenSSL writes it: 64 base64 characters per line.
enum PEMText {
    /// `-----BEGIN <label>-----`, the base64 of `der` in 64-column lines, `-----END <label>-----`.
    static func encode(_ der: [UInt8], label: String) -> String {
        let body = Array(Base64.encode(der).utf8)
        var text = "-----BEGIN \(label)-----\n"
        var start = 0
        while start < body.count {
            let end = Swift.min(start + 64, body.count)
            text += String(decoding: body[start..<end], as: UTF8.self) + "\n"
            start = end
        }
        return text + "-----END \(label)-----\n"
    }
}
