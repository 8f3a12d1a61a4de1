import CofferCrypto

/// One replicated entry's contribution to the Merkle index: its bucket and its leaf hash.
struct MerkleLeaf: Sendable {
    /// The bucket the entry's path falls in.
    let bucket: Int
    /// `SHA-256(u32 len(path) ‖ path ‖ SHA-256(value))`, big-endian length.
    let hash: [UInt8]

    /// The leaf of the entry at `path` holding `value`, in an index of `2^bucketBits` buckets.
    ///
    /// The path's length prefix keeps `(path, value)` pairs from sharing an encoding; hashing the value
    /// first lets the leaf be recomputed from a value digest alone.
    init(path: String, value: [UInt8], bucketBits: Int) {
        bucket = Self.bucket(of: path, bucketBits: bucketBits)
        let pathBytes = Array(path.utf8)
        let length = UInt32(truncatingIfNeeded: pathBytes.count)
        var input: [UInt8] = [
            UInt8(truncatingIfNeeded: length >> 24), UInt8(truncatingIfNeeded: length >> 16),
            UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length),
        ]
        input.reserveCapacity(4 + pathBytes.count + 32)
        input.append(contentsOf: pathBytes)
        input.append(contentsOf: SHA256.hash(value))
        hash = SHA256.hash(input)
    }

    /// The leaf hash as a number, for the bucket's sum.
    var sum: MerkleSum { MerkleSum(digest: hash) }

    /// The bucket of `path`: the first `bucketBits` bits of `SHA-256(path)`, which spreads the keys of one
    /// folder over all buckets.
    static func bucket(of path: String, bucketBits: Int) -> Int {
        guard bucketBits > 0 else { return 0 }
        let digest = SHA256.hash(Array(path.utf8))
        let leading = Int(digest[0]) << 8 | Int(digest[1])
        return leading >> (16 - bucketBits)
    }
}
