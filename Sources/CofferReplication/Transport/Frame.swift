/// One message on the cluster port: a type, a version of that type's layout, and an opaque payload.
///
/// On the wire a frame is `u32 big-endian length of what follows ‖ u8 type ‖ u8 version ‖ payload`.
public struct Frame: Sendable, Equatable {
    /// The message type; the replication layer defines the values, except ``acceptanceType``.
    public var type: UInt8
    /// The layout version of this message type.
    public var version: UInt8
    /// The message body, usually written with ``BinaryWriter``.
    public var payload: [UInt8]

    /// A frame of `type` and `version` carrying `payload`.
    public init(type: UInt8, version: UInt8 = 1, payload: [UInt8] = []) {
        self.type = type
        self.version = version
        self.payload = payload
    }

    /// The type the transport itself uses: the listener's first frame, saying that it accepted the peer.
    ///
    /// ``ClusterDialer`` consumes it before returning a connection, so message types above it never
    /// meet it; message types must start at 1.
    public static let acceptanceType: UInt8 = 0

    /// Bytes in front of the payload: the length field, the type and the version.
    public static let headerSize = 6
}
