import CofferStorage

extension MerkleIndex {
    /// The buckets whose hashes differ between two indexes' `bucketHashes`, in ascending order.
    ///
    /// Lists of different lengths come from indexes with different bucket counts: every bucket differs then.
    public static func differingBuckets(_ first: [[UInt8]], _ second: [[UInt8]]) -> [Int] {
        guard first.count == second.count else { return Array(0..<max(first.count, second.count)) }
        return first.indices.filter { first[$0] != second[$0] }
    }

    /// The leaves of one bucket, sorted by path, computed from `storage`.
    ///
    /// Paths are not kept in memory (that would cost about as much as the key set itself), so this scans
    /// every key and hashes its path, then reads only the values in the bucket: O(keys) hashes and
    /// O(keys / bucketCount) reads. Ask for many buckets at once with `leaves(inBuckets:storage:)`.
    public func leaves(
        inBucket bucket: Int, storage: any Storage
    ) throws(StorageError) -> [(
        path: String, leafHash: [UInt8]
    )] {
        try leaves(inBuckets: [bucket], storage: storage)[bucket] ?? []
    }

    /// The leaves of several buckets from one scan of `storage`, sorted by path within each bucket.
    public func leaves(
        inBuckets buckets: Set<Int>, storage: any Storage
    ) throws(StorageError) -> [Int: [(
        path: String, leafHash: [UInt8]
    )]] {
        var result: [Int: [(path: String, leafHash: [UInt8])]] = [:]
        for path in try storage.keys(prefix: "") where WALDataClass.replicates(path) {
            let bucket = bucket(of: path)
            guard buckets.contains(bucket), let value = try storage.get(path) else { continue }
            result[bucket, default: []].append((path, Self.leafHash(path: path, value: value)))
        }
        return result
    }

    /// What a secondary holding `local` must change to match `remote`, given both sides' leaves of the
    /// same buckets.
    ///
    /// - Returns: `fetch`: the paths whose entry is missing or different locally; `delete`: the paths only
    ///   the local side holds. Both sorted.
    public static func reconcile(
        local: [(path: String, leafHash: [UInt8])],
        remote: [(path: String, leafHash: [UInt8])]
    ) -> (fetch: [String], delete: [String]) {
        var localLeaves: [String: [UInt8]] = [:]
        for leaf in local {
            localLeaves[leaf.path] = leaf.leafHash
        }
        var remotePaths = Set<String>()
        var fetch: [String] = []
        for leaf in remote {
            remotePaths.insert(leaf.path)
            if localLeaves[leaf.path] != leaf.leafHash {
                fetch.append(leaf.path)
            }
        }
        let delete = localLeaves.keys.filter { !remotePaths.contains($0) }
        return (fetch.sorted(), delete.sorted())
    }
}
