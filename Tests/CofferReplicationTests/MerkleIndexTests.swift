import CofferReplication
import CofferStorage
import Testing

@Suite struct MerkleIndexTests {
    private static let entries: [(path: String, value: [UInt8])] = (0..<300).map { number in
        ("secret/data/app\(number)", walBytes("ciphertext-\(number * 7919)"))
    }

    private func index(of entries: [(path: String, value: [UInt8])]) -> MerkleIndex {
        let index = MerkleIndex()
        for entry in entries {
            index.update(path: entry.path, old: nil, new: entry.value)
        }
        return index
    }

    @Test func sameEntriesInAnyOrderGiveTheSameRoot() {
        let forward = index(of: Self.entries)
        let shuffled = index(of: Self.entries.shuffled())
        #expect(forward.rootHex == shuffled.rootHex)
        #expect(forward.bucketHashes == shuffled.bucketHashes)
        #expect(forward.rootHex.count == 40)
        #expect(forward.rootHex != MerkleIndex().rootHex)
    }

    @Test func oneChangedByteChangesTheRootAndExactlyOneBucket() {
        var changed = Self.entries
        changed[123].value[3] ^= 1
        let original = index(of: Self.entries)
        let modified = index(of: changed)

        #expect(original.rootHex != modified.rootHex)
        let differing = MerkleIndex.differingBuckets(original.bucketHashes, modified.bucketHashes)
        #expect(differing == [original.bucket(of: changed[123].path)])
    }

    @Test func updatingAnEntryEqualsWritingItsFinalValue() {
        let updated = index(of: Self.entries)
        updated.update(path: "secret/data/app5", old: Self.entries[5].value, new: walBytes("new"))
        updated.update(path: "secret/data/app6", old: Self.entries[6].value, new: nil)

        var expected = Self.entries
        expected[5].value = walBytes("new")
        expected.remove(at: 6)
        #expect(updated.rootHex == index(of: expected).rootHex)
    }

    @Test func localPathsDoNotCount() {
        let index = index(of: Self.entries)
        let before = index.rootHex
        index.update(path: "local/tokens/abc", old: nil, new: walBytes("token"))
        #expect(index.rootHex == before)
    }

    @Test(arguments: WALBackend.allCases)
    func rebuildFromStorageEqualsIncrementalUpdates(backend: WALBackend) throws {
        try backend.withStorage { storage in
            let incremental = MerkleIndex()
            storage.setCommitHook(incremental.hook(storage: storage))
            for entry in Self.entries {
                try storage.put(entry.path, entry.value)
            }
            try storage.commit([
                .put(key: "secret/data/app1", value: walBytes("first")),
                .put(key: "secret/data/app1", value: walBytes("second")),
                .delete(key: "secret/data/app2"),
                .put(key: "secret/data/new", value: walBytes("n")),
                .delete(key: "secret/data/new"),
                .delete(key: "secret/never-existed"),
                .put(key: "local/leases/l", value: walBytes("lease")),
            ])
            let rebuilt = MerkleIndex()
            try rebuilt.rebuild(from: storage)

            #expect(rebuilt.rootHex == incremental.rootHex)
            #expect(rebuilt.bucketHashes == incremental.bucketHashes)
            #expect(rebuilt.rootHex != index(of: Self.entries).rootHex)
        }
    }

    @Test func smallerBucketCountsWork() {
        let index = MerkleIndex(bucketCount: 16)
        index.update(path: "secret/a", old: nil, new: walBytes("a"))
        #expect(index.bucketHashes.count == 16)
        #expect((0..<16).contains(index.bucket(of: "secret/a")))
        #expect(MerkleIndex.differingBuckets(index.bucketHashes, MerkleIndex().bucketHashes).count == 4096)
    }

    @Test func reconcileFetchesMissingAndDifferentEntriesAndDeletesExtraOnes() {
        let local = [
            (path: "a", leafHash: [UInt8](repeating: 1, count: 32)),
            (path: "b", leafHash: [UInt8](repeating: 2, count: 32)),
            (path: "c", leafHash: [UInt8](repeating: 3, count: 32)),
        ]
        let remote = [
            (path: "d", leafHash: [UInt8](repeating: 4, count: 32)),
            (path: "b", leafHash: [UInt8](repeating: 9, count: 32)),
            (path: "a", leafHash: [UInt8](repeating: 1, count: 32)),
        ]
        let plan = MerkleIndex.reconcile(local: local, remote: remote)
        #expect(plan.fetch == ["b", "d"])
        #expect(plan.delete == ["c"])
    }

    @Test func diffOfBucketsAndTheirLeavesBringsTwoStoragesLevel() throws {
        let primary = InMemoryStorage()
        let secondary = InMemoryStorage()
        for entry in Self.entries {
            try primary.put(entry.path, entry.value)
            try secondary.put(entry.path, entry.value)
        }
        try primary.commit([
            .put(key: "secret/data/app7", value: walBytes("newer")),
            .put(key: "secret/only-primary", value: walBytes("p")),
        ])
        try secondary.commit([
            .delete(key: "secret/data/app8"), .put(key: "secret/only-secondary", value: walBytes("s")),
        ])
        try secondary.put("local/tokens/t", walBytes("kept"))
        let primaryIndex = MerkleIndex()
        let secondaryIndex = MerkleIndex()
        try primaryIndex.rebuild(from: primary)
        try secondaryIndex.rebuild(from: secondary)
        secondary.setCommitHook(secondaryIndex.hook(storage: secondary))

        let buckets = MerkleIndex.differingBuckets(primaryIndex.bucketHashes, secondaryIndex.bucketHashes)
        #expect(!buckets.isEmpty && buckets.count <= 4)
        let remote = try primaryIndex.leaves(inBuckets: Set(buckets), storage: primary)
        for bucket in buckets {
            let plan = MerkleIndex.reconcile(
                local: try secondaryIndex.leaves(inBucket: bucket, storage: secondary), remote: remote[bucket] ?? [])
            let fetched = try plan.fetch.map { path in
                StorageOperation.put(key: path, value: try #require(try primary.get(path)))
            }
            try secondary.commit(fetched + plan.delete.map { StorageOperation.delete(key: $0) })
        }

        #expect(secondaryIndex.rootHex == primaryIndex.rootHex)
        #expect(try secondary.get("secret/only-secondary") == nil)
        #expect(try secondary.get("secret/data/app8") == Self.entries[8].value)
        #expect(try secondary.get("local/tokens/t") == walBytes("kept"))
    }

    @Test(arguments: WALBackend.allCases)
    func primaryWithLogAndSecondaryWithApplierReachTheSameRoot(backend: WALBackend) throws {
        try backend.withStorage { primary in
            let secondary = InMemoryStorage()
            let primaryIndex = MerkleIndex()
            let secondaryIndex = MerkleIndex()
            let wal = try WriteAheadLog(storage: primary, maxRecords: 1_000)
            primary.setCommitHook(CommitHookChain([wal, primaryIndex.hook(storage: primary)]))
            secondary.setCommitHook(secondaryIndex.hook(storage: secondary))
            let applier = try WALApplier(storage: secondary)
            try secondary.put("local/tokens/secondary", walBytes("own"))

            for (number, entry) in Self.entries.enumerated() {
                try primary.commit([
                    .put(key: entry.path, value: entry.value), .put(key: "local/leases/\(number)", value: [1]),
                ])
                if number % 3 == 0 {
                    try primary.delete(Self.entries[number / 2].path)
                }
            }
            while case .records(let records) = try wal.records(
                after: applier.lastRemoteIndex, maxCount: 64, maxBytes: 1 << 20),
                !records.isEmpty
            {
                try applier.apply(records)
            }

            #expect(applier.lastRemoteIndex == wal.lastIndex)
            #expect(secondaryIndex.rootHex == primaryIndex.rootHex)
            let rebuilt = MerkleIndex()
            try rebuilt.rebuild(from: secondary)
            #expect(rebuilt.rootHex == primaryIndex.rootHex)
            #expect(try secondary.get("local/tokens/secondary") == walBytes("own"))
        }
    }
}
