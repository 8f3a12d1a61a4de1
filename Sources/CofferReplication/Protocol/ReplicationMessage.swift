import CofferBase

/// The plan a primary chooses for a connecting secondary.
enum StreamPlan: UInt8, Sendable {
    /// Continue streaming WAL after the secondary's `last_remote_wal`.
    case stream = 0
    /// The WAL it needs is gone or from another history: compare Merkle trees, then stream.
    case merkleSync = 1
    /// First activation: keyring, full snapshot, then stream.
    case bootstrap = 2
}

/// One message of the replication conversation, encoded as one frame.
enum ReplicationMessage: Sendable, Equatable {
    case hello(Hello)
    case welcome(Welcome)
    case keyring([UInt8])
    case entries([Entry])
    case entriesEnd(index: UInt64)
    case walBatch([[UInt8]])
    case ack(index: UInt64)
    case heartbeat(milliseconds: UInt64, index: UInt64)
    case merkleBuckets([[UInt8]])
    case merkleLeaves([BucketLeaves])
    case syncRequest([String])
    case forward(Forwarded)
    case forwardResult(id: UInt64, status: Int, body: [UInt8], index: UInt64)
    case failure(String)
    case announcePrimary(clusterID: String, address: String)

    struct Hello: Sendable, Equatable {
        var clusterID: String
        var secondaryID: String
        var lastRemoteIndex: UInt64
        /// The identity of the WAL history the secondary followed; another one means a merkle sync.
        var logID: String
        var merkleRoot: String
        var wantsBootstrap: Bool
    }

    struct Welcome: Sendable, Equatable {
        var plan: StreamPlan
        var lastIndex: UInt64
        var logID: String
        var clusterAddresses: [String]
        var apiAddress: String
    }

    /// A replicated entry; `value == nil` means the path no longer exists.
    struct Entry: Sendable, Equatable {
        var path: String
        var value: [UInt8]?
    }

    struct BucketLeaves: Sendable, Equatable {
        var bucket: Int
        var leaves: [Leaf]
    }

    struct Leaf: Sendable, Equatable {
        var path: String
        var hash: [UInt8]
    }

    struct Forwarded: Sendable, Equatable {
        var id: UInt64
        var method: String
        var path: String
        var query: [String: String]
        var body: [UInt8]
    }
}

extension ReplicationMessage {
    /// The frame that carries this message.
    func frame() -> Frame {
        var writer = BinaryWriter()
        let type: MessageType
        switch self {
        case .hello(let hello):
            type = .hello
            writer.writeString(hello.clusterID)
            writer.writeString(hello.secondaryID)
            writer.writeUInt64(hello.lastRemoteIndex)
            writer.writeString(hello.logID)
            writer.writeString(hello.merkleRoot)
            writer.writeBool(hello.wantsBootstrap)
        case .welcome(let welcome):
            type = .welcome
            writer.writeUInt8(welcome.plan.rawValue)
            writer.writeUInt64(welcome.lastIndex)
            writer.writeString(welcome.logID)
            writer.writeStrings(welcome.clusterAddresses)
            writer.writeString(welcome.apiAddress)
        case .keyring(let bytes):
            type = .keyring
            writer.writeBytes(bytes)
        case .entries(let entries):
            type = .entries
            writer.writeUInt32(UInt32(entries.count))
            for entry in entries {
                writer.writeString(entry.path)
                writer.writeBool(entry.value != nil)
                writer.writeBytes(entry.value ?? [])
            }
        case .entriesEnd(let index):
            type = .entriesEnd
            writer.writeUInt64(index)
        case .walBatch(let records):
            type = .walBatch
            writer.writeUInt32(UInt32(records.count))
            for record in records { writer.writeBytes(record) }
        case .ack(let index):
            type = .ack
            writer.writeUInt64(index)
        case .heartbeat(let milliseconds, let index):
            type = .heartbeat
            writer.writeUInt64(milliseconds)
            writer.writeUInt64(index)
        case .merkleBuckets(let buckets):
            type = .merkleBuckets
            writer.writeUInt32(UInt32(buckets.count))
            for bucket in buckets { writer.writeBytes(bucket) }
        case .merkleLeaves(let buckets):
            type = .merkleLeaves
            writer.writeUInt32(UInt32(buckets.count))
            for bucket in buckets {
                writer.writeUInt32(UInt32(bucket.bucket))
                writer.writeUInt32(UInt32(bucket.leaves.count))
                for leaf in bucket.leaves {
                    writer.writeString(leaf.path)
                    writer.writeBytes(leaf.hash)
                }
            }
        case .syncRequest(let paths):
            type = .syncRequest
            writer.writeStrings(paths)
        case .forward(let forwarded):
            type = .forward
            writer.writeUInt64(forwarded.id)
            writer.writeString(forwarded.method)
            writer.writeString(forwarded.path)
            writer.writeUInt32(UInt32(forwarded.query.count))
            for (key, value) in forwarded.query.sorted(by: { $0.key < $1.key }) {
                writer.writeString(key)
                writer.writeString(value)
            }
            writer.writeBytes(forwarded.body)
        case .forwardResult(let id, let status, let body, let index):
            type = .forwardResult
            writer.writeUInt64(id)
            writer.writeUInt16(UInt16(clamping: status))
            writer.writeBytes(body)
            writer.writeUInt64(index)
        case .failure(let reason):
            type = .failure
            writer.writeString(reason)
        case .announcePrimary(let clusterID, let address):
            type = .announcePrimary
            writer.writeString(clusterID)
            writer.writeString(address)
        }
        return Frame(type: type.rawValue, version: 1, payload: writer.bytes)
    }

    /// Decodes a frame; unknown types, versions and malformed payloads are protocol violations.
    init(frame: Frame) throws(FrameError) {
        guard frame.version == 1, let type = MessageType(rawValue: frame.type) else {
            throw FrameError(.malformed, "unknown replication frame type \(frame.type) version \(frame.version)")
        }
        var reader = BinaryReader(frame.payload)
        switch type {
        case .hello:
            self = .hello(
                Hello(
                    clusterID: try reader.readString(), secondaryID: try reader.readString(),
                    lastRemoteIndex: try reader.readUInt64(), logID: try reader.readString(),
                    merkleRoot: try reader.readString(), wantsBootstrap: try reader.readBool()))
        case .welcome:
            guard let plan = StreamPlan(rawValue: try reader.readUInt8()) else {
                throw FrameError(.malformed, "unknown stream plan")
            }
            self = .welcome(
                Welcome(
                    plan: plan, lastIndex: try reader.readUInt64(), logID: try reader.readString(),
                    clusterAddresses: try reader.readStrings(), apiAddress: try reader.readString()))
        case .keyring:
            self = .keyring(try reader.readBytes())
        case .entries:
            var entries: [Entry] = []
            for _ in 0..<(try reader.readCount()) {
                let path = try reader.readString()
                let present = try reader.readBool()
                let value = try reader.readBytes()
                entries.append(Entry(path: path, value: present ? value : nil))
            }
            self = .entries(entries)
        case .entriesEnd:
            self = .entriesEnd(index: try reader.readUInt64())
        case .walBatch:
            var records: [[UInt8]] = []
            for _ in 0..<(try reader.readCount()) { records.append(try reader.readBytes()) }
            self = .walBatch(records)
        case .ack:
            self = .ack(index: try reader.readUInt64())
        case .heartbeat:
            self = .heartbeat(milliseconds: try reader.readUInt64(), index: try reader.readUInt64())
        case .merkleBuckets:
            var buckets: [[UInt8]] = []
            for _ in 0..<(try reader.readCount()) { buckets.append(try reader.readBytes()) }
            self = .merkleBuckets(buckets)
        case .merkleLeaves:
            var buckets: [BucketLeaves] = []
            for _ in 0..<(try reader.readCount()) {
                let bucket = Int(try reader.readUInt32())
                var leaves: [Leaf] = []
                for _ in 0..<(try reader.readCount()) {
                    leaves.append(Leaf(path: try reader.readString(), hash: try reader.readBytes()))
                }
                buckets.append(BucketLeaves(bucket: bucket, leaves: leaves))
            }
            self = .merkleLeaves(buckets)
        case .syncRequest:
            self = .syncRequest(try reader.readStrings())
        case .forward:
            let id = try reader.readUInt64()
            let method = try reader.readString()
            let path = try reader.readString()
            var query: [String: String] = [:]
            for _ in 0..<(try reader.readCount()) { query[try reader.readString()] = try reader.readString() }
            self = .forward(Forwarded(id: id, method: method, path: path, query: query, body: try reader.readBytes()))
        case .forwardResult:
            self = .forwardResult(
                id: try reader.readUInt64(), status: Int(try reader.readUInt16()), body: try reader.readBytes(),
                index: try reader.readUInt64())
        case .failure:
            self = .failure(try reader.readString())
        case .announcePrimary:
            self = .announcePrimary(clusterID: try reader.readString(), address: try reader.readString())
        }
        try reader.finish()
    }
}

extension BinaryWriter {
    fileprivate mutating func writeStrings(_ values: [String]) {
        writeUInt32(UInt32(values.count))
        for value in values { writeString(value) }
    }
}

extension BinaryReader {
    /// A count prefix, bounded by what is left so a forged count cannot make a huge loop.
    fileprivate mutating func readCount() throws(FrameError) -> Int {
        let count = Int(try readUInt32())
        guard count <= remainingCount else { throw FrameError(.malformed, "element count exceeds the frame") }
        return count
    }

    fileprivate mutating func readStrings() throws(FrameError) -> [String] {
        var values: [String] = []
        for _ in 0..<(try readCount()) { values.append(try readString()) }
        return values
    }
}
