import CofferBase

/// A short-lived root token for one operation, made from custody shares with `sys/generate-root`
/// (Vault's OTP encoding): the controller keeps no standing root token. The generated root token
/// is exchanged at once for an orphan child with a short TTL and revoked; the child is revoked
/// when the operation ends, and expires on its own if the controller dies first.
public struct RootTokenSession: Sendable {
    /// How long the operation's token lives at most.
    public static let ttl = "15m"

    public let token: String
    private let endpoint: AgentEndpoint

    /// Generates the token on `endpoint` (the cluster's active node) from `keySet`.
    public init(endpoint: AgentEndpoint, keySet: KeySet, ttl: String = RootTokenSession.ttl) throws(ControllerError) {
        self.endpoint = endpoint
        let status = try endpoint.vaultExpectingSuccess("GET", "sys/generate-root/attempt")
        if status["started"]?.boolValue == true {
            // An attempt left behind by an interrupted controller run; its OTP is gone with that run.
            try endpoint.vaultExpectingSuccess("DELETE", "sys/generate-root/attempt")
        }
        let attempt = try endpoint.vaultExpectingSuccess("PUT", "sys/generate-root/attempt", body: [:])
        guard let otp = attempt["otp"]?.stringValue, !otp.isEmpty, let nonce = attempt["nonce"]?.stringValue else {
            throw ControllerError(.agentRefused, "\(endpoint.nodeName): sys/generate-root/attempt gave no OTP")
        }
        var encoded = ""
        for share in keySet.shares.prefix(keySet.threshold) where encoded.isEmpty {
            let update = try endpoint.vaultExpectingSuccess(
                "PUT", "sys/generate-root/update", body: ["key": .string(share), "nonce": .string(nonce)])
            if update["complete"]?.boolValue == true { encoded = update["encoded_token"]?.stringValue ?? "" }
        }
        guard let root = Self.decode(encoded, otp: otp) else {
            _ = try? endpoint.vaultExpectingSuccess("DELETE", "sys/generate-root/attempt")
            throw ControllerError(
                .agentRefused,
                "\(endpoint.nodeName): the shares of key set \(keySet.id) did not complete a root token generation")
        }
        let created = try endpoint.vaultExpectingSuccess(
            "POST", "auth/token/create",
            body: [
                "policies": .strings(["root"]), "ttl": .string(ttl), "no_parent": true, "renewable": false,
                "display_name": "coffer-controller",
            ], token: root)
        _ = try? endpoint.vault("POST", "auth/token/revoke-self", token: root)
        guard let child = created["auth"]?["client_token"]?.stringValue else {
            throw ControllerError(.agentRefused, "\(endpoint.nodeName): auth/token/create returned no token")
        }
        token = child
    }

    /// Revokes the token; a failure is harmless because the token expires on its own.
    public func close() {
        _ = try? endpoint.vault("POST", "auth/token/revoke-self", token: token)
    }

    /// `base64(token XOR otp)` back to the token.
    static func decode(_ encoded: String, otp: String) -> String? {
        guard !encoded.isEmpty, let bytes = Base64.decode(encoded) else { return nil }
        let pad = Array(otp.utf8)
        guard bytes.count == pad.count else { return nil }
        return String(decoding: zip(bytes, pad).map { $0 ^ $1 }, as: UTF8.self)
    }
}
