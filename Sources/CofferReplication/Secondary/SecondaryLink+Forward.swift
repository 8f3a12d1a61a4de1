import CofferBase
import CofferCore
import Glibc

extension SecondaryLink {
    static let forwardTimeoutMilliseconds = 30_000
    /// How long a write waits for a link that is not streaming before it is refused.
    static let reconnectWaitMilliseconds = 5_000

    /// Sends a write to the primary and answers once this cluster has applied the WAL index that
    /// holds it, so the client reads its own write here; after a bounded wait, answers with a warning.
    func forward(_ request: VaultRequest) throws(CofferError) -> VaultResponse {
        let waiter = ForwardWaiter()
        var connection: ClusterConnection?
        var id: UInt64 = 0
        // A link that is reconnecting or catching up (merkle-sync) is usually streaming again within
        // moments; a write that arrives then waits briefly instead of failing at once.
        let deadline = Clock.monotonicNanoseconds() + UInt64(Self.reconnectWaitMilliseconds) * 1_000_000
        while true {
            (connection, id) = shared.write { shared -> (ClusterConnection?, UInt64) in
                guard shared.replicationState == "stream-wals", let connection = shared.connection else {
                    return (nil, 0)
                }
                let id = shared.nextForwardID
                shared.nextForwardID += 1
                shared.waiting[id] = waiter
                return (connection, id)
            }
            if connection != nil || Clock.monotonicNanoseconds() >= deadline { break }
            usleep(20_000)
        }
        guard let connection else {
            throw CofferError(status: 503, "this secondary is not connected to its primary; the write was not made")
        }
        let forwarded = ReplicationMessage.Forwarded(
            id: id, method: request.method, path: request.path, query: request.query,
            body: request.body?.serialized() ?? [])
        do {
            try connection.send(ReplicationMessage.forward(forwarded).frame())
        } catch {
            _ = shared.write { $0.waiting.removeValue(forKey: id) }
            throw CofferError(status: 503, "could not forward the write to the primary: \(error)")
        }
        guard let outcome = waiter.wait(milliseconds: Self.forwardTimeoutMilliseconds) else {
            _ = shared.write { $0.waiting.removeValue(forKey: id) }
            throw CofferError(status: 504, "the primary did not answer the forwarded write in time")
        }
        let result: (status: Int, body: [UInt8], index: UInt64)
        switch outcome {
        case .success(let value): result = value
        case .failure(let error): throw CofferError(status: 503, "forwarding to the primary failed: \(error.reason)")
        }
        var body = result.body.isEmpty ? nil : try? JSON.parse(result.body)
        if (200..<300).contains(result.status) {
            let applied = manager.applier.waitForIndex(
                result.index, timeoutMilliseconds: manager.configuration.forwardWaitMilliseconds)
            if !applied {
                let warning = "the write was made on the primary but has not yet replicated to this cluster"
                if case .object(var members)? = body {
                    let existing = members["warnings"]?.arrayValue ?? []
                    members["warnings"] = .array(existing + [.string(warning)])
                    body = .object(members)
                }
            }
        }
        return VaultResponse(status: result.status, body: body)
    }
}
