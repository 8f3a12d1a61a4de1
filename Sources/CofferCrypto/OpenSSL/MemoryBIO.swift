import COpenSSL

/// An in-memory `BIO` for PEM input and output, wiped when freed (`BIO_s_secmem`).
final class MemoryBIO {
    /// The owned `BIO`.
    let pointer: OpaquePointer

    /// An empty BIO to write into.
    init() throws(CryptoError) {
        pointer = try OpenSSLFailure.require(BIO_new(BIO_s_secmem()), .internalFailure, "BIO_new")
    }

    /// A BIO holding a copy of `text`, ready to be read.
    convenience init(reading text: String) throws(CryptoError) {
        try self.init()
        var bytes = Array(text.utf8)
        guard bytes.count < Int32.max else { throw CryptoError(.invalidInput, "PEM text is too large") }
        let written = BIO_write(pointer, &bytes, Int32(bytes.count))
        guard bytes.isEmpty || written == Int32(bytes.count) else {
            throw OpenSSLFailure.error(.internalFailure, "BIO_write")
        }
    }

    deinit { BIO_free(pointer) }

    /// Everything written so far, as UTF-8 text.
    var text: String {
        var data: UnsafeMutablePointer<CChar>? = nil
        let length = coffer_BIO_get_mem_data(pointer, &data)
        guard let data, length > 0 else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    /// A PEM passphrase callback that supplies none, so encrypted PEM fails instead of prompting on a terminal.
    static let noPassphrase:
        @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?)
            -> Int32 = { _, _, _, _ in 0 }
}
