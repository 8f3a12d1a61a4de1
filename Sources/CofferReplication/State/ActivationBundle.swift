import CofferBase

/// What a secondary-activation token wraps: everything a secondary needs to dial the primary's
/// cluster port as itself (DESIGN.md §4). The secondary's private key travels only inside the
/// single-use wrapping token, and the CA key not at all.
struct ActivationBundle: Sendable, Equatable {
    var clusterID: String
    var secondaryID: String
    var caCertificatePEM: String
    var certificatePEM: String
    var privateKeyPEM: String
    var primaryClusterAddresses: [String]
    var primaryAPIAddress: String
    /// The primary's dev-mode root token, so that two dev nodes share it after activation.
    var developmentRootToken: String?

    func json() -> [String: JSON] {
        var data: [String: JSON] = [
            "cluster_id": .string(clusterID), "secondary_id": .string(secondaryID),
            "ca_cert": .string(caCertificatePEM), "client_cert": .string(certificatePEM),
            "client_key": .string(privateKeyPEM), "primary_cluster_addrs": .strings(primaryClusterAddresses),
            "primary_api_addr": .string(primaryAPIAddress),
        ]
        if let developmentRootToken { data["dev_root_token"] = .string(developmentRootToken) }
        return data
    }

    init(
        clusterID: String, secondaryID: String, caCertificatePEM: String, certificatePEM: String,
        privateKeyPEM: String, primaryClusterAddresses: [String], primaryAPIAddress: String,
        developmentRootToken: String?
    ) {
        self.clusterID = clusterID
        self.secondaryID = secondaryID
        self.caCertificatePEM = caCertificatePEM
        self.certificatePEM = certificatePEM
        self.privateKeyPEM = privateKeyPEM
        self.primaryClusterAddresses = primaryClusterAddresses
        self.primaryAPIAddress = primaryAPIAddress
        self.developmentRootToken = developmentRootToken
    }

    /// Reads the bundle from an unwrapped response's `data`; `nil` when anything is missing.
    init?(data: JSON) {
        guard let clusterID = data["cluster_id"]?.stringValue, let secondaryID = data["secondary_id"]?.stringValue,
            let ca = data["ca_cert"]?.stringValue, let certificate = data["client_cert"]?.stringValue,
            let key = data["client_key"]?.stringValue,
            let addresses = data["primary_cluster_addrs"]?.arrayValue?.compactMap({ $0.stringValue }),
            !addresses.isEmpty
        else { return nil }
        self.init(
            clusterID: clusterID, secondaryID: secondaryID, caCertificatePEM: ca, certificatePEM: certificate,
            privateKeyPEM: key, primaryClusterAddresses: addresses,
            primaryAPIAddress: data["primary_api_addr"]?.stringValue ?? "",
            developmentRootToken: data["dev_root_token"]?.stringValue)
    }
}
