import CofferBase
import CofferController
import Glibc

/// `coffer up`: the local demo topology. Starts the agents of a loopback manifest as child
/// processes, applies the manifest, prints the status and how to try it, and keeps reconciling
/// (restarting an agent that dies) until Ctrl-C; then stops the agents in order.
enum UpCommand {
    static func run(_ arguments: [String]) throws -> Int32 {
        let options = try CommandOptions(
            arguments, valued: ["-f", "--file", "--dir", "--timeout"], switches: ["--approve-destructive"])
        let signals = SignalWatcher()
        let path = options.value("-f", "--file") ?? "Manifests/local.yaml"
        let manifest = try ManifestLoader.load(path: path)
        let local = try LocalTopology(manifest: manifest, directory: options.value("--dir") ?? ".coffer")
        let started = Clock.monotonicNanoseconds()
        try local.prepare()
        let context = try Context(
            manifest: manifest,
            options: Reconciler.Options(approveDestructive: options.flag("--approve-destructive")))
        let lock = try context.lock()
        defer { lock.release() }
        let executable = ChildProcess.currentExecutable()
        var children: [String: ChildProcess] = [:]
        defer { stop(children) }
        for files in local.nodes {
            children[files.node.name] = try ChildProcess(
                executable: executable, arguments: ["agent", "--config", files.configFile], logFile: files.logFile)
        }
        Console.out(
            "coffer up: started \(children.count) agents of \(path); logs in \(local.directory)/agents/*/agent.log")
        guard waitForAgents(context, local: local, children: children, signals: signals) else { return 1 }
        let plan = try context.reconciler.pass(seconds: 180) { signals.received() }
        let elapsed = Double(Clock.monotonicNanoseconds() - started) / 1e9
        _ = ControllerCommand.finish(context, plan)
        if plan.isConverged {
            Console.out("\nConverged in \(DurationText.oneDecimal(elapsed)) s.")
            Console.out(tryThis(manifest: manifest, path: path, executable: executable))
        }
        Console.out(
            "\nReconciling every \(Int(manifest.reconcile.intervalSeconds)) s; press Ctrl-C to stop the agents.")
        try ControllerCommand.loop(context, signals: signals, converged: plan.isConverged) {
            for files in local.nodes where children[files.node.name]?.isRunning != true {
                Console.out("  - agent \(files.node.name) exited; starting it again (see \(files.logFile))")
                children[files.node.name] = try? ChildProcess(
                    executable: executable, arguments: ["agent", "--config", files.configFile], logFile: files.logFile)
            }
        }
        Console.out("\ncoffer up: stopping the agents")
        return 0
    }

    private static func waitForAgents(
        _ context: Context, local: LocalTopology, children: [String: ChildProcess], signals: SignalWatcher
    ) -> Bool {
        let deadline = Clock.monotonicNanoseconds() + 60_000_000_000
        while Clock.monotonicNanoseconds() < deadline, !signals.received() {
            let observation = context.observer.observe()
            let silent = local.nodes.filter { observation.state($0.node.name) == nil }
            if silent.isEmpty { return true }
            for files in silent where children[files.node.name]?.isRunning != true {
                Console.error(
                    "coffer up: agent \(files.node.name) exited at start; see \(files.logFile):\n"
                        + tail(Files.readText(files.logFile) ?? ""))
                return false
            }
            _ = signals.received(waiting: 0.1)
        }
        Console.error("coffer up: the agents did not answer in time; see \(local.directory)/agents/*/agent.log")
        return false
    }

    private static func stop(_ children: [String: ChildProcess]) {
        let running = children.values.filter(\.isRunning)
        for child in running { kill(child.pid, SIGTERM) }
        for child in running { child.stop() }
    }

    private static func tail(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).suffix(15).joined(separator: "\n")
    }

    private static func tryThis(manifest: Manifest, path: String, executable: String) -> String {
        guard let primary = manifest.primary, let primaryNode = primary.nodes.first else { return "" }
        var lines = [
            "", "Try it (the bao CLI speaks to Coffer as to Vault):",
            "  export VAULT_ADDR=\(primaryNode.agent) VAULT_CACERT=\(Files.absolute(manifest.trust.caFile))",
            "  export VAULT_TOKEN=$(\(executable) token -f \(path) --cluster \(primary.name))",
            "  bao secrets enable -path=secret kv-v2",
            "  bao kv put secret/hello greeting=hello",
        ]
        if let secondary = manifest.clusters.first(where: { $0.role == .secondary }), let node = secondary.nodes.first {
            lines.append("  # read it back on the secondary \(secondary.name) (tokens are per cluster):")
            lines.append(
                "  VAULT_ADDR=\(node.agent) VAULT_TOKEN=$(\(executable) token -f \(path) --cluster \(secondary.name)) "
                    + "bao kv get secret/hello")
        }
        lines.append("  \(executable) status -f \(path)")
        return lines.joined(separator: "\n")
    }
}
