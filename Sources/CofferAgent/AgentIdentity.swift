import CofferBase
import CofferCore

/// What an agent says about itself on `/agent/v1/identity`: fixed for the life of the process.
public struct AgentIdentity: Sendable, Equatable {
    /// The node's name from the configuration.
    public var nodeName: String
    /// The cluster the configuration puts the node in.
    public var clusterName: String
    /// The storage kind: `sqlite`, `postgresql` or `inmem`.
    public var storageType: String
    /// The API address clients and the controller use.
    public var apiAddress: String
    /// The cluster address other nodes and clusters dial.
    public var clusterAddress: String

    /// Creates an identity.
    public init(nodeName: String, clusterName: String, storageType: String, apiAddress: String, clusterAddress: String)
    {
        self.nodeName = nodeName
        self.clusterName = clusterName
        self.storageType = storageType
        self.apiAddress = apiAddress
        self.clusterAddress = clusterAddress
    }

    /// The `/agent/v1/identity` members; the state document carries them too, so that a controller
    /// observes a node with one request.
    var members: [String: JSON] {
        [
            "node": .string(nodeName), "cluster": .string(clusterName), "version": .string(CofferVersion.string),
            "storage": .string(storageType), "api_address": .string(apiAddress),
            "cluster_address": .string(clusterAddress),
        ]
    }

    /// The `/agent/v1/identity` document.
    func json() -> JSON { .object(members) }
}
