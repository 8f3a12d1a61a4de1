/// A 256-bit unsigned integer under addition modulo 2^256: the running multiset hash of one Merkle bucket.
///
/// Four 64-bit limbs, most significant first, so that `bytes` is the big-endian form.
struct MerkleSum: Equatable, Sendable {
    private var limbs: (UInt64, UInt64, UInt64, UInt64)

    /// The sum of no leaves.
    static let zero = MerkleSum(limbs: (0, 0, 0, 0))

    private init(limbs: (UInt64, UInt64, UInt64, UInt64)) {
        self.limbs = limbs
    }

    /// The number whose big-endian form is the 32 bytes of `digest`.
    init(digest: [UInt8]) {
        precondition(digest.count == 32, "a Merkle leaf is a 32-byte SHA-256 digest")
        func limb(_ offset: Int) -> UInt64 {
            digest[offset..<offset + 8].reduce(0) { ($0 << 8) | UInt64($1) }
        }
        limbs = (limb(0), limb(8), limb(16), limb(24))
    }

    /// The 32-byte big-endian form.
    var bytes: [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(32)
        append(to: &output)
        return output
    }

    /// Appends the 32-byte big-endian form to `output`, sparing the root computation an array per bucket.
    func append(to output: inout [UInt8]) {
        for limb in [limbs.0, limbs.1, limbs.2, limbs.3] {
            for shift in stride(from: 56, through: 0, by: -8) {
                output.append(UInt8(truncatingIfNeeded: limb >> UInt64(shift)))
            }
        }
    }

    /// Adds `other` modulo 2^256.
    mutating func add(_ other: MerkleSum) {
        let (l3, c3) = limbs.3.addingReportingOverflow(other.limbs.3)
        let (l2, c2) = Self.add(limbs.2, other.limbs.2, carry: c3)
        let (l1, c1) = Self.add(limbs.1, other.limbs.1, carry: c2)
        let (l0, _) = Self.add(limbs.0, other.limbs.0, carry: c1)
        limbs = (l0, l1, l2, l3)
    }

    /// Subtracts `other` modulo 2^256.
    mutating func subtract(_ other: MerkleSum) {
        let (l3, b3) = limbs.3.subtractingReportingOverflow(other.limbs.3)
        let (l2, b2) = Self.subtract(limbs.2, other.limbs.2, borrow: b3)
        let (l1, b1) = Self.subtract(limbs.1, other.limbs.1, borrow: b2)
        let (l0, _) = Self.subtract(limbs.0, other.limbs.0, borrow: b1)
        limbs = (l0, l1, l2, l3)
    }

    /// Whether both sums hold the same number.
    static func == (left: MerkleSum, right: MerkleSum) -> Bool {
        left.limbs == right.limbs
    }

    private static func add(_ left: UInt64, _ right: UInt64, carry: Bool) -> (UInt64, Bool) {
        let (partial, overflow) = left.addingReportingOverflow(right)
        let (sum, carryOverflow) = partial.addingReportingOverflow(carry ? 1 : 0)
        return (sum, overflow || carryOverflow)
    }

    private static func subtract(_ left: UInt64, _ right: UInt64, borrow: Bool) -> (UInt64, Bool) {
        let (partial, overflow) = left.subtractingReportingOverflow(right)
        let (difference, borrowOverflow) = partial.subtractingReportingOverflow(borrow ? 1 : 0)
        return (difference, overflow || borrowOverflow)
    }
}
