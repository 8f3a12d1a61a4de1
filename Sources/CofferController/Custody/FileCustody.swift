import CofferBase
import Glibc

/// Key custody in a directory: `<path>/<cluster>/<key set id>.json` with mode 0600 in directories of
/// mode 0700, and an empty `<id>.superseded` beside a key set that no longer opens its cluster.
public struct FileCustody: KeyCustody {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public func keySets() throws(ControllerError) -> [KeySet] {
        var sets: [KeySet] = []
        for cluster in Files.list(path) {
            let directory = path + "/" + cluster
            let names = Files.list(directory)
            for name in names where name.hasSuffix(".json") {
                let file = directory + "/" + name
                guard let bytes = Files.read(file), let document = try? JSON.parse(bytes),
                    var keySet = KeySet(json: document)
                else {
                    throw ControllerError(.custody, "the custody file \(file) cannot be read or is malformed")
                }
                keySet.superseded = names.contains(String(name.dropLast(5)) + ".superseded")
                sets.append(keySet)
            }
        }
        return sets.sorted { ($0.created, $0.id) < ($1.created, $1.id) }
    }

    public func store(_ keySet: KeySet) throws(ControllerError) {
        let directory = try clusterDirectory(keySet.cluster)
        var bytes = keySet.json().serialized()
        bytes.append(0x0A)
        guard try Files.createExclusive(directory + "/" + fileName(keySet.id) + ".json", bytes: bytes) else {
            throw ControllerError(.custody, "custody already holds key set \(keySet.id); it is never overwritten")
        }
    }

    public func markSuperseded(_ id: String, cluster: String) throws(ControllerError) {
        let directory = try clusterDirectory(cluster)
        try Files.createExclusive(directory + "/" + fileName(id) + ".superseded", bytes: [])
    }

    public func checkWritable() throws(ControllerError) {
        try Files.makeDirectory(path, mode: 0o700)
        let probe = path + "/.write-probe"
        try Files.replace(probe, bytes: [])
        unlink(probe)
    }

    private func clusterDirectory(_ cluster: String) throws(ControllerError) -> String {
        try Files.makeDirectory(path, mode: 0o700)
        let directory = path + "/" + fileName(cluster)
        try Files.makeDirectory(directory, mode: 0o700)
        return directory
    }

    /// Ids and names come from nodes and manifests; keep them to one safe path component.
    private func fileName(_ text: String) -> String {
        String(text.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
    }
}
