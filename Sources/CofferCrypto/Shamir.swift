/// Shamir's secret sharing over GF(2^8) with the AES polynomial, byte by byte.
///
/// Each share is the y-bytes (same length as the secret) followed by ONE byte: the share's x coordinate
/// (distinct, non-zero, random). This is the share layout Vault uses for unseal keys.
public enum Shamir {
    /// Splits `secret` into `shares` shares, any `threshold` of which recover it.
    ///
    /// Requires `2 <= threshold <= shares <= 255` and a non-empty secret; throws `shamirInvalid` otherwise.
    public static func split(_ secret: [UInt8], shares: Int, threshold: Int) throws(CryptoError) -> [[UInt8]] {
        guard !secret.isEmpty else { throw CryptoError(.shamirInvalid, "the secret is empty") }
        guard threshold >= 2, threshold <= shares, shares <= 255 else {
            throw CryptoError(.shamirInvalid, "need 2 <= threshold <= shares <= 255, got \(threshold) of \(shares)")
        }
        let xCoordinates = randomCoordinates(count: shares)
        // coefficients[byte * degree + k] is the x^(k+1) coefficient of that byte's polynomial.
        let degree = threshold - 1
        let coefficients = SecureRandom.bytes(secret.count * degree)
        return xCoordinates.map { x in
            var share = [UInt8](repeating: 0, count: secret.count + 1)
            for byteIndex in secret.indices {
                // Horner's rule from the highest coefficient down to the secret byte itself.
                var y: UInt8 = 0
                for k in stride(from: degree - 1, through: 0, by: -1) {
                    y = GF256.multiply(y, x) ^ coefficients[byteIndex * degree + k]
                }
                share[byteIndex] = GF256.multiply(y, x) ^ secret[byteIndex]
            }
            share[secret.count] = x
            return share
        }
    }

    /// Recovers the secret from shares made by `split`.
    ///
    /// Throws `shamirInvalid` for fewer than two shares, shares of differing lengths or shorter than two
    /// bytes, and duplicate or zero x coordinates. Fewer shares than the threshold yield a wrong secret
    /// rather than an error: nothing in the shares records the threshold.
    public static func combine(_ shares: [[UInt8]]) throws(CryptoError) -> [UInt8] {
        guard shares.count >= 2 else { throw CryptoError(.shamirInvalid, "at least two shares are needed") }
        let length = shares[0].count
        guard length >= 2 else { throw CryptoError(.shamirInvalid, "a share must hold at least two bytes") }
        guard shares.allSatisfy({ $0.count == length }) else {
            throw CryptoError(.shamirInvalid, "the shares differ in length")
        }
        let xCoordinates = shares.map { $0[length - 1] }
        guard !xCoordinates.contains(0) else { throw CryptoError(.shamirInvalid, "a share has x coordinate 0") }
        guard Set(xCoordinates).count == xCoordinates.count else {
            throw CryptoError(.shamirInvalid, "two shares have the same x coordinate")
        }
        // Lagrange basis polynomials evaluated at x = 0; the same weights apply to every byte position.
        let weights = xCoordinates.indices.map { j in
            var weight: UInt8 = 1
            for m in xCoordinates.indices where m != j {
                weight = GF256.multiply(
                    weight, GF256.multiply(xCoordinates[m], GF256.inverse(xCoordinates[m] ^ xCoordinates[j])))
            }
            return weight
        }
        var secret = [UInt8](repeating: 0, count: length - 1)
        for byteIndex in secret.indices {
            var value: UInt8 = 0
            for (share, weight) in zip(shares, weights) {
                value ^= GF256.multiply(share[byteIndex], weight)
            }
            secret[byteIndex] = value
        }
        return secret
    }

    /// `count` distinct non-zero x coordinates in random order (a partial Fisher–Yates shuffle of 1...255).
    private static func randomCoordinates(count: Int) -> [UInt8] {
        var candidates = Array(UInt8(1)...UInt8(255))
        for index in 0..<count {
            let pick = index + SecureRandom.uniform(below: candidates.count - index)
            candidates.swapAt(index, pick)
        }
        return Array(candidates[0..<count])
    }
}
