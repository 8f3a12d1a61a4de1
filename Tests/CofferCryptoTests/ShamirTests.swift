import CofferCrypto
import Testing

struct ShamirTests {
    struct Scheme: Sendable, CustomTestStringConvertible {
        let shares: Int
        let threshold: Int
        var testDescription: String { "\(threshold) of \(shares)" }
    }

    static let schemes = [
        Scheme(shares: 2, threshold: 2), Scheme(shares: 3, threshold: 2), Scheme(shares: 5, threshold: 3),
        Scheme(shares: 6, threshold: 6), Scheme(shares: 10, threshold: 4), Scheme(shares: 255, threshold: 5),
    ]

    /// Every index subset of `size` from `0..<count` when there are at most 300, else 100 random ones.
    private static func subsets(of count: Int, size: Int) -> [[Int]] {
        var combinations = 1
        for step in 0..<size where combinations <= 300 {
            combinations = combinations * (count - step) / (step + 1)
        }
        guard combinations <= 300 else {
            return (0..<100).map { _ in Array((0..<count).shuffled().prefix(size)) }
        }
        var result: [[Int]] = []
        func extend(_ prefix: [Int], from start: Int) {
            guard prefix.count < size else { return result.append(prefix) }
            for index in start..<count { extend(prefix + [index], from: index + 1) }
        }
        extend([], from: 0)
        return result
    }

    @Test(arguments: schemes)
    func everyThresholdSubsetRecoversTheSecret(scheme: Scheme) throws {
        let secret = SecureRandom.bytes(32)
        let shares = try Shamir.split(secret, shares: scheme.shares, threshold: scheme.threshold)
        #expect(shares.count == scheme.shares)
        #expect(shares.allSatisfy { $0.count == secret.count + 1 })
        for subset in Self.subsets(of: scheme.shares, size: scheme.threshold) {
            #expect(try Shamir.combine(subset.map { shares[$0] }) == secret)
        }
    }

    @Test(arguments: schemes)
    func sharesHaveDistinctNonZeroXCoordinates(scheme: Scheme) throws {
        let shares = try Shamir.split([7, 7], shares: scheme.shares, threshold: scheme.threshold)
        let xs = shares.map { $0[$0.count - 1] }
        #expect(!xs.contains(0))
        #expect(Set(xs).count == xs.count)
    }

    @Test(arguments: schemes.filter { $0.threshold > 2 })
    func fewerThanThresholdSharesDoNotYieldTheSecret(scheme: Scheme) throws {
        let secret = SecureRandom.bytes(32)
        let shares = try Shamir.split(secret, shares: scheme.shares, threshold: scheme.threshold)
        #expect(try Shamir.combine(Array(shares.prefix(scheme.threshold - 1))) != secret)
    }

    @Test func aSingleShareIsRejected() throws {
        let shares = try Shamir.split([1, 2, 3], shares: 3, threshold: 2)
        #expect(throws: CryptoError.self) { try Shamir.combine([shares[0]]) }
    }

    @Test func duplicateShareIsRejected() throws {
        let shares = try Shamir.split([1, 2, 3], shares: 3, threshold: 2)
        let error = #expect(throws: CryptoError.self) { try Shamir.combine([shares[0], shares[1], shares[0]]) }
        #expect(error?.code == .shamirInvalid)
    }

    @Test(arguments: [
        [[UInt8](arrayLiteral: 1), [2]],
        [[1, 2, 3], [4, 5]],
        [[1, 2, 0], [3, 4, 5]],
    ])
    func malformedSharesAreRejected(shares: [[UInt8]]) {
        let error = #expect(throws: CryptoError.self) { try Shamir.combine(shares) }
        #expect(error?.code == .shamirInvalid)
    }

    @Test(arguments: [(3, 1), (3, 4), (256, 3), (1, 1)])
    func invalidSchemesAreRejected(shares: Int, threshold: Int) {
        let error = #expect(throws: CryptoError.self) { try Shamir.split([1], shares: shares, threshold: threshold) }
        #expect(error?.code == .shamirInvalid)
    }

    @Test func emptySecretIsRejected() {
        #expect(throws: CryptoError.self) { try Shamir.split([], shares: 3, threshold: 2) }
    }

    @Test func knownSharesCombineToKnownSecret() throws {
        // f(x) = 0x42 + 0x01·x over GF(2^8): f(1) = 0x43, f(2) = 0x40.
        #expect(try Shamir.combine([[0x43, 1], [0x40, 2]]) == [0x42])
    }
}
