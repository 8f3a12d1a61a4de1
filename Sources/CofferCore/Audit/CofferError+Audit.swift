extension CofferError {
    /// 500: audit devices are enabled and none recorded the request, so it was not executed.
    static let auditRequestFailed = CofferError(
        status: 500, "the request was refused because no audit device could record it")

    /// 500: the request was executed, but no audit device recorded its response.
    static let auditResponseFailed = CofferError(
        status: 500, "the request was executed, but no audit device could record its response")
}
