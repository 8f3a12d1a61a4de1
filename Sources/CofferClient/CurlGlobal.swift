import CCurl
import Synchronization

/// Runs `curl_global_init` once per process, before the first easy handle exists.
enum CurlGlobal {
    private static let initialized = Mutex<Bool>(false)

    /// Calls `curl_global_init` unless an earlier call already did.
    static func initialize() throws(ClientError) {
        try initialized.withLock { (done: inout Bool) throws(ClientError) in
            guard !done else { return }
            let code = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
            guard code == CURLE_OK else {
                throw ClientError(
                    code: .transport, reason: "curl_global_init: " + String(cString: curl_easy_strerror(code)))
            }
            done = true
        }
    }
}
