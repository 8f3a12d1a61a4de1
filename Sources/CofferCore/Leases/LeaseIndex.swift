/// The token leases a node knows about: each token with an expiry, by its hash, and a queue that
/// yields them in order of expiry (DESIGN.md §3: leases are local data).
///
/// Only the active node fills it, from the token store's entries, and keeps it in step with every
/// create, renewal and revocation. The queue is a binary min-heap that may hold stale elements
/// (a renewal pushes a new one rather than searching for the old); an element counts only while
/// `leases` still records the same expiry for its hash.
struct LeaseIndex: Sendable {
    /// What the index keeps of one token's lease.
    struct Lease: Sendable, Equatable {
        /// The path the token was created through (`auth/token/create`, `auth/userpass/login/alice`).
        var path: String
        /// Seconds since the epoch.
        var expireTime: Int64
    }

    private struct Due: Sendable {
        var expireTime: Int64
        var hash: String
    }

    private(set) var leases: [String: Lease] = [:]
    private var queue: [Due] = []
    /// Whether every token in storage has been read in since the token store was opened.
    var isRestored = false

    /// The lease id Vault gives a token: the path it was created through, then its hash.
    static func leaseID(path: String, hash: String) -> String {
        path + "/" + hash
    }

    /// The creation path and token hash a lease id names; `nil` when it cannot name a token.
    static func parse(leaseID: String) -> (path: String, hash: String)? {
        guard let slash = leaseID.lastIndex(of: "/") else { return nil }
        let hash = leaseID[leaseID.index(after: slash)...]
        guard hash.utf8.count == 64, hash.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
        return (String(leaseID[..<slash]), String(hash))
    }

    /// How many leases are recorded.
    var count: Int { leases.count }

    /// Records (or moves) the lease of the token stored under `hash`.
    mutating func record(hash: String, path: String, expireTime: Int64) {
        leases[hash] = Lease(path: path, expireTime: expireTime)
        push(Due(expireTime: expireTime, hash: hash))
        if queue.count > 2 * leases.count + 1024 { rebuildQueue() }
    }

    /// Forgets a token's lease, once it is revoked.
    mutating func remove(_ hash: String) {
        leases.removeValue(forKey: hash)
    }

    /// Takes up to `limit` leases whose expiry is at or before `now` out of the index, earliest
    /// first. The caller revokes them, or records them again when storage says otherwise.
    mutating func takeDue(at now: Int64, limit: Int) -> [(hash: String, lease: Lease)] {
        var taken: [(hash: String, lease: Lease)] = []
        while taken.count < limit, let first = queue.first, first.expireTime <= now {
            popFirst()
            guard let lease = leases[first.hash], lease.expireTime == first.expireTime else { continue }
            leases.removeValue(forKey: first.hash)
            taken.append((first.hash, lease))
        }
        return taken
    }

    /// The hashes of the tokens whose lease id starts with `prefix`.
    func hashes(leaseIDPrefix prefix: String) -> [String] {
        leases.compactMap { hash, lease in
            Self.leaseID(path: lease.path, hash: hash).hasPrefix(prefix) ? hash : nil
        }
    }

    /// The next level of lease ids below `prefix` (which is empty or ends in `/`), as a storage
    /// listing shows it: a lease id's last part, or a folder name with its trailing `/`.
    func children(of prefix: String) -> [String] {
        var names: Set<String> = []
        for (hash, lease) in leases {
            let leaseID = Self.leaseID(path: lease.path, hash: hash)
            guard leaseID.hasPrefix(prefix) else { continue }
            let rest = leaseID.dropFirst(prefix.count)
            if let slash = rest.firstIndex(of: "/") {
                names.insert(String(rest[...slash]))
            } else {
                names.insert(String(rest))
            }
        }
        return names.sorted()
    }

    // MARK: Heap

    private mutating func rebuildQueue() {
        queue = []
        queue.reserveCapacity(leases.count)
        for (hash, lease) in leases { push(Due(expireTime: lease.expireTime, hash: hash)) }
    }

    private mutating func push(_ element: Due) {
        queue.append(element)
        var child = queue.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard queue[child].expireTime < queue[parent].expireTime else { break }
            queue.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popFirst() {
        let last = queue.removeLast()
        guard !queue.isEmpty else { return }
        queue[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < queue.count, queue[left].expireTime < queue[smallest].expireTime { smallest = left }
            if right < queue.count, queue[right].expireTime < queue[smallest].expireTime { smallest = right }
            guard smallest != parent else { return }
            queue.swapAt(parent, smallest)
            parent = smallest
        }
    }
}
