/// Collects the header lines and body bytes libcurl delivers during one transfer.
final class ResponseAccumulator {
    /// The header lines of the latest response, in arrival order.
    private(set) var headers: [(name: String, value: String)] = []
    /// The body bytes received so far.
    private(set) var body: [UInt8] = []

    /// libcurl's `CURLOPT_WRITEFUNCTION`; the user data is an unretained accumulator.
    static let receiveBody: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int = {
        data, size, count, userData in
        guard let userData else { return 0 }
        let length = size * count
        guard let data, length > 0 else { return length }
        let accumulator = Unmanaged<ResponseAccumulator>.fromOpaque(userData).takeUnretainedValue()
        accumulator.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length))
        return length
    }

    /// libcurl's `CURLOPT_HEADERFUNCTION`, called once per complete header line.
    static let receiveHeader: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int =
        {
            data, size, count, userData in
            guard let userData else { return 0 }
            let length = size * count
            guard let data, length > 0 else { return length }
            let accumulator = Unmanaged<ResponseAccumulator>.fromOpaque(userData).takeUnretainedValue()
            accumulator.headerLine(UnsafeRawBufferPointer(start: data, count: length))
            return length
        }

    private func headerLine(_ raw: UnsafeRawBufferPointer) {
        var end = raw.count
        while end > 0, raw[end - 1] == UInt8(ascii: "\n") || raw[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let line = String(decoding: UnsafeRawBufferPointer(rebasing: raw[..<end]), as: UTF8.self)
        // A status line starts a new response (after 100 Continue or a followed redirect).
        if line.hasPrefix("HTTP/") {
            headers.removeAll()
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = String(line[..<colon])
        let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
        headers.append((name: name, value: String(value)))
    }
}
