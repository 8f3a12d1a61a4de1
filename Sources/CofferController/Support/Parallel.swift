import Glibc
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
        var threads: [pthread_t] = []
        for (index, element) in elements.enumerated() {
            let box = Unmanaged.passRetained(
                Job {
                    let value = transform(element)
                    results.withLock { $0[index] = value }
                })
            var thread = pthread_t()
            let created = pthread_create(
                &thread, nil,
                { raw in
                    let job = Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue()
                    job.body()
                    return nil
                }, box.toOpaque())
            if created == 0 {
                threads.append(thread)
            } else {
                box.takeRetainedValue().body()
            }
        }
        for thread in threads { pthread_join(thread, nil) }
        let collected = results.withLock { $0 }
        return (0..<elements.count).map { collected[$0]! }
    }

    private final class Job: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}
