import CofferBase
import CofferClient
import CofferController
import CofferHTTP
import Glibc

/// The controller's subcommands: validate, plan, apply, run, status, keys, token and up.
enum ControllerCommand {
    static let commands: Set<String> = ["validate", "plan", "apply", "run", "status", "keys", "token", "up"]

    static func run(_ command: String, _ arguments: [String]) -> Int32 {
        ProcessSignals.ignoreSIGPIPE()
        do {
            switch command {
            case "validate": return try validate(arguments)
            case "plan": return try plan(arguments)
            case "apply": return try apply(arguments)
            case "run": return try reconcileForever(arguments)
            case "status": return try status(arguments)
            case "keys": return try keys(arguments)
            case "token": return try token(arguments)
            default: return try UpCommand.run(arguments)
            }
        } catch let error as UsageError {
            Console.error("coffer \(command): \(error.reason)")
            return 2
        } catch let error as ControllerError {
            Console.error("coffer \(command): \(error.reason)")
            return 1
        } catch {
            Console.error("coffer \(command): \(error)")
            return 1
        }
    }

    // MARK: Commands

    private static func validate(_ arguments: [String]) throws -> Int32 {
        let options = try CommandOptions(arguments, valued: ["-f", "--file"], switches: [])
        let manifest = try load(options)
        let nodes = manifest.clusters.reduce(0) { $0 + $1.nodes.count }
        Console.out("\(manifest.file): valid (\(manifest.clusters.count) clusters, \(nodes) nodes)")
        return 0
    }

    private static func plan(_ arguments: [String]) throws -> Int32 {
        let options = try CommandOptions(
            arguments, valued: ["-f", "--file", "-o", "--output"], switches: ["--detailed-exitcode", "--force"])
        let context = try Context(manifest: load(options), options: reconcilerOptions(options))
        let (_, plan) = try context.reconciler.plan()
        if try jsonOutput(options) {
            Console.out(String(decoding: plan.json.serialized(), as: UTF8.self))
        } else {
            Console.out(plan.render(topology: context.manifest.name))
        }
        guard options.flag("--detailed-exitcode") else { return 0 }
        return plan.isConverged ? 0 : 2
    }

    private static func apply(_ arguments: [String]) throws -> Int32 {
        let options = try CommandOptions(
            arguments, valued: ["-f", "--file", "--timeout"], switches: ["--approve-destructive", "--force"])
        let timeout = try seconds(options.value("--timeout") ?? "5m", option: "--timeout")
        let context = try Context(manifest: load(options), options: reconcilerOptions(options))
        let lock = try context.lock()
        defer { lock.release() }
        let plan = try context.reconciler.pass(seconds: timeout)
        return finish(context, plan)
    }

    private static func reconcileForever(_ arguments: [String]) throws -> Int32 {
        let options = try CommandOptions(
            arguments, valued: ["-f", "--file"], switches: ["--approve-destructive", "--force"])
        let signals = SignalWatcher()
        let context = try Context(manifest: load(options), options: reconcilerOptions(options))
        let lock = try context.lock()
        defer { lock.release() }
        try loop(context, signals: signals)
        return 0
    }

    /// Passes at the manifest's interval until a termination signal.
    static func loop(
        _ context: Context, signals: SignalWatcher, converged: Bool = false, beforePass: () -> Void = {}
    ) throws {
        let interval = context.manifest.reconcile.intervalSeconds
        var lastSummary = converged ? "converged" : ""
        // `run` acts at once; `up` has just applied and waits one interval first.
        var pause = converged ? interval : 0
        while !signals.received(waiting: pause) {
            beforePass()
            let plan: Plan
            if context.manifest.reconcile.drift == .report {
                plan = try context.reconciler.plan().1
            } else {
                plan = try context.reconciler.pass(seconds: interval) { signals.received() }
            }
            let summary = plan.isConverged ? "converged" : plan.render(topology: context.manifest.name)
            if summary != lastSummary {
                Console.out(
                    "[\(Clock.rfc3339(Clock.now(), fractionalDigits: 0))] "
                        + (plan.isConverged ? "topology \(context.manifest.name) matches the manifest" : summary))
                lastSummary = summary
            }
            pause = plan.isConverged ? interval : min(interval, 2)
        }
    }

    private static func status(_ arguments: [String]) throws -> Int32 {
        let options = try CommandOptions(arguments, valued: ["-f", "--file", "-o", "--output"], switches: [])
        let context = try Context(manifest: load(options), options: Reconciler.Options())
        let report = StatusReport(manifest: context.manifest, observation: context.observer.observe())
        if try jsonOutput(options) {
            Console.out(String(decoding: report.json.serialized(), as: UTF8.self))
        } else {
            Console.out(report.render())
        }
        return report.allHealthy ? 0 : 2
    }

    private static func keys(_ arguments: [String]) throws -> Int32 {
        if arguments.first == "rekey" { return try rekey(Array(arguments.dropFirst())) }
        guard arguments.first == "show" else {
            throw UsageError("usage: coffer keys show|rekey -f MANIFEST [--cluster NAME]")
        }
        let options = try CommandOptions(
            Array(arguments.dropFirst()), valued: ["-f", "--file", "--cluster"], switches: [])
        let manifest = try load(options)
        let custody = Context.custody(manifest)
        let wanted = options.value("--cluster")
        let sets = try custody.keySets().filter { wanted == nil || $0.cluster == wanted }
        guard !sets.isEmpty else {
            Console.error("coffer keys: custody holds no key set\(wanted.map { " for \($0)" } ?? "")")
            return 1
        }
        Console.error("coffer keys: printing unseal shares and root tokens; treat this output as secret")
        for keySet in sets {
            Console.out(
                "key set \(keySet.id)  cluster \(keySet.cluster)  created \(keySet.created)"
                    + "  threshold \(keySet.threshold) of \(keySet.shares.count)"
                    + (keySet.superseded ? "  (superseded)" : "")
            )
            for (index, share) in keySet.shares.enumerated() { Console.out("  share \(index + 1): \(share)") }
            Console.out("  initial root token: \(keySet.rootToken)")
        }
        return 0
    }

    private static func rekey(_ arguments: [String]) throws -> Int32 {
        let options = try CommandOptions(arguments, valued: ["-f", "--file", "--cluster"], switches: [])
        let context = try Context(manifest: load(options), options: Reconciler.Options())
        guard let cluster = options.value("--cluster") else {
            throw UsageError("give --cluster with the primary cluster")
        }
        let lock = try context.lock()
        defer { lock.release() }
        let rekey = CustodyRekey(manifest: context.manifest, observer: context.actionObserver, custody: context.custody)
        let id = try rekey.run(cluster: cluster)
        Console.out("rekeyed \(cluster): key set \(id) is in custody and installed; the old key set is superseded")
        return 0
    }

    private static func token(_ arguments: [String]) throws -> Int32 {
        let options = try CommandOptions(arguments, valued: ["-f", "--file", "--cluster", "--ttl"], switches: [])
        let context = try Context(manifest: load(options), options: Reconciler.Options())
        guard let name = options.value("--cluster"), let cluster = context.manifest.cluster(named: name) else {
            throw UsageError("give --cluster with a cluster of the manifest")
        }
        let ttl = options.value("--ttl") ?? "1h"
        _ = try seconds(ttl, option: "--ttl")
        let observation = context.observer.observe()
        guard let node = observation.activeNode(of: cluster), let state = observation.state(node.name),
            let endpoint = context.actionObserver.endpoint(node.name)
        else {
            throw ControllerError(.agentUnreachable, "\(name) has no reachable active node")
        }
        guard let id = state.keySetID, let keySet = try context.custody.keySet(id: id) else {
            throw ControllerError(.custody, "custody holds no shares of key set \(state.keySetID ?? "(none)")")
        }
        let session = try RootTokenSession(endpoint: endpoint, keySet: keySet, ttl: ttl)
        Console.error("coffer token: a root token for \(name), valid for \(ttl); revoke it when done")
        Console.out(session.token)
        return 0
    }

    // MARK: Shared

    static func finish(_ context: Context, _ plan: Plan) -> Int32 {
        let report = StatusReport(manifest: context.manifest, observation: context.observer.observe())
        if plan.isConverged {
            Console.out("Topology \(context.manifest.name) matches the manifest.")
        } else {
            Console.out(plan.render(topology: context.manifest.name))
        }
        Console.out("")
        Console.out(report.render())
        return plan.isConverged ? 0 : 1
    }

    static func load(_ options: CommandOptions, default path: String? = nil) throws -> Manifest {
        guard let path = options.value("-f", "--file") ?? path else {
            throw UsageError("give the manifest with -f FILE")
        }
        return try ManifestLoader.load(path: path)
    }

    private static func reconcilerOptions(_ options: CommandOptions) -> Reconciler.Options {
        Reconciler.Options(approveDestructive: options.flag("--approve-destructive"), force: options.flag("--force"))
    }

    private static func jsonOutput(_ options: CommandOptions) throws -> Bool {
        switch options.value("-o", "--output") {
        case nil, "text": return false
        case "json": return true
        case let other?: throw UsageError("unknown output format \"\(other)\"; use text or json")
        }
    }

    private static func seconds(_ text: String, option: String) throws -> Double {
        guard let value = DurationParser.seconds(text), value > 0 else {
            throw UsageError("\(option): \"\(text)\" is not a positive duration such as 90s or 5m")
        }
        return Double(value)
    }
}

/// The parts of a controller command: the manifest, its agents, custody, journal and reconciler.
struct Context {
    let manifest: Manifest
    let observer: Observer
    let actionObserver: Observer
    let custody: any KeyCustody
    let journal: Journal
    let reconciler: Reconciler

    init(manifest: Manifest, options: Reconciler.Options) throws {
        self.manifest = manifest
        observer = Observer(
            manifest: manifest, client: try ControllerTLS.client(trust: manifest.trust, timeoutSeconds: 10))
        actionObserver = Observer(
            manifest: manifest, client: try ControllerTLS.client(trust: manifest.trust, timeoutSeconds: 120))
        custody = Self.custody(manifest)
        journal = try Journal(directory: manifest.reconcile.stateDirectory)
        reconciler = Reconciler(
            manifest: manifest, observer: observer, actionObserver: actionObserver, custody: custody, journal: journal,
            options: options
        ) { line in Console.out("  - \(line)") }
    }

    static func custody(_ manifest: Manifest) -> any KeyCustody {
        switch manifest.unseal.custody {
        case .file(let path): return FileCustody(path: path)
        }
    }

    /// The controller lock of the state directory.
    func lock() throws -> FileLock {
        try FileLock(path: manifest.reconcile.stateDirectory + "/lock")
    }
}
