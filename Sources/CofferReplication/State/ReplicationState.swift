import CofferBase

/// What replication remembers across restarts, stored through the barrier at
/// `local/replication/state` (local data: it holds this cluster's own keys).
struct ReplicationState: Sendable, Equatable {
    enum Mode: String, Sendable {
        case disabled, primary, secondary
    }

    /// One secondary a primary issued a token to.
    struct KnownSecondary: Sendable, Equatable {
        var id: String
        var revoked: Bool
        var certificateSerial: String
    }

    var mode: Mode = .disabled
    /// The replication set's id: the same on the primary and every secondary.
    var clusterID: String = ""
    /// The identity of the WAL history this cluster writes (primary) or follows (secondary).
    var logID: String = ""

    // Primary.
    var caCertificatePEM: String = ""
    /// The replication CA's key; it never leaves the primary.
    var caKeyPEM: String = ""
    var serverCertificatePEM: String = ""
    var serverKeyPEM: String = ""
    var primaryClusterAddress: String = ""
    var secondaries: [KnownSecondary] = []
    /// Set while another primary of this cluster id is known to be active.
    var fencedBy: String = ""

    // Secondary.
    var secondaryID: String = ""
    var clientCertificatePEM: String = ""
    var clientKeyPEM: String = ""
    var primaryCAPEM: String = ""
    var primaryClusterAddresses: [String] = []
    var primaryAPIAddress: String = ""
    /// True from the wipe until the first snapshot is complete.
    var bootstrapping: Bool = false
    /// Old primaries to tell, after a promotion, that this cluster is the primary now.
    var formerPrimaryAddresses: [String] = []
    /// A dev primary's root token, created here once the bootstrap completes, then forgotten.
    var pendingRootToken: String?

    static let key = "local/replication/state"

    func serialized() -> [UInt8] {
        let secondaryList = secondaries.map { known -> JSON in
            ["id": .string(known.id), "revoked": .bool(known.revoked), "serial": .string(known.certificateSerial)]
        }
        let document: JSON = [
            "mode": .string(mode.rawValue), "cluster_id": .string(clusterID), "log_id": .string(logID),
            "ca_cert": .string(caCertificatePEM), "ca_key": .string(caKeyPEM),
            "server_cert": .string(serverCertificatePEM), "server_key": .string(serverKeyPEM),
            "primary_cluster_addr": .string(primaryClusterAddress), "secondaries": .array(secondaryList),
            "fenced_by": .string(fencedBy), "secondary_id": .string(secondaryID),
            "client_cert": .string(clientCertificatePEM), "client_key": .string(clientKeyPEM),
            "primary_ca": .string(primaryCAPEM), "primary_cluster_addrs": .strings(primaryClusterAddresses),
            "primary_api_addr": .string(primaryAPIAddress), "bootstrapping": .bool(bootstrapping),
            "former_primaries": .strings(formerPrimaryAddresses),
            "pending_root_token": pendingRootToken.map(JSON.string) ?? .null,
        ]
        return document.serialized()
    }

    static func deserialize(_ bytes: [UInt8]) -> ReplicationState? {
        guard let document = try? JSON.parse(bytes), let mode = document["mode"]?.stringValue.flatMap(Mode.init)
        else { return nil }
        func text(_ key: String) -> String { document[key]?.stringValue ?? "" }
        func list(_ key: String) -> [String] { document[key]?.arrayValue?.compactMap { $0.stringValue } ?? [] }
        var state = ReplicationState()
        state.mode = mode
        state.clusterID = text("cluster_id")
        state.logID = text("log_id")
        state.caCertificatePEM = text("ca_cert")
        state.caKeyPEM = text("ca_key")
        state.serverCertificatePEM = text("server_cert")
        state.serverKeyPEM = text("server_key")
        state.primaryClusterAddress = text("primary_cluster_addr")
        state.secondaries = (document["secondaries"]?.arrayValue ?? []).compactMap { entry in
            guard let id = entry["id"]?.stringValue else { return nil }
            return KnownSecondary(
                id: id, revoked: entry["revoked"]?.boolValue ?? false,
                certificateSerial: entry["serial"]?.stringValue ?? "")
        }
        state.fencedBy = text("fenced_by")
        state.secondaryID = text("secondary_id")
        state.clientCertificatePEM = text("client_cert")
        state.clientKeyPEM = text("client_key")
        state.primaryCAPEM = text("primary_ca")
        state.primaryClusterAddresses = list("primary_cluster_addrs")
        state.primaryAPIAddress = text("primary_api_addr")
        state.bootstrapping = document["bootstrapping"]?.boolValue ?? false
        state.formerPrimaryAddresses = list("former_primaries")
        state.pendingRootToken = document["pending_root_token"]?.stringValue
        return state
    }
}
