import CofferBase
import Synchronization

/// Runs blocking work on one thread per element and waits for all of it: observing agents must
/// never let one slow or unreachable host hold up the others, and the work is blocking libcurl I/O
/// that must not occupy Swift's cooperative pool.
public enum Parallel {
    /// `transform` applied to every element, each on its own thread, results in input order.
    public static func map<Element: Sendable, Result: Sendable>(
        _ elements: [Element], _ transform: @escaping @Sendable (Element) -> Result
    ) -> [Result] {
        if elements.count <= 1 { return elements.map(transform) }
        let results = Mutex<[Int: Result]>([:])
        let threads = elements.enumerated().map { index, element in
            DetachedThread.start {
                let value = transform(element)
                results.withLock { $0[index] = value }
            }
        }
        for thread in threads { thread.join() }
        let collected = results.withLock { $0 }
        return (0..<elements.count).map { collected[$0]! }
    }
}
