import Foundation
import Synchronization

/// A private PostgreSQL server for this test process: its own data directory, port and socket directory
/// under /tmp, started on first use and shared by every PostgreSQL test.
///
/// `initdb` refuses to run as root, so as root both `initdb` and `pg_ctl` run as the `postgres` user on
/// a directory it owns (`runuser`). The server runs without fsync: durability is not under test. It is
/// stopped (`pg_ctl -m fast stop`) and its directory removed by an `atexit` handler, since a static
/// fixture has no deinit that runs; a test process that crashes leaves it running.
public final class PostgreSQLTestServer: Sendable {
    /// The database user the server is initialised with.
    public static let user = "coffer"

    /// The `bin` directory of the newest PostgreSQL under /usr/lib/postgresql that has initdb and pg_ctl.
    public static let binDirectory: String? = {
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        return versions.sorted { (Int($0) ?? 0) > (Int($1) ?? 0) }.map { "\(root)/\($0)/bin" }.first { bin in
            ["initdb", "pg_ctl"].allSatisfy { FileManager.default.isExecutableFile(atPath: "\(bin)/\($0)") }
        }
    }()

    /// Whether the PostgreSQL tests run: when the binaries exist, and always under CI, where their absence
    /// must fail the run rather than skip it. Prints why when they are skipped, or will fail.
    public static let isEnabled: Bool = {
        guard binDirectory == nil else { return true }
        if ProcessInfo.processInfo.environment["CI"] != nil {
            print("PostgreSQL tests: no initdb/pg_ctl under /usr/lib/postgresql/*/bin and CI is set: they will FAIL")
            return true
        }
        print(
            "PostgreSQL tests SKIPPED: no initdb/pg_ctl under /usr/lib/postgresql/*/bin "
                + "(apt-get install postgresql; with CI set they fail instead)")
        return false
    }()

    private static let started = Result { () throws -> PostgreSQLTestServer in try PostgreSQLTestServer() }

    /// The server, started by the first caller; throws the start-up failure to every caller.
    public static func shared() throws -> PostgreSQLTestServer {
        try started.get()
    }

    /// The directory holding the data directory, the socket and the logs.
    public let directory: String
    /// The TCP port on 127.0.0.1.
    public let port: Int
    private let bin: String
    private let databaseCount = Atomic<Int>(0)

    private init() throws {
        guard let bin = Self.binDirectory else {
            throw FixtureError("no initdb/pg_ctl under /usr/lib/postgresql/*/bin: install the postgresql package")
        }
        self.bin = bin
        var template = Array("/tmp/coffer-pg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw FixtureError("mkdtemp failed")
        }
        directory = String(cString: made)
        if getuid() == 0 {
            guard let account = getpwnam("postgres"),
                chown(directory, account.pointee.pw_uid, account.pointee.pw_gid) == 0
            else {
                throw FixtureError("running as root, but cannot hand \(directory) to the postgres user")
            }
        }
        try Self.run(
            [
                bin + "/initdb", "-D", directory + "/data", "-A", "trust", "-U", Self.user, "-E", "UTF8", "--locale=C",
                "-N",
            ],
            log: directory + "/initdb.log")
        var lastError: (any Error)?
        for _ in 0..<3 {
            let candidate = try Self.freePort()
            let options =
                "-p \(candidate) -k \(directory) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300"
            do {
                try Self.run(
                    [
                        bin + "/pg_ctl", "-D", directory + "/data", "-o", options, "-l", directory + "/server.log",
                        "-w", "start",
                    ],
                    log: directory + "/pg_ctl.log")
                port = candidate
                atexit { PostgreSQLTestServer.stopSharedServer() }
                return
            } catch {
                // Another process may have taken the port between the probe and the start.
                lastError = error
            }
        }
        throw lastError ?? FixtureError("pg_ctl start failed")
    }

    /// A schema name not used before in this test process.
    public func nextSchemaName() -> String {
        "test_\(databaseCount.add(1, ordering: .relaxed).newValue)"
    }

    /// The connection string for sessions working in `schema`, named `coffer-<schema>` in pg_stat_activity.
    public func connectionString(schema: String) -> String {
        "host=127.0.0.1 port=\(port) user=\(Self.user) dbname=postgres application_name=coffer-\(schema) "
            + "options='-c search_path=\(schema)'"
    }

    /// The connection string of the administrative database, for test setup.
    public var administrationConnectionString: String {
        "host=127.0.0.1 port=\(port) user=\(Self.user) dbname=postgres"
    }

    /// Stops the shared server and removes its directory; registered with `atexit` once it started.
    private static func stopSharedServer() {
        guard case .success(let server) = started, let bin = binDirectory else { return }
        _ = try? run([bin + "/pg_ctl", "-D", server.directory + "/data", "-m", "fast", "-w", "stop"], log: "/dev/null")
        try? FileManager.default.removeItem(atPath: server.directory)
    }

    /// Runs a program to completion, as the `postgres` user when this process is root, its output going to
    /// `log`; throws with the log's tail when it fails.
    private static func run(_ arguments: [String], log: String) throws {
        let command = getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + arguments : arguments
        let status = spawnAndWait(command, output: log)
        guard status == 0 else {
            let tail = (try? String(contentsOfFile: log, encoding: .utf8))?.suffix(600) ?? ""
            throw FixtureError("\(arguments.first ?? "?") exited with \(status): \(tail)")
        }
    }
}

/// Why the PostgreSQL fixture could not start.
public struct FixtureError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String

    /// An error saying `description`.
    public init(_ description: String) {
        self.description = description
    }
}

/// Runs `arguments` with `posix_spawn` (no Foundation, so it also works inside `atexit`), stdout and
/// stderr appended to `output`, and returns its exit status, or -1 when it could not run or was killed.
private func spawnAndWait(_ arguments: [String], output: String) -> Int32 {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
    let settings: [String] = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C"]
    let environment: [UnsafeMutablePointer<CChar>?] = settings.map { strdup($0) } + [nil]
    defer { (argv + environment).forEach { free($0) } }
    var pid = pid_t()
    guard posix_spawn(&pid, arguments[0], &actions, nil, argv, environment) == 0 else { return -1 }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    // WIFEXITED and WEXITSTATUS are macros Swift cannot import.
    return status & 0x7F == 0 ? (status >> 8) & 0xFF : -1
}

extension PostgreSQLTestServer {
    /// A TCP port on 127.0.0.1 that nothing listens on at the moment of the call.
    public static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw FixtureError("socket() failed") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard bound else { throw FixtureError("bind() to a free port failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
