/// Comparisons whose running time does not depend on where the inputs differ.
public enum ConstantTime {
    /// Whether `a` and `b` hold the same bytes; only their lengths may leak through timing.
    public static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        return a.withContiguousBytes { first in
            b.withContiguousBytes { second in SecureMemory.equal(first, second) }
        }
    }
}
