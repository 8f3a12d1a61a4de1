/// Where unseal shares and initial root tokens are kept. Implementations write each key set once,
/// never delete one, and never log their content.
public protocol KeyCustody: Sendable {
    /// Every key set in the store.
    func keySets() throws(ControllerError) -> [KeySet]
    /// Stores a new key set; an existing one with the same id is never overwritten.
    func store(_ keySet: KeySet) throws(ControllerError)
    /// Records that a key set no longer opens its cluster (kept, never deleted).
    func markSuperseded(_ id: String, cluster: String) throws(ControllerError)
    /// Fails unless a new key set could be stored now; checked before `sys/init`, whose shares exist
    /// nowhere else.
    func checkWritable() throws(ControllerError)
}

extension KeyCustody {
    /// The key set with this id.
    public func keySet(id: String) throws(ControllerError) -> KeySet? {
        try keySets().first { $0.id == id }
    }
}
