import CofferStorage
import CofferTestSupport
import Foundation
import Synchronization
import Testing

/// The storage backends that the shared behavioural tests run against.
enum Backend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    /// `InMemoryStorage`.
    case inMemory
    /// `SQLiteStorage` in a temporary directory.
    case sqlite
    /// `PostgreSQLStorage` in a schema of its own on the test process's private server.
    case postgres

    /// Every backend whose tests can run here: PostgreSQL only when `PostgreSQLTestServer.isEnabled`.
    static var allCases: [Backend] {
        PostgreSQLTestServer.isEnabled ? [.inMemory, .sqlite, .postgres] : [.inMemory, .sqlite]
    }

    /// The name shown in test results.
    var testDescription: String { rawValue }

    /// Runs `body` with a fresh, empty storage, keeping its directory until `body` returns.
    func withStorage(_ body: (any Storage) throws -> Void) throws {
        switch self {
        case .inMemory:
            try body(InMemoryStorage())
        case .sqlite:
            let directory = try TemporaryDirectory()
            try withExtendedLifetime(directory) {
                try body(try SQLiteStorage(path: directory.path("coffer.db"), synchronous: .normal, readerCount: 2))
            }
        case .postgres:
            try body(try PostgreSQLTestServer.shared().makeStorage())
        }
    }
}

/// A commit hook that appends one `wal/<index>` record per transaction and logs every call.
final class RecordingHook: StorageCommitHook {
    /// One call the storage made to the hook.
    enum Event: Equatable {
        /// `operations(forTransaction:)` with these batches.
        case operations([[StorageOperation]])
        /// `transactionFinished(committed:)` with this flag.
        case finished(Bool)
    }

    private let state = Mutex<(events: [Event], nextIndex: Int)>(([], 1))
    private let extra: @Sendable (Int) -> [StorageOperation]

    /// `extra` builds the operations to append to transaction number `index` (1-based).
    init(extra: @escaping @Sendable (Int) -> [StorageOperation] = RecordingHook.walRecord) {
        self.extra = extra
    }

    /// The default extra operation: a record at `wal/<index>` holding the index.
    @Sendable static func walRecord(_ index: Int) -> [StorageOperation] {
        [.put(key: "wal/\(index)", value: Array(String(index).utf8))]
    }

    /// Every call so far, in order.
    var events: [Event] { state.withLock { $0.events } }

    /// Records the call and returns the extra operations for the next index.
    func operations(forTransaction batches: [[StorageOperation]]) -> [StorageOperation] {
        let index = state.withLock { state in
            state.events.append(.operations(batches))
            state.nextIndex += 1
            return state.nextIndex - 1
        }
        return extra(index)
    }

    /// Records the outcome.
    func transactionFinished(committed: Bool) {
        state.withLock { $0.events.append(.finished(committed)) }
    }

    /// Whether the calls alternate strictly, `operations` then `finished`: what serialized transactions produce.
    var callsAlternate: Bool {
        let events = self.events
        return events.indices.allSatisfy { index in
            switch events[index] {
            case .operations: return index % 2 == 0
            case .finished: return index % 2 == 1
            }
        }
    }
}

/// Runs `body(index)` on `count` threads of their own at once and returns when all have finished.
///
/// Real threads rather than tasks: the bodies block, and the cooperative pool has one thread per core.
func runOnThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            body(index)
            group.leave()
        }
        thread.start()
    }
    group.wait()
}

/// The bytes of a string, for values in tests.
func bytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}
