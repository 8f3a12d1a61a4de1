import CofferBase
import Synchronization

/// Revokes tokens whose TTL has run out, on a thread of its own, while this node serves.
///
/// Only a node that serves (unsealed, and the active node when HA is on) revokes: standbys share
/// the active node's storage and leave its tokens alone. Each time the node starts serving, the
/// token store it serves with reads its lease index in from storage, so a token that expired
/// while no node was up is revoked in the first round. A round revokes at most `batchLimit`
/// tokens; when more are due, the next round follows at once, and each revocation takes the
/// token store's lock on its own, so requests interleave with a long backlog.
final class ExpirationManager: Sendable {
    /// Tokens revoked per round at most.
    static let batchLimit = 128
    /// Time between rounds when nothing more is due. Expiry times are whole seconds, so a token
    /// is revoked at most about this long after it expires.
    static let periodMilliseconds = 1000

    private let logger: Logger
    private let generation = Atomic<Int>(0)
    private let wakeup = ConditionLock()

    init(logger: Logger) {
        self.logger = logger
    }

    /// Starts revoking for `core` on a new thread; a thread started earlier stops at its next check.
    /// The thread holds the core weakly and ends when the core is gone.
    func start(for core: Core) {
        let mine = generation.add(1, ordering: .sequentiallyConsistent).newValue
        DetachedThread.start { [weak core, self] in
            while isCurrent(mine) {
                // The core is held only for a round, never across the wait, so it can go away.
                guard let more = core.map({ round($0) }) else { return }
                if !more { waitForNextRound(mine) }
            }
        }.detach()
    }

    /// Stops revoking, as the node seals or becomes a standby. A round in progress finishes first.
    func stop() {
        generation.add(1, ordering: .sequentiallyConsistent)
        wakeup.withLock { wakeup.broadcast() }
    }

    private func isCurrent(_ mine: Int) -> Bool {
        generation.load(ordering: .sequentiallyConsistent) == mine
    }

    private func waitForNextRound(_ mine: Int) {
        wakeup.withLock {
            _ = wakeup.wait(timeoutMilliseconds: Self.periodMilliseconds) { !isCurrent(mine) }
        }
    }

    /// One round for the token store `core` serves with: restore its index if that is not done
    /// yet, then revoke what is due.
    /// - Returns: whether more may be due already.
    @discardableResult
    func round(_ core: Core) -> Bool {
        guard let tokens = core.servingTokenStore else { return false }
        do {
            if let restored = try tokens.restoreLeases() {
                logger.info("restored token leases", ["lease.count": "\(restored)"])
            }
            let result = try tokens.revokeExpired(now: Clock.now().seconds, limit: Self.batchLimit)
            if result.revoked > 0 {
                logger.debug("revoked expired tokens", ["lease.count": "\(result.revoked)"])
            }
            return result.more
        } catch {
            // A node that stopped serving mid-round fails with `sealed`; only a serving node's failure counts.
            if core.isServing { logger.warning("could not revoke expired tokens", ["error": "\(error)"]) }
            return false
        }
    }
}
