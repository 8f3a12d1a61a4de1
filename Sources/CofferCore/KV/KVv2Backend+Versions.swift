import CofferBase
import CofferStorage

/// The `delete/`, `undelete/` and `destroy/` paths, which change the state of chosen versions.
extension KVv2Backend {
    /// What a version-state path does to each version it names.
    enum VersionChange {
        /// Soft delete: the data stays but reads answer 404.
        case delete
        /// Clears a soft delete; `delete_version_after`, when set, counts again from now.
        case undelete
        /// Removes the data for good and marks the version destroyed.
        case destroy
    }

    /// Applies `change` to the versions in `versions`; unknown versions and unknown keys are ignored.
    func changeVersions(
        _ change: VersionChange, _ path: String, _ body: [String: JSON], storage: StorageView
    ) throws(CofferError) -> LogicalResponse {
        let numbers = Set(try KVFields.versions(body["versions"]))
        return try locked(path, storage: storage) { () throws(CofferError) in
            guard let original = try loadMetadata(path, storage: storage) else { return .empty }
            var metadata = original
            let time = clock()
            let stamp = Clock.rfc3339(time)
            var rearmed = ""
            if change == .undelete {
                let lifetime = metadata.effectiveDeleteVersionAfter(try KVv2Config.load(from: storage))
                if lifetime > 0 { rearmed = Clock.rfc3339(time.adding(seconds: lifetime)) }
            }
            var operations: [StorageOperation] = []
            for number in numbers.sorted() {
                guard var version = metadata.versions[number], !version.destroyed else { continue }
                switch change {
                case .delete:
                    if !version.isUnreadable(now: { stamp }) { version.deletionTime = stamp }
                case .undelete:
                    version.deletionTime = rearmed
                case .destroy:
                    version.destroyed = true
                    operations.append(.delete(key: Self.versionKey(path, number)))
                }
                metadata.versions[number] = version
            }
            guard metadata != original else { return .empty }
            operations.append(.put(key: Self.metadataKey(path), value: metadata.storedForm.serialized()))
            try storage.commit(operations)
            return .empty
        }
    }
}
