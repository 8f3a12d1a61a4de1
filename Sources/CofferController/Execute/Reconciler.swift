import CofferBase
import Glibc
import Synchronization

/// Observe → plan → act, until the world matches the manifest or nothing more can be done now.
/// `apply` runs one pass; `run` runs passes forever. Each target (a node or a cluster) that fails
/// backs off on its own, exponentially with jitter, so one broken host never stalls the others.
public final class Reconciler: Sendable {
    /// Options of `apply` and `run`.
    public struct Options: Sendable {
        /// Carry out actions that destroy data.
        public var approveDestructive = false
        /// Move the primary role without the catch-up check.
        public var force = false

        public init(approveDestructive: Bool = false, force: Bool = false) {
            self.approveDestructive = approveDestructive
            self.force = force
        }
    }

    private struct Backoff {
        var failures = 0
        var retryAt: UInt64 = 0
    }

    public let manifest: Manifest
    public let observer: Observer
    public let custody: any KeyCustody
    public let journal: Journal
    public let options: Options
    private let executor: Executor
    private let planner: Planner
    private let report: @Sendable (String) -> Void
    private let backoff = Mutex<[String: Backoff]>([:])

    public init(
        manifest: Manifest, observer: Observer, actionObserver: Observer, custody: any KeyCustody, journal: Journal,
        options: Options, report: @escaping @Sendable (String) -> Void
    ) {
        self.manifest = manifest
        self.observer = observer
        self.custody = custody
        self.journal = journal
        self.options = options
        self.report = report
        planner = Planner(manifest: manifest, options: Planner.Options(force: options.force))
        executor = Executor(
            manifest: manifest, observer: actionObserver, custody: custody, journal: journal, force: options.force,
            report: report)
    }

    /// The current plan, without acting.
    public func plan() throws(ControllerError) -> (Observation, Plan) {
        let (observation, _, plan) = try observeAndPlan()
        return (observation, plan)
    }

    /// One observation, the custody index read once, and the plan made from both.
    private func observeAndPlan() throws(ControllerError) -> (Observation, [KeySet], Plan) {
        let observation = observer.observe()
        let keySets = try custody.keySets()
        return (
            observation, keySets, planner.plan(observation: observation, keySets: keySets, journal: journal.pending)
        )
    }

    /// Acts until the plan is empty, only blocked or backing-off items remain, or `seconds` pass.
    /// Returns the last plan, with destructive actions that were not approved moved to `blocked`.
    public func pass(seconds: Double, stop: @Sendable () -> Bool = { false }) throws(ControllerError) -> Plan {
        let deadline = Clock.monotonicNanoseconds() + UInt64(max(0, seconds) * 1e9)
        while true {
            let (observation, keySets, plan) = try observeAndPlan()
            try recordSupersededKeySets(observation, keySets: keySets)
            var final = plan
            let refused = plan.actions.filter { $0.destructive && !options.approveDestructive }
            final.blocked += refused.map { "\($0.target): \($0.reason); pass --approve-destructive to do it" }
            final.actions.removeAll { $0.destructive && !options.approveDestructive }
            let now = Clock.monotonicNanoseconds()
            let retryAt = backoff.withLock { $0.mapValues(\.retryAt) }
            let due = final.actions.filter { (retryAt[$0.target] ?? 0) <= now }
            if let action = due.first {
                do throws(ControllerError) {
                    try executor.execute(action)
                    _ = backoff.withLock { $0.removeValue(forKey: action.target) }
                } catch {
                    let delay = recordFailure(action.target)
                    report(
                        "\(action.kind.rawValue) \(action.target) failed: \(error.reason); "
                            + "retrying in \(DurationText.delay(delay))"
                    )
                }
            } else if final.actions.isEmpty, final.waiting.isEmpty {
                return final
            } else {
                usleep(200_000)
            }
            if Clock.monotonicNanoseconds() >= deadline || stop() { return try self.plan().1 }
        }
    }

    /// Marks as superseded the key sets made for a secondary cluster that now opens with its primary's.
    private func recordSupersededKeySets(_ observation: Observation, keySets: [KeySet]) throws(ControllerError) {
        for cluster in manifest.clusters where cluster.role == .secondary {
            guard let active = observation.activeState(of: cluster), active.replication.mode == "secondary",
                let inUse = active.keySetID
            else { continue }
            for keySet in keySets where keySet.cluster == cluster.name && !keySet.superseded && keySet.id != inUse {
                try custody.markSuperseded(keySet.id, cluster: cluster.name)
            }
        }
    }

    private func recordFailure(_ target: String) -> Double {
        backoff.withLock { table in
            var entry = table[target] ?? Backoff()
            entry.failures += 1
            let base = min(
                manifest.reconcile.backoffMaxSeconds,
                manifest.reconcile.backoffInitialSeconds * pow(2, Double(entry.failures - 1)))
            let delay = base * Double.random(in: 0.8...1.2)
            entry.retryAt = Clock.monotonicNanoseconds() + UInt64(delay * 1e9)
            table[target] = entry
            return delay
        }
    }
}
