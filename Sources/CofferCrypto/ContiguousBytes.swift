extension Collection<UInt8> {
    /// Runs `body` over the bytes in contiguous memory, copying only collections that are not contiguous.
    ///
    /// The base address is never `nil`, even for no bytes, because OpenSSL reads a `NULL` key as "no key".
    func withContiguousBytes<Value, Failure: Error>(
        _ body: (UnsafeRawBufferPointer) throws(Failure) -> Value
    ) throws(Failure) -> Value {
        let direct = withContiguousStorageIfAvailable { buffer in
            Result { () throws(Failure) -> Value in try Self.withBase(UnsafeRawBufferPointer(buffer), body) }
        }
        if let direct { return try direct.get() }
        let copied = Array(self).withUnsafeBytes { buffer in
            Result { () throws(Failure) -> Value in try Self.withBase(buffer, body) }
        }
        return try copied.get()
    }

    private static func withBase<Value, Failure: Error>(
        _ buffer: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws(Failure) -> Value
    ) throws(Failure) -> Value {
        if buffer.baseAddress != nil { return try body(buffer) }
        var placeholder: UInt8 = 0
        let result = withUnsafeBytes(of: &placeholder) { scratch in
            Result { () throws(Failure) -> Value in
                try body(UnsafeRawBufferPointer(start: scratch.baseAddress, count: 0))
            }
        }
        return try result.get()
    }
}
