import CofferBase

/// A password stored as a salted scrypt digest, with the parameters that made it.
///
/// The text form follows the PHC string format: `$scrypt$ln=15,r=8,p=1$<salt>$<digest>` with
/// unpadded standard Base64, so a stored hash keeps verifying after the defaults change.
public struct PasswordHash: Sendable, Equatable {
    /// Bytes of fresh salt per hash.
    public static let saltSize = 16
    /// Bytes of derived digest.
    public static let digestSize = 32

    /// The scrypt parameters of this hash.
    public let parameters: Scrypt.Parameters
    /// The per-password random salt.
    public let salt: [UInt8]
    /// The derived bytes compared at login.
    public let digest: [UInt8]

    private init(parameters: Scrypt.Parameters, salt: [UInt8], digest: [UInt8]) {
        self.parameters = parameters
        self.salt = salt
        self.digest = digest
    }

    /// Hashes `password` under a fresh salt.
    public static func make(
        password: some Collection<UInt8>, parameters: Scrypt.Parameters = .interactive
    ) throws(CryptoError) -> PasswordHash {
        let salt = SecureRandom.bytes(saltSize)
        let digest = try Scrypt.derive(password: password, salt: salt, parameters: parameters, length: digestSize)
        return PasswordHash(parameters: parameters, salt: salt, digest: digest)
    }

    /// Whether `password` produces this digest; the comparison runs in constant time, and a hash
    /// whose parameters scrypt refuses matches nothing.
    public func verify(_ password: some Collection<UInt8>) -> Bool {
        guard
            let candidate = try? Scrypt.derive(
                password: password, salt: salt, parameters: parameters, length: digest.count)
        else { return false }
        return ConstantTime.equals(candidate, digest)
    }

    /// The PHC string form.
    public var encoded: String {
        let costLog2 = UInt64.bitWidth - 1 - parameters.cost.leadingZeroBitCount
        return "$scrypt$ln=\(costLog2),r=\(parameters.blockSize),p=\(parameters.parallelism)$"
            + Self.unpadded(salt) + "$" + Self.unpadded(digest)
    }

    /// Parses the PHC string form; `nil` when it is malformed or names parameters scrypt refuses.
    public init?(encoded: String) {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[0].isEmpty, parts[1] == "scrypt" else { return nil }
        var values: [Substring: UInt64] = [:]
        for pair in parts[2].split(separator: ",") {
            let halves = pair.split(separator: "=", maxSplits: 1)
            guard halves.count == 2, let number = UInt64(halves[1]) else { return nil }
            values[halves[0]] = number
        }
        guard values.count == 3, let costLog2 = values["ln"], costLog2 > 0, costLog2 < 63,
            let blockSize = values["r"], let parallelism = values["p"],
            let salt = Base64.decode(String(parts[3])), !salt.isEmpty,
            let digest = Base64.decode(String(parts[4])), digest.count >= 16
        else { return nil }
        let parameters = Scrypt.Parameters(cost: 1 << costLog2, blockSize: blockSize, parallelism: parallelism)
        guard parameters.isAcceptable else { return nil }
        self.init(parameters: parameters, salt: salt, digest: digest)
    }

    private static func unpadded(_ bytes: [UInt8]) -> String {
        String(Base64.encode(bytes).prefix { $0 != "=" })
    }
}
