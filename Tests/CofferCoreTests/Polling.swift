import Foundation

/// Polls `condition` every 20 ms until it holds or `timeout` seconds pass; the last answer.
///
/// For what a background thread does in its own time (the expiration manager), where the test
/// has nothing to wait on but the result.
func eventually(timeout: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.02)
    }
    return try condition()
}
