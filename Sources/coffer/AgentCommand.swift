import CofferAgent
import CofferBase
import CofferCore
import CofferHTTP
import Glibc

/// `coffer agent`: runs one node until SIGTERM or SIGINT.
enum AgentCommand {
    static func run(_ arguments: [String]) -> Int32 {
        var configPath: String?
        var dev = false
        var devRootToken: String?
        var devListen = "127.0.0.1:8200"
        var index = 0
        func value() -> String? {
            index += 1
            return index < arguments.count ? arguments[index] : nil
        }
        while index < arguments.count {
            let argument = arguments[index]
            let (name, inline) = split(argument)
            switch name {
            case "--config", "-config": configPath = inline ?? value()
            case "--dev", "-dev": dev = true
            case "--dev-root-token-id", "-dev-root-token-id": devRootToken = inline ?? value()
            case "--dev-listen-address", "-dev-listen-address": devListen = inline ?? value() ?? devListen
            default:
                Console.error("coffer agent: unknown option \"\(argument)\"")
                return 2
            }
            index += 1
        }
        guard dev != (configPath != nil) else {
            Console.error("coffer agent: give exactly one of --config FILE or --dev")
            return 2
        }
        ProcessSignals.ignoreSIGPIPE()
        let signals = blockTerminationSignals()
        do {
            let configuration: AgentConfiguration
            if dev {
                configuration = .development(listenAddress: devListen)
            } else {
                configuration = try AgentConfigurationLoader.load(path: configPath!)
            }
            let logger = Logger(label: "coffer.agent", level: configuration.logLevel)
            let agent = try Agent(configuration: configuration, logger: logger)
            if dev {
                let credentials = try agent.core.bootstrapDevelopment(rootTokenID: devRootToken)
                try agent.start()
                printDevBanner(port: agent.boundPort, host: devListen, credentials: credentials)
            } else {
                try agent.start()
            }
            var received: Int32 = 0
            sigwait(&signals.set, &received)
            logger.info("shutting down", ["signal": received == SIGINT ? "SIGINT" : "SIGTERM"])
            agent.stop()
            return 0
        } catch {
            Console.error("coffer agent: \(error)")
            return 1
        }
    }

    private static func split(_ argument: String) -> (String, String?) {
        guard argument.hasPrefix("-"), let equals = argument.firstIndex(of: "=") else { return (argument, nil) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }

    /// The termination signals, blocked in this thread before any worker starts so that every
    /// thread inherits the mask and only `sigwait` here receives them.
    final class SignalSet {
        var set = sigset_t()
    }

    private static func blockTerminationSignals() -> SignalSet {
        let signals = SignalSet()
        sigemptyset(&signals.set)
        sigaddset(&signals.set, SIGINT)
        sigaddset(&signals.set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals.set, nil)
        return signals
    }

    private static func printDevBanner(port: Int, host: String, credentials: Core.DevCredentials) {
        let hostOnly = HostPort.parse(host)?.host ?? "127.0.0.1"
        let address = "http://\(hostOnly):\(port)"
        print(
            """
            ==> Coffer dev node started. Data is in memory and lost on exit.

                Api Address: \(address)
                Unseal Key:  \(Base64.encode(credentials.unsealKey))
                Root Token:  \(credentials.rootToken)

                export VAULT_ADDR='\(address)' BAO_ADDR='\(address)'
            """)
        fflush(nil)
    }
}
