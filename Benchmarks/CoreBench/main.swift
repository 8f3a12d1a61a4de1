import CofferBase
import CofferCore
import CofferStorage
import Glibc

// In-process micro-benchmark of the request pipeline without HTTP or TLS:
//   swift run -c release coffer-bench [iterations]
// It prints microseconds per operation for the pieces of a KV v2 read and write.

let iterations = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 20_000
let directory = "/tmp/coffer-bench-\(getpid())"
mkdir(directory, 0o700)
defer { _ = system("rm -rf \(directory)") }

let storage = try SQLiteStorage(path: directory + "/bench.db")
let logger = Logger(label: "bench", level: .error)
let core = try Core(configuration: CoreConfiguration(storageType: "sqlite"), storage: storage, logger: logger)
_ = try core.bootstrapDevelopment(rootTokenID: "bench-root")
let write = VaultRequest(
    method: "PUT", path: "secret/data/app", body: ["data": ["password": "benchmark"]], token: "bench-root")
_ = core.handle(write)
let read = VaultRequest(method: "GET", path: "secret/data/app", token: "bench-root")

func measure(_ name: String, count: Int = iterations, _ body: () -> Void) {
    for _ in 0..<min(1000, count) { body() }
    let start = Clock.monotonicNanoseconds()
    for _ in 0..<count { body() }
    let elapsed = Double(Clock.monotonicNanoseconds() - start) / Double(count) / 1000
    let padded = name + String(repeating: " ", count: max(0, 34 - name.count))
    print("\(padded) \((elapsed * 100).rounded() / 100) µs/op")
}

measure("KV v2 read, handle + serialize") { _ = core.handle(read).body?.serialized() }
measure("KV v2 read, handle") { _ = core.handle(read) }
measure("sys/leader, handle + serialize") {
    _ = core.handle(VaultRequest(method: "GET", path: "sys/leader")).body?.serialized()
}
measure("storage get (SQLite)") { _ = try? storage.get("sys/mount-table") }
measure("KV v2 write (durable)", count: min(iterations, 2000)) { _ = core.handle(write) }
