import CofferBase
import Testing

@testable import CofferCore

@Suite struct KVv1BackendTests {
    let store = KVTestStore()
    let view: StorageView
    let backend = KVv1Backend()

    init() {
        view = StorageView(store: store, prefix: "logical/kv1-test/")
    }

    /// Sends one request to the engine.
    @discardableResult
    func call(
        _ operation: LogicalOperation, _ path: String, _ data: [String: JSON] = [:]
    ) throws(CofferError) -> LogicalResponse {
        try backend.handle(
            LogicalRequest(operation: operation, path: path, data: data, mountPath: "kv/"), storage: view)
    }

    /// The engine's existence answer for a write to `path`.
    func exists(_ path: String) throws(CofferError) -> Bool? {
        try backend.exists(LogicalRequest(operation: .update, path: path, mountPath: "kv/"), storage: view)
    }

    @Test func writeThenReadReturnsTheObjectAsWritten() throws {
        let written = try call(.create, "team/db", ["user": "admin", "limits": ["max": 3], "on": true])
        #expect(written.data == nil)
        #expect(try call(.read, "team/db").data == ["user": "admin", "limits": ["max": 3], "on": true])

        try call(.update, "team/db", ["user": "other"])
        #expect(try call(.read, "team/db").data == ["user": "other"])
    }

    @Test func deleteRemovesTheEntry() throws {
        try call(.create, "k", ["a": 1])
        try call(.delete, "k")
        #expect(throws: CofferError.notFound) { try call(.read, "k") }
        #expect(try view.keys().isEmpty)
    }

    @Test func listShowsKeysAndFoldersAndIsNotFoundWhenEmpty() throws {
        #expect(throws: CofferError.notFound) { try call(.list, "") }
        for path in ["a", "b/c", "b/d/e"] { try call(.create, path, ["x": 1]) }
        #expect(try call(.list, "").data?["keys"] == ["a", "b/"])
        #expect(try call(.list, "b").data?["keys"] == ["c", "d/"])
        #expect(try call(.list, "b/").data?["keys"] == ["c", "d/"])
        #expect(throws: CofferError.notFound) { try call(.list, "z/") }
    }

    @Test(
        arguments: [
            (LogicalOperation.create, "", ["a": 1]), (.create, "a//b", ["a": 1]), (.update, "a/../b", ["a": 1]),
            (.create, "fine", [:]), (.read, "", [:]), (.delete, "..", [:]),
        ] as [(LogicalOperation, String, [String: JSON])])
    func badPathsAndEmptyBodiesAreRejectedAndChangeNothing(
        operation: LogicalOperation, path: String, data: [String: JSON]
    ) throws {
        try call(.create, "existing", ["a": 1])
        let before = store.snapshot
        #expect(throws: CofferError.self) { try call(operation, path, data) }
        #expect(store.snapshot == before)
    }

    @Test func missingEntriesAndPatchAreRefused() {
        #expect(throws: CofferError.notFound) { try call(.read, "missing") }
        #expect(throws: CofferError.unsupportedOperation) { try call(.patch, "missing", ["a": 1]) }
    }

    @Test func existsAnswersWhetherAnEntryIsStored() throws {
        #expect(try exists("k") == false)
        try call(.create, "k", ["a": 1])
        #expect(try exists("k") == true)
        #expect(try exists("k/../k") == false)
    }
}
