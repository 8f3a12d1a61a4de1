import CofferBase

/// A stored wrapped response: the original body and what `sys/wrapping/lookup` reports about it.
struct WrappedResponse: Sendable, Equatable {
    /// The response body exactly as it was serialized for the wire; empty for a body-less response.
    var body: [UInt8]
    /// When the response was wrapped.
    var creationTime: Timestamp
    /// Seconds the wrapping token lives from `creationTime`.
    var ttl: Int64
    /// The request path whose response was wrapped.
    var creationPath: String
    /// The wrapping token's accessor.
    var accessor: String
    /// The accessor of the token inside the wrapped response, empty when it holds none.
    var wrappedAccessor: String

    /// The instant from which the wrapping token is no longer valid.
    var expiry: Timestamp { creationTime.adding(seconds: ttl) }

    /// Whether the token has lived its TTL at `now`.
    func isExpired(at now: Timestamp) -> Bool { now >= expiry }

    /// The `data` of a `sys/wrapping/lookup` response.
    var lookupData: [String: JSON] {
        [
            "creation_ttl": .int(ttl), "creation_time": .string(Clock.rfc3339(creationTime)),
            "creation_path": .string(creationPath),
        ]
    }

    /// The stored form.
    func serialized() -> [UInt8] {
        let record: JSON = [
            "body": .string(Base64.encode(body)), "created": .int(creationTime.seconds),
            "created_ns": .int(Int64(creationTime.nanoseconds)), "ttl": .int(ttl),
            "creation_path": .string(creationPath), "accessor": .string(accessor),
            "wrapped_accessor": .string(wrappedAccessor),
        ]
        return record.serialized()
    }

    /// Reads the stored form; `nil` when it is malformed.
    static func deserialize(_ bytes: [UInt8]) -> WrappedResponse? {
        guard let record = try? JSON.parse(bytes),
            let body = record["body"]?.stringValue.flatMap(Base64.decode),
            let seconds = record["created"]?.intValue, let nanoseconds = record["created_ns"]?.intValue,
            let ttl = record["ttl"]?.intValue, let creationPath = record["creation_path"]?.stringValue,
            let accessor = record["accessor"]?.stringValue,
            let wrappedAccessor = record["wrapped_accessor"]?.stringValue
        else { return nil }
        return WrappedResponse(
            body: body, creationTime: Timestamp(seconds: seconds, nanoseconds: Int32(clamping: nanoseconds)),
            ttl: ttl, creationPath: creationPath, accessor: accessor, wrappedAccessor: wrappedAccessor)
    }
}
