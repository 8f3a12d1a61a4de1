import CofferBase

/// An attempt of `sys/generate-root`: the one-time pad and the shares collected so far.
struct RootGeneration: Sendable {
    var nonce: String
    var otp: String
    var shares: [[UInt8]] = []
}
