import CofferStorage
import CofferTestSupport
import Foundation
import Synchronization
import Testing

/// A temporary directory holding one SQLite database for the log's tests.
final class WALTestDirectory {
    private let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory()
    }

    /// Opens (or reopens) the database in the directory.
    func openStorage() throws -> SQLiteStorage {
        try SQLiteStorage(path: directory.path("coffer.db"), synchronous: .normal, readerCount: 2)
    }
}

/// The storage backends the log's tests run against.
enum WALBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    /// `InMemoryStorage`.
    case inMemory
    /// `SQLiteStorage` in a temporary directory.
    case sqlite

    /// The name shown in test results.
    var testDescription: String { rawValue }

    /// Runs `body` with a fresh, empty storage, keeping its directory until `body` returns.
    func withStorage(_ body: (any Storage) throws -> Void) throws {
        switch self {
        case .inMemory:
            try body(InMemoryStorage())
        case .sqlite:
            let directory = try WALTestDirectory()
            try withExtendedLifetime(directory) {
                try body(try directory.openStorage())
            }
        }
    }
}

/// A hook that forwards to another and, while armed, adds an operation the storage rejects, so that the
/// whole transaction really rolls back.
final class RollbackSwitchHook: StorageCommitHook {
    private let wrapped: any StorageCommitHook
    private let armed = Atomic<Bool>(false)

    /// A switch in front of `wrapped`, disarmed.
    init(wrapping wrapped: any StorageCommitHook) {
        self.wrapped = wrapped
    }

    /// Makes every later transaction fail (`true`) or succeed again (`false`).
    func arm(_ value: Bool) {
        armed.store(value, ordering: .relaxed)
    }

    /// The wrapped hook's operations, plus a put with an empty key while armed.
    func operations(forTransaction batches: [[StorageOperation]]) -> [StorageOperation] {
        let extra = wrapped.operations(forTransaction: batches)
        return armed.load(ordering: .relaxed) ? extra + [.put(key: "", value: [1])] : extra
    }

    /// Forwards the outcome.
    func transactionFinished(committed: Bool) {
        wrapped.transactionFinished(committed: committed)
    }
}

/// Runs `body(index)` on `count` threads of their own at once and returns when all have finished.
///
/// Real threads rather than tasks: the bodies block, and the cooperative pool has one thread per core.
func runOnWALThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
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
func walBytes(_ text: String) -> [UInt8] {
    Array(text.utf8)
}

/// A counter's stored form: 8 big-endian bytes.
func walCounter(_ value: UInt64) -> [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: value >> (56 - 8 * UInt64($0))) }
}

/// The key of a WAL record, as the log names it.
func walRecordKey(_ index: UInt64) -> String {
    let digits = String(index)
    return "local/replication/wal/" + String(repeating: "0", count: 20 - digits.count) + digits
}
