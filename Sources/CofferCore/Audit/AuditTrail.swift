import CofferBase

/// One request's passage through the enabled audit devices: its request entry, written before
/// anything executes, and its response entry, written before the client sees the answer.
///
/// Fails closed as Vault does: when no device records the request entry the request is refused
/// and never runs; when none records the response entry the client gets a 500 that says the
/// request did run. A device that fails is named in the node's log; entries never are.
///
/// Belongs to the thread serving the request, and is created only when devices are enabled.
final class AuditTrail {
    private enum Progress {
        /// The request entry is not written yet.
        case pending
        /// At least one device recorded the request entry.
        case recorded
        /// No device recorded it; the request was refused.
        case refused
    }

    private let devices: [AuditDevice]
    private let logger: Logger
    private var facts: AuditRequestFacts
    private var progress = Progress.pending

    /// A trail through `devices` (at least one) for the request `facts` describe.
    init(devices: [AuditDevice], facts: AuditRequestFacts, logger: Logger) {
        self.devices = devices
        self.facts = facts
        self.logger = logger
    }

    /// Writes the request entry, with the caller's token entry when the token is known.
    /// - Throws: `auditRequestFailed` when no device recorded it; the caller must then not execute
    ///   the request.
    func recordRequest(caller: TokenEntry?) throws(CofferError) {
        facts.caller = caller
        try writeRequest(error: nil)
    }

    /// Writes the response entry (and the request entry, if the request ended before it was
    /// written) and returns what the client receives: the response with the audited request id,
    /// or a 500 when no device recorded it.
    func finish(_ response: VaultResponse) -> VaultResponse {
        switch progress {
        case .refused: return response
        case .pending:
            do { try writeRequest(error: Self.errorText(response)) } catch { return .error(error) }
        case .recorded: break
        }
        var response = response
        if case .object(var members)? = response.body, members["request_id"] != nil {
            members["request_id"] = .string(facts.id)
            response.body = .object(members)
        }
        let written = write(type: "response", response: response, error: Self.errorText(response))
        guard written else {
            logger.error(
                "a request ran but no audit device recorded its response",
                ["request.operation": facts.operation, "audit.devices": "\(devices.count)"])
            return .error(.auditResponseFailed)
        }
        return response
    }

    private func writeRequest(error: String?) throws(CofferError) {
        guard write(type: "request", response: nil, error: error) else {
            progress = .refused
            logger.error(
                "refused a request because no audit device recorded it",
                ["request.operation": facts.operation, "audit.devices": "\(devices.count)"])
            throw .auditRequestFailed
        }
        progress = .recorded
    }

    /// Writes one entry to every device; whether at least one recorded it.
    private func write(type: String, response: VaultResponse?, error: String?) -> Bool {
        let time = Clock.rfc3339(Clock.now())
        var recorded = false
        for device in devices {
            do {
                try device.record(type: type, time: time, facts: facts, response: response, error: error)
                recorded = true
            } catch {
                logger.error(
                    "audit device could not record an entry", ["audit.path": device.path, "error": "\(error)"])
            }
        }
        return recorded
    }

    /// The `error` of an entry: the response's error messages, `nil` for a success.
    private static func errorText(_ response: VaultResponse) -> String? {
        guard response.status >= 400 else { return nil }
        let messages = response.body?["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return messages.isEmpty ? nil : messages.joined(separator: "; ")
    }
}
