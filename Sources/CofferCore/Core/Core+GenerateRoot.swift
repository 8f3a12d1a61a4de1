import CofferBase
import CofferCrypto

extension Core {
    /// Length of a generated root token and of its one-time pad (`hvs.` and 24 characters).
    static let rootTokenLength = 28

    /// `sys/generate-root/attempt` and `sys/generate-root/update`: a new root token from a threshold
    /// of unseal shares, returned only as `base64(token XOR otp)` so that it never crosses the wire
    /// in clear (Vault's OTP encoding).
    func handleGenerateRoot(_ request: VaultRequest) throws(CofferError) -> VaultResponse {
        guard case .unsealed = currentState else { throw CofferError.sealed }
        let fields = Fields(request.body?.objectValue ?? [:])
        switch (request.path, request.method) {
        case ("sys/generate-root/attempt", "GET"), ("sys/generate-root/attempt", "HEAD"):
            return VaultResponse(status: 200, body: try rootGenerationStatus(otp: nil, encodedToken: ""))
        case ("sys/generate-root/attempt", "PUT"), ("sys/generate-root/attempt", "POST"):
            if let key = try fields.string("pgp_key"), !key.isEmpty {
                throw CofferError.badRequest("pgp_key is not supported by this server; use the OTP")
            }
            let otp = SecureRandom.base62(Self.rootTokenLength)
            try rootGenerationSlot.write { (attempt) throws(CofferError) in
                guard attempt == nil else { throw CofferError.badRequest("root generation already in progress") }
                attempt = RootGeneration(nonce: SecureRandom.uuid(), otp: otp)
            }
            return VaultResponse(status: 200, body: try rootGenerationStatus(otp: otp, encodedToken: ""))
        case ("sys/generate-root/attempt", "DELETE"):
            rootGenerationSlot.write { $0 = nil }
            return VaultResponse(status: 204)
        case ("sys/generate-root/update", "PUT"), ("sys/generate-root/update", "POST"):
            let encoded = try provideRootShare(
                fields.requiredString("key"), nonce: fields.requiredString("nonce"))
            return VaultResponse(status: 200, body: try rootGenerationStatus(otp: nil, encodedToken: encoded))
        default:
            throw CofferError.unsupportedOperation
        }
    }

    private func provideRootShare(_ share: String, nonce: String) throws(CofferError) -> String {
        let seal = try sealConfiguration()
        let decoded = try UnsealKey.decodeShare(share, configuration: seal)
        return try rootGenerationSlot.write { (attempt) throws(CofferError) -> String in
            guard var current = attempt else { throw CofferError.badRequest("no root generation in progress") }
            guard current.nonce == nonce else { throw CofferError.badRequest("incorrect nonce") }
            guard !current.shares.contains(where: { ConstantTime.equals($0, decoded) }) else {
                throw CofferError.badRequest("this unseal key share was already provided")
            }
            guard current.shares.count + 1 >= seal.secretThreshold else {
                current.shares.append(decoded)
                attempt = current
                return ""
            }
            let unsealKey = try UnsealKey.combine(current.shares + [decoded], configuration: seal)
            _ = try openKeyring(unsealKey: unsealKey)
            let token = TokenStore.generateToken()
            var request = TokenStore.CreateRequest(policies: ["root"])
            request.id = token
            request.orphan = true
            request.displayName = "root"
            request.path = "auth/token/root"
            _ = try unsealedNode().tokens.create(request, parent: nil)
            let pad = Array(current.otp.utf8)
            // Unpadded, as Vault encodes it (Go's RawStdEncoding); its CLIs refuse the padded form.
            var encoded = Base64.encode(zip(Array(token.utf8), pad).map { $0 ^ $1 })
            while encoded.hasSuffix("=") { encoded.removeLast() }
            attempt = nil
            logger.info("root token generated from unseal key shares")
            return encoded
        }
    }

    private func rootGenerationStatus(otp: String?, encodedToken: String) throws(CofferError) -> JSON {
        let seal = try sealConfiguration()
        let attempt = rootGenerationSlot.current
        return [
            "started": .bool(attempt != nil), "nonce": .string(attempt?.nonce ?? ""),
            "progress": .int(Int64(attempt?.shares.count ?? 0)), "required": .int(Int64(seal.secretThreshold)),
            "complete": .bool(!encodedToken.isEmpty), "encoded_token": .string(encodedToken),
            "encoded_root_token": .string(encodedToken), "pgp_fingerprint": "", "otp": .string(otp ?? ""),
            "otp_length": .int(Int64(Self.rootTokenLength)),
        ]
    }
}
