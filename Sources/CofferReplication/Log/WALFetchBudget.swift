/// The count and byte limits of one fetch, applied the same way whether records come from memory or storage.
///
/// The first record is always admitted, however large, so that a record bigger than `maxBytes` cannot
/// stall a secondary forever.
struct WALFetchBudget {
    private var remainingCount: Int
    private var remainingBytes: Int
    private var admittedAny = false

    /// A budget of at most `maxCount` records and `maxBytes` encoded bytes.
    init(maxCount: Int, maxBytes: Int) {
        remainingCount = maxCount
        remainingBytes = maxBytes
    }

    /// Whether a record of `size` encoded bytes still fits; if so, it is charged to the budget.
    mutating func admit(size: Int) -> Bool {
        guard remainingCount > 0, !admittedAny || size <= remainingBytes else { return false }
        admittedAny = true
        remainingCount -= 1
        remainingBytes -= size
        return true
    }
}
