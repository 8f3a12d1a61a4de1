/// scrypt (RFC 7914), the memory-hard key derivation used for passwords.
public enum Scrypt {
    /// The cost parameters of one derivation; they travel with every stored hash so they can change.
    public struct Parameters: Sendable, Equatable {
        /// N, the CPU and memory cost: a power of two greater than 1.
        public var cost: UInt64
        /// r, the block size.
        public var blockSize: UInt64
        /// p, the parallelism.
        public var parallelism: UInt64

        /// Parameters as given; `derive` refuses ones scrypt does not accept.
        public init(cost: UInt64, blockSize: UInt64, parallelism: UInt64) {
            self.cost = cost
            self.blockSize = blockSize
            self.parallelism = parallelism
        }

        /// N = 2^15, r = 8, p = 1: about 32 MiB and tens of milliseconds per derivation, the
        /// interactive-login setting RFC 7914 and OWASP recommend.
        public static let interactive = Parameters(cost: 1 << 15, blockSize: 8, parallelism: 1)

        /// The bytes of memory one derivation needs.
        var memory: UInt64 { 128 * blockSize * (cost + parallelism + 2) }

        /// Whether scrypt accepts these parameters and they stay within a memory bound that keeps a
        /// stored hash from making a login allocate without limit.
        var isAcceptable: Bool {
            cost > 1 && cost & (cost - 1) == 0 && blockSize > 0 && parallelism > 0 && blockSize <= 1 << 10
                && parallelism <= 1 << 10 && cost <= 1 << 22 && memory <= Scrypt.memoryLimit
        }
    }

    /// The most memory a derivation may use: 1 GiB, far above `interactive`, far below harm.
    static let memoryLimit: UInt64 = 1 << 30

    /// Derives `length` bytes from `password` and `salt`.
    /// - Throws: `CryptoError.invalidInput` for parameters scrypt refuses or that exceed the memory limit.
    public static func derive(
        password: some Collection<UInt8>, salt: some Collection<UInt8>, parameters: Parameters, length: Int = 32
    ) throws(CryptoError) -> [UInt8] {
        guard parameters.isAcceptable, length > 0, length <= 1024 else {
            throw CryptoError(.invalidInput, "unsupported scrypt parameters")
        }
        return try password.withContiguousBytes { (passwordBytes) throws(CryptoError) -> [UInt8] in
            try salt.withContiguousBytes { (saltBytes) throws(CryptoError) -> [UInt8] in
                try ScryptKDF.derive(
                    password: passwordBytes, salt: saltBytes, cost: parameters.cost, blockSize: parameters.blockSize,
                    parallelism: parameters.parallelism, maxMemory: parameters.memory + (1 << 20), length: length)
            }
        }
    }
}
