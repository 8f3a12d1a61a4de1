import Glibc

/// A crash on purpose, for the tests that show a killed controller resumes: when the environment
/// variable `COFFER_FAILPOINT` names a journal step (`activate.token-minted`), the process exits
/// abruptly right after writing that step, as a `kill -9` at that moment would leave things.
enum Failpoint {
    static func reached(_ name: String) {
        guard let wanted = getenv("COFFER_FAILPOINT"), String(cString: wanted) == name else { return }
        _exit(70)
    }
}
