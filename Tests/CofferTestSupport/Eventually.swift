import Foundation

/// Polls `condition` every 10 ms until it holds or `timeout` seconds pass, and returns its last
/// answer: for states that arrive in their own time (a process starting, a lease running out, a
/// replicated write), instead of a guessed sleep.
public func eventually(timeout: Double = 20, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(10_000)
    }
    return try condition()
}
