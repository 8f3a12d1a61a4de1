/// Arithmetic in GF(2^8) modulo the AES polynomial x^8 + x^4 + x^3 + x + 1.
///
/// Multiplication runs a fixed eight rounds with masks instead of log tables, so its timing does not
/// depend on the secret bytes it handles. Addition and subtraction are both XOR.
enum GF256 {
    /// The product of `a` and `b`.
    @inline(__always)
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var a = a
        var b = b
        var product: UInt8 = 0
        for _ in 0..<8 {
            product ^= a & (0 &- (b & 1))
            // Reduce by the polynomial (0x1B after the x^8 term drops out) when the shift overflows.
            let overflow = 0 &- (a >> 7)
            a = (a << 1) ^ (0x1B & overflow)
            b >>= 1
        }
        return product
    }

    /// The multiplicative inverse, computed as `a^254`; zero maps to zero.
    static func inverse(_ a: UInt8) -> UInt8 {
        var power = a
        var result: UInt8 = 1
        // a^254 = a^2 · a^4 · a^8 · … · a^128.
        for _ in 0..<7 {
            power = multiply(power, power)
            result = multiply(result, power)
        }
        return result
    }
}
