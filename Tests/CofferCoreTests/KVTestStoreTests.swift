import CofferBase
import CofferStorage
import Synchronization
import Testing

@testable import CofferCore

/// An in-memory `EntryStore` for the KV tests, with the folder semantics of the real stores.
final class KVTestStore: EntryStore {
    private let entries = Mutex<[String: [UInt8]]>([:])

    /// Every entry, for before/after comparisons.
    var snapshot: [String: [UInt8]] { entries.withLock { $0 } }

    /// The entry at `key`.
    func get(_ key: String) throws(CofferError) -> [UInt8]? {
        entries.withLock { $0[key] }
    }

    /// The direct children of the folder `prefix`, sub-folders once with a trailing `/`.
    func list(_ prefix: String) throws(CofferError) -> [String] {
        let children = entries.withLock { entries in
            entries.keys.filter { $0.hasPrefix(prefix) }.map { key -> String in
                let rest = key.dropFirst(prefix.count)
                guard let slash = rest.firstIndex(of: "/") else { return String(rest) }
                return String(rest[...slash])
            }
        }
        return Set(children).sorted()
    }

    /// Every key below `prefix`.
    func keys(_ prefix: String) throws(CofferError) -> [String] {
        entries.withLock { $0.keys.filter { $0.hasPrefix(prefix) }.sorted() }
    }

    /// Applies the batch under one lock, so readers see all of it or none.
    func commit(_ operations: [StorageOperation]) throws(CofferError) {
        entries.withLock { entries in
            for operation in operations {
                switch operation {
                case .put(let key, let value): entries[key] = value
                case .delete(let key): entries.removeValue(forKey: key)
                }
            }
        }
    }
}

/// A wall clock that moves only when a test says so.
final class KVTestClock: Sendable {
    private let current = Mutex(Timestamp(seconds: 1_767_225_600, nanoseconds: 5))

    /// The current fake time.
    func now() -> Timestamp { current.withLock { $0 } }

    /// Moves the time forward.
    func advance(seconds: Int64) {
        current.withLock { $0 = $0.adding(seconds: seconds) }
    }
}

/// A KV v2 engine mounted at `secret/` over a fresh store, with shortcuts for requests.
struct KVv2Harness {
    /// The whole store, including entries outside the mount.
    let store = KVTestStore()
    /// The engine's clock.
    let clock: KVTestClock
    /// The mount's view that the engine gets.
    let view: StorageView
    /// The engine under test.
    let backend: KVv2Backend

    /// A fresh engine over an empty store.
    init() {
        let clock = KVTestClock()
        self.clock = clock
        view = StorageView(store: store, prefix: "logical/kv2-test/")
        backend = KVv2Backend(clock: { clock.now() })
    }

    /// Sends one request to the engine.
    @discardableResult
    func call(
        _ operation: LogicalOperation, _ path: String, _ data: [String: JSON] = [:]
    ) throws(CofferError) -> LogicalResponse {
        let request = LogicalRequest(operation: operation, path: path, data: data, mountPath: "secret/")
        return try backend.handle(request, storage: view)
    }

    /// Writes `data` to `data/<path>`, with `options.cas` when given.
    @discardableResult
    func put(_ path: String, _ data: JSON, cas: Int64? = nil) throws(CofferError) -> LogicalResponse {
        var body: [String: JSON] = ["data": data]
        if let cas { body["options"] = ["cas": .int(cas)] }
        return try call(.update, "data/" + path, body)
    }

    /// The engine's existence answer for a write to `path`.
    func exists(_ path: String) throws(CofferError) -> Bool? {
        try backend.exists(LogicalRequest(operation: .update, path: path, mountPath: "secret/"), storage: view)
    }

    /// The keys of the store relative to the mount.
    var storageKeys: [String] { (try? view.keys()) ?? [] }

    /// The error a request fails with, checking that it left every stored entry as it was.
    func rejection(
        _ operation: LogicalOperation, _ path: String, _ data: [String: JSON] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> CofferError? {
        let before = store.snapshot
        defer {
            let unchanged = store.snapshot == before
            #expect(unchanged, "a refused or no-op request changed storage", sourceLocation: sourceLocation)
        }
        do {
            try call(operation, path, data)
            return nil
        } catch {
            return error
        }
    }
}

@Suite struct KVTestStoreTests {
    @Test func listShowsDirectChildrenAndFoldersOnce() throws {
        let store = KVTestStore()
        try store.commit([
            .put(key: "m/a", value: [1]), .put(key: "m/b/c", value: [2]), .put(key: "m/b/d/e", value: [3]),
            .put(key: "n/x", value: [4]),
        ])
        #expect(try store.list("m/") == ["a", "b/"])
        #expect(try store.list("m/b/") == ["c", "d/"])
        #expect(try store.keys("m/b/") == ["m/b/c", "m/b/d/e"])
    }
}
