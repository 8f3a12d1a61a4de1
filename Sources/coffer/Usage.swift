import CofferCore

/// The text of `coffer help`.
enum Usage {
    static let text = """
        Usage: coffer <command> [options]

        Commands:
          agent --config FILE            run the agent daemon of one host
          agent --dev [--dev-root-token-id ID] [--dev-listen-address HOST:PORT]
                                         run a throwaway in-memory node (plain HTTP, unsealed)
          up [-f MANIFEST] [--dir DIR]   start the agents of a loopback manifest (default
                                         Manifests/local.yaml), apply it and keep it applied
          validate -f MANIFEST           check a topology manifest
          plan -f MANIFEST [-o json] [--detailed-exitcode] [--force]
                                         show the ordered actions that would make the world match
          apply -f MANIFEST [--approve-destructive] [--force] [--timeout 5m]
                                         make the world match the manifest
          run -f MANIFEST [--approve-destructive] [--force]
                                         apply at the manifest's interval until stopped
          status -f MANIFEST [-o json]   one row per node, each asked on its own
          keys show -f MANIFEST [--cluster NAME]
                                         print the custody's shares and initial root tokens
          keys rekey -f MANIFEST --cluster NAME
                                         replace the cluster's unseal shares, custody first
          token -f MANIFEST --cluster NAME [--ttl 1h]
                                         print a short-lived root token made from custody shares
          version                        print the version
        """
}

/// The version string, from the core module.
enum CofferVersionText {
    static let value = CofferVersion.string
}
