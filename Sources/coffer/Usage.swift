import CofferCore

/// The text of `coffer help`.
enum Usage {
    static let text = """
        Usage: coffer <command> [options]

        Commands:
          agent --config FILE            run the agent daemon of one host
          agent --dev [--dev-root-token-id ID] [--dev-listen-address HOST:PORT]
                                         run a throwaway in-memory node (plain HTTP, unsealed)
          version                        print the version
        """
}

/// The version string, from the core module.
enum CofferVersionText {
    static let value = CofferVersion.string
}
