import CofferBase
import CofferCrypto
import CofferStorage
import Synchronization

/// A hash over every replicated entry `(path, ciphertext)` in storage, comparable between primary and
/// secondary (DESIGN.md §4, `merkle-diff`).
///
/// Paths fall into `bucketCount` buckets by the leading bits of `SHA-256(path)`. A bucket's hash is the sum
/// modulo 2^256 of its leaves' hashes (`MerkleLeaf`): a multiset hash, so a write updates it in O(1) given
/// the old and new value, and the order of writes does not matter. Addition rather than XOR, at the same
/// cost: whoever can choose a few hundred entries makes XOR sums collide by solving linear equations over
/// GF(2), while colliding modular sums takes a far costlier generalised-birthday search. The hash detects
/// divergence between replicas of the primary's data; it authenticates nothing. The root is the first 20
/// bytes of SHA-256 over the bucket hashes in order, shown as 40 hex digits like Vault's `merkle_root`.
///
/// The index lives in memory only: build it with `rebuild(from:)` when the node starts serving, then keep
/// it current with the commit hook from `hook(storage:)`. Every method is safe to call from any thread.
public final class MerkleIndex: Sendable {
    /// The default number of buckets: 4096, the first 12 bits of the path's digest.
    public static let defaultBucketCount = 4096

    /// Buckets and the cached root, guarded together so that a root always matches its buckets.
    private struct State {
        var buckets: [MerkleSum]
        var root: [UInt8]?
        var stale = false
    }

    /// The number of buckets, a power of two.
    public let bucketCount: Int
    /// log2 of `bucketCount`: how many leading bits of the path's digest pick the bucket.
    let bucketBits: Int
    private let state: Mutex<State>

    /// An empty index (the index of a storage without replicated entries).
    ///
    /// - Parameter bucketCount: a power of two from 1 to 65536; both sides of a comparison must agree.
    public init(bucketCount: Int = defaultBucketCount) {
        precondition(
            bucketCount >= 1 && bucketCount <= 65536 && bucketCount & (bucketCount - 1) == 0,
            "the Merkle bucket count must be a power of two from 1 to 65536")
        self.bucketCount = bucketCount
        bucketBits = bucketCount.trailingZeroBitCount
        state = Mutex(State(buckets: Array(repeating: .zero, count: bucketCount)))
    }

    /// The 20-byte root over all bucket hashes.
    public var root: [UInt8] {
        state.withLock { state in
            if let root = state.root { return root }
            // About 128 KiB of hashing with the default buckets: cached until the next change.
            var concatenated: [UInt8] = []
            concatenated.reserveCapacity(32 * state.buckets.count)
            for bucket in state.buckets {
                bucket.append(to: &concatenated)
            }
            let root = Array(SHA256.hash(concatenated).prefix(20))
            state.root = root
            return root
        }
    }

    /// The root as 40 lowercase hex digits.
    public var rootHex: String {
        Hex.encode(root)
    }

    /// The 32-byte hash of every bucket, in bucket order.
    public var bucketHashes: [[UInt8]] {
        state.withLock { $0.buckets.map(\.bytes) }
    }

    /// Whether a change was missed (the commit hook could not read an old value): `rebuild(from:)` is due.
    public var isStale: Bool {
        state.withLock { $0.stale }
    }

    /// The bucket of `path`.
    public func bucket(of path: String) -> Int {
        MerkleLeaf.bucket(of: path, bucketBits: bucketBits)
    }

    /// The leaf hash of the entry at `path` holding `value`.
    public static func leafHash(path: String, value: [UInt8]) -> [UInt8] {
        MerkleLeaf(path: path, value: value, bucketBits: 0).hash
    }

    /// Records that the entry at `path` changed from `old` to `new` (`nil` meaning absent).
    ///
    /// Local paths are ignored, so callers may pass every change.
    public func update(path: String, old: [UInt8]?, new: [UInt8]?) {
        guard WALDataClass.replicates(path) else { return }
        let removed = old.map { MerkleLeaf(path: path, value: $0, bucketBits: bucketBits) }
        let added = new.map { MerkleLeaf(path: path, value: $0, bucketBits: bucketBits) }
        apply([(removed, added)])
    }

    /// Replaces the whole index with one computed from every replicated entry of `storage`.
    ///
    /// Reads every key and every value: O(entries) reads and hashes. The result is exact only when no
    /// replicated entry changes during the scan, so call it before the node accepts writes (at unseal or
    /// when becoming active) or while the secondary's applier is idle.
    ///
    /// - Throws: the storage's error; the index is then left unchanged.
    public func rebuild(from storage: any Storage) throws(StorageError) {
        var buckets = Array(repeating: MerkleSum.zero, count: bucketCount)
        for path in try storage.keys(prefix: "") where WALDataClass.replicates(path) {
            // A key deleted between the listing and the read is simply absent.
            guard let value = try storage.get(path) else { continue }
            let leaf = MerkleLeaf(path: path, value: value, bucketBits: bucketBits)
            buckets[leaf.bucket].add(leaf.sum)
        }
        state.withLock { state in
            state = State(buckets: buckets)
        }
    }

    /// A commit hook that keeps this index current with the replicated writes committed to `storage`.
    ///
    /// Install it on the primary (in a `CommitHookChain` with the `WriteAheadLog`) and on the secondary,
    /// where it sees the writes of `WALApplier` and of a merkle sync.
    public func hook(storage: any Storage) -> MerkleCommitHook {
        MerkleCommitHook(index: self, storage: storage)
    }

    /// Moves each old leaf out of and each new leaf into its bucket; hashing happened before the lock.
    func apply(_ changes: [(old: MerkleLeaf?, new: MerkleLeaf?)]) {
        guard !changes.isEmpty else { return }
        state.withLock { state in
            for change in changes {
                if let old = change.old { state.buckets[old.bucket].subtract(old.sum) }
                if let new = change.new { state.buckets[new.bucket].add(new.sum) }
            }
            state.root = nil
        }
    }

    /// Flags the index as missing a change, until the next `rebuild(from:)`.
    func markStale() {
        state.withLock { $0.stale = true }
    }
}
