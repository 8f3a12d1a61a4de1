extension CofferError {
    /// 400 with Vault's wording for a wrapping token that is unknown, used, expired or forged.
    public static let invalidWrappingToken = CofferError.badRequest("wrapping token is not valid or does not exist")
}
