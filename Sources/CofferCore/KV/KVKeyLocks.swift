import Synchronization

/// Striped locks that serialise the read-modify-write cycles of KV v2 keys.
///
/// Process-wide rather than per backend value, so that two values serving the same mount still
/// exclude each other; keys are absolute storage keys, so different mounts rarely share a stripe.
final class KVKeyLocks: Sendable {
    /// The locks every KV v2 backend in this process uses.
    static let shared = KVKeyLocks(stripes: 256)

    private final class Stripe: Sendable {
        let mutex = Mutex(())
    }

    private let stripes: [Stripe]

    /// A set of `stripes` locks; more stripes mean fewer unrelated keys waiting on each other.
    init(stripes: Int) {
        self.stripes = (0..<max(1, stripes)).map { _ in Stripe() }
    }

    /// Runs `body` while holding the stripe of `key`; callers take one stripe at a time.
    func withLock<Result: Sendable>(
        _ key: String, _ body: () throws(CofferError) -> Result
    ) throws(CofferError) -> Result {
        let index = Int(UInt(bitPattern: key.hashValue) % UInt(stripes.count))
        return try stripes[index].mutex.withLock { _ throws(CofferError) -> Result in try body() }
    }
}
