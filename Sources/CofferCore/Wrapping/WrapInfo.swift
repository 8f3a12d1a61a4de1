import CofferBase

/// What a client receives in place of a wrapped response: the envelope's `wrap_info` member.
public struct WrapInfo: Sendable, Equatable {
    /// The wrapping token as handed out: opaque, or a JWT around the opaque token.
    public var token: String
    /// The wrapping token's accessor.
    public var accessor: String
    /// Seconds the token lives.
    public var ttl: Int64
    /// When the response was wrapped.
    public var creationTime: Timestamp
    /// The request path whose response was wrapped.
    public var creationPath: String
    /// The accessor of the token inside the wrapped response, empty when it holds none.
    public var wrappedAccessor: String

    /// The `wrap_info` object as Vault renders it.
    public var json: JSON {
        [
            "token": .string(token), "accessor": .string(accessor), "ttl": .int(ttl),
            "creation_time": .string(Clock.rfc3339(creationTime)), "creation_path": .string(creationPath),
            "wrapped_accessor": .string(wrappedAccessor),
        ]
    }
}
