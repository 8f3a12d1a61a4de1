import CofferBase
import CofferCrypto

extension Core {
    /// `sys/rekey/init`, `sys/rekey/update` and `sys/rekey/verify`: a new unseal key, made once a
    /// threshold of the current shares is given and split as asked. The root key is re-encrypted
    /// under it and stored with the new seal configuration in one commit; the keyring and all data
    /// stay as they are.
    ///
    /// The bodies have Vault's shape, but unlike Vault these paths need a token with `sudo`: OpenBao
    /// disables the unauthenticated ones by default, since anyone could cancel a rekey through them.
    /// A secondary cluster refuses: it is unsealed with its primary's keys, which replicate to it.
    func handleRekey(
        _ action: String, _ operation: LogicalOperation, _ fields: Fields
    ) throws(CofferError)
        -> VaultResponse
    {
        guard case .unsealed = currentState else { throw CofferError.sealed }
        guard barrier.replicatedWritePolicy == .allowed else {
            throw CofferError.badRequest(
                "this cluster is unsealed with its primary cluster's keys; rekey the primary cluster instead")
        }
        switch (action, operation) {
        case ("init", .read):
            return VaultResponse(status: 200, body: try rekeyStatus())
        case ("init", .update):
            try startRekey(fields)
            return VaultResponse(status: 200, body: try rekeyStatus())
        case ("init", .delete):
            lifecycleLock.withLock { _ in rekeySlot.write { $0 = nil } }
            return VaultResponse(status: 204)
        case ("update", .update):
            if let final = try provideRekeyShare(fields.requiredString("key"), nonce: fields.requiredString("nonce")) {
                return VaultResponse(status: 200, body: final)
            }
            return VaultResponse(status: 200, body: try rekeyStatus())
        case ("verify", .read):
            return VaultResponse(status: 200, body: try rekeyVerificationStatus())
        case ("verify", .update):
            if let final = try provideVerificationShare(
                fields.requiredString("key"), nonce: fields.requiredString("nonce"))
            {
                return VaultResponse(status: 200, body: final)
            }
            return VaultResponse(status: 200, body: try rekeyVerificationStatus())
        case ("verify", .delete):
            try restartRekeyVerification()
            return VaultResponse(status: 200, body: try rekeyVerificationStatus())
        case ("init", _), ("update", _), ("verify", _):
            throw CofferError.unsupportedOperation
        default:
            throw CofferError.unsupportedPath("sys/rekey/" + action)
        }
    }

    private func startRekey(_ fields: Fields) throws(CofferError) {
        if let keys = try fields.stringList("pgp_keys"), !keys.isEmpty {
            throw CofferError.badRequest(
                "pgp_keys is not supported by this server; the new shares are returned in clear")
        }
        if try fields.bool("backup") == true {
            throw CofferError.badRequest("backup needs pgp_keys, which this server does not support")
        }
        if let stored = try fields.int("stored_shares"), stored > 0 {
            throw CofferError.badRequest("stored_shares is not supported: the unseal key is split into Shamir shares")
        }
        let configuration = try SealConfiguration(
            secretShares: Int(clamping: try fields.int("secret_shares") ?? 0),
            secretThreshold: Int(clamping: try fields.int("secret_threshold") ?? 0))
        let verify = try fields.bool("require_verification") ?? false
        try lifecycleLock.withLock { _ throws(CofferError) in
            guard case .unsealed = currentState else { throw CofferError.sealed }
            try rekeySlot.write { (attempt) throws(CofferError) in
                guard attempt == nil else { throw CofferError.badRequest("rekey already in progress") }
                attempt = RekeyOperation(
                    nonce: SecureRandom.uuid(), configuration: configuration, requireVerification: verify)
            }
        }
        logger.info(
            "rekey started",
            [
                "seal.shares": "\(configuration.secretShares)", "seal.threshold": "\(configuration.secretThreshold)",
                "rekey.verification": "\(verify)",
            ])
    }

    /// Counts one current share; at the threshold, makes the new key and returns Vault's final
    /// answer with the new shares (`nil` before that).
    private func provideRekeyShare(_ share: String, nonce: String) throws(CofferError) -> JSON? {
        try lifecycleLock.withLock { _ throws(CofferError) -> JSON? in
            guard case .unsealed = currentState else { throw CofferError.sealed }
            let seal = try sealConfiguration()
            let decoded = try UnsealKey.decodeShare(share, configuration: seal)
            return try rekeySlot.write { (attempt) throws(CofferError) -> JSON? in
                guard var current = attempt else { throw CofferError.badRequest("no rekey in progress") }
                if let pending = current.pending {
                    throw CofferError.badRequest(
                        "rekey operation already finished; verification must be performed; nonce for the "
                            + "verification operation is \(pending.nonce)")
                }
                guard current.nonce == nonce else { throw CofferError.badRequest("incorrect nonce") }
                guard !current.shares.contains(where: { ConstantTime.equals($0, decoded) }) else {
                    throw CofferError.badRequest("this unseal key share was already provided")
                }
                guard current.shares.count + 1 >= seal.secretThreshold else {
                    current.shares.append(decoded)
                    attempt = current
                    return nil
                }
                let rootKey = try storedRootKey(
                    opening: UnsealKey.combine(current.shares + [decoded], configuration: seal))
                let configuration = current.configuration.namingNewKeySet()
                let unsealKey = AESGCM.generateKey()
                let shares = try UnsealKey.split(unsealKey, configuration: configuration)
                var body: [String: JSON] = [
                    "nonce": .string(nonce), "complete": true, "keys": .strings(shares.map(Hex.encode)),
                    "keys_base64": .strings(shares.map { Base64.encode($0) }), "pgp_fingerprints": .null,
                    "backup": false, "verification_required": .bool(current.requireVerification),
                    // Not in Vault's answer: which key set the new shares form, for key custody.
                    "key_set_id": .string(configuration.keySetID ?? ""),
                ]
                if current.requireVerification {
                    let pending = RekeyOperation.PendingKey(
                        unsealKey: unsealKey, rootKey: rootKey, configuration: configuration,
                        nonce: SecureRandom.uuid())
                    current.shares = []
                    current.pending = pending
                    attempt = current
                    body["verification_nonce"] = .string(pending.nonce)
                } else {
                    try installUnsealKey(unsealKey, rootKey: rootKey, configuration: configuration)
                    attempt = nil
                }
                return .object(body)
            }
        }
    }

    /// Counts one share of the new key; at its threshold, installs the new key once the shares are
    /// shown to recover it, and returns Vault's final answer (`nil` before that).
    private func provideVerificationShare(_ share: String, nonce: String) throws(CofferError) -> JSON? {
        try lifecycleLock.withLock { _ throws(CofferError) -> JSON? in
            guard case .unsealed = currentState else { throw CofferError.sealed }
            return try rekeySlot.write { (attempt) throws(CofferError) -> JSON? in
                guard var current = attempt else { throw CofferError.badRequest("no rekey configuration found") }
                guard var pending = current.pending else {
                    throw CofferError.badRequest("no rekey verification in progress")
                }
                guard pending.nonce == nonce else { throw CofferError.badRequest("incorrect nonce") }
                let decoded = try UnsealKey.decodeShare(share, configuration: pending.configuration)
                guard !pending.shares.contains(where: { ConstantTime.equals($0, decoded) }) else {
                    throw CofferError.badRequest("this unseal key share was already provided")
                }
                guard pending.shares.count + 1 >= pending.configuration.secretThreshold else {
                    pending.shares.append(decoded)
                    current.pending = pending
                    attempt = current
                    return nil
                }
                let recovered = try UnsealKey.combine(pending.shares + [decoded], configuration: pending.configuration)
                guard ConstantTime.equals(recovered, pending.unsealKey) else {
                    throw CofferError.badRequest(
                        "the shares do not recover the new unseal key; this share was not counted "
                            + "(DELETE sys/rekey/verify starts the verification over)")
                }
                try installUnsealKey(
                    pending.unsealKey, rootKey: pending.rootKey, configuration: pending.configuration)
                attempt = nil
                return ["nonce": .string(nonce), "complete": true]
            }
        }
    }

    private func restartRekeyVerification() throws(CofferError) {
        try lifecycleLock.withLock { _ throws(CofferError) in
            try rekeySlot.write { (attempt) throws(CofferError) in
                guard var current = attempt else { throw CofferError.badRequest("no rekey configuration found") }
                guard var pending = current.pending else {
                    throw CofferError.badRequest("no rekey verification in progress")
                }
                pending.nonce = SecureRandom.uuid()
                pending.shares = []
                current.pending = pending
                attempt = current
            }
        }
    }

    /// The root key, opened with an unseal key recovered from the current shares. A wrong result
    /// is refused before anything changes, and the last share is not counted.
    private func storedRootKey(opening unsealKey: [UInt8]) throws(CofferError) -> [UInt8] {
        let sealed: [UInt8]?
        do { sealed = try storage.get(SealPaths.rootKey) } catch { throw .storage(error) }
        guard let sealed else { throw CofferError.internalError("the stored root key is missing") }
        guard let rootKey = UnsealKey.openRootKey(sealed, unsealKey: unsealKey) else {
            throw CofferError.badRequest(
                "the unseal key shares do not open the root key; this share was not counted "
                    + "(DELETE sys/rekey/init cancels the rekey if an earlier share was wrong)")
        }
        guard let held = barrier.currentKeyring?.rootKey, ConstantTime.equals(held, rootKey) else {
            throw CofferError.internalError("the stored root key is not the one this node holds")
        }
        return rootKey
    }

    /// Stores the new seal configuration and the root key under the new unseal key in one commit:
    /// a crash leaves either the old key set or the new one, never a mix.
    private func installUnsealKey(
        _ unsealKey: [UInt8], rootKey: [UInt8], configuration: SealConfiguration
    ) throws(CofferError) {
        try commitPhysical([
            .put(key: SealPaths.configuration, value: configuration.serialized()),
            .put(key: SealPaths.rootKey, value: try UnsealKey.sealRootKey(rootKey, unsealKey: unsealKey)),
        ])
        logger.info(
            "rekeyed: a new unseal key is installed",
            [
                "seal.shares": "\(configuration.secretShares)", "seal.threshold": "\(configuration.secretThreshold)",
                "seal.key_set_id": configuration.keySetID ?? "",
            ])
    }

    private func rekeyStatus() throws(CofferError) -> JSON {
        let seal = try sealConfiguration()
        let attempt = rekeySlot.current
        var body: [String: JSON] = [
            "started": .bool(attempt != nil), "nonce": .string(attempt?.nonce ?? ""),
            "t": .int(Int64(attempt?.configuration.secretThreshold ?? 0)),
            "n": .int(Int64(attempt?.configuration.secretShares ?? 0)),
            "progress": .int(Int64(attempt?.shares.count ?? 0)), "required": .int(Int64(seal.secretThreshold)),
            "pgp_fingerprints": .null, "backup": false,
            "verification_required": .bool(attempt?.requireVerification ?? false),
        ]
        if let pending = attempt?.pending { body["verification_nonce"] = .string(pending.nonce) }
        return .object(body)
    }

    private func rekeyVerificationStatus() throws(CofferError) -> JSON {
        guard let attempt = rekeySlot.current else { throw CofferError.badRequest("no rekey configuration found") }
        return [
            "started": .bool(attempt.pending != nil), "nonce": .string(attempt.pending?.nonce ?? ""),
            "t": .int(Int64(attempt.configuration.secretThreshold)),
            "n": .int(Int64(attempt.configuration.secretShares)),
            "progress": .int(Int64(attempt.pending?.shares.count ?? 0)),
        ]
    }
}
