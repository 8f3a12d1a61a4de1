extension Policy {
    /// The document of the built-in `default` policy: what every token may do with itself.
    public static let defaultPolicyDocument = """
        # Every token may inspect, renew and revoke itself.
        path "auth/token/lookup-self" {
            capabilities = ["read"]
        }

        path "auth/token/renew-self" {
            capabilities = ["update"]
        }

        path "auth/token/revoke-self" {
            capabilities = ["update"]
        }

        # A token may ask what it is allowed to do on given paths.
        path "sys/capabilities-self" {
            capabilities = ["update"]
        }

        # A token may renew and look up the leases it holds.
        path "sys/leases/renew" {
            capabilities = ["update"]
        }

        path "sys/leases/lookup" {
            capabilities = ["update"]
        }

        # The cubbyhole is private to each token, so the token owns all of it.
        path "cubbyhole/*" {
            capabilities = ["create", "read", "update", "delete", "list"]
        }

        # Response wrapping: wrap data, and inspect, unwrap or rewrap a wrapping token.
        path "sys/wrapping/*" {
            capabilities = ["update"]
        }

        # Hashing helpers carry no secrets of their own.
        path "sys/tools/hash" {
            capabilities = ["update"]
        }

        path "sys/tools/hash/*" {
            capabilities = ["update"]
        }
        """

    /// The built-in `default` policy, parsed.
    public static let defaultPolicy: Policy = {
        do {
            return try Policy.parse(name: defaultName, document: defaultPolicyDocument)
        } catch {
            // The document is a constant checked by tests; failing here is a programming error.
            fatalError("the built-in default policy does not parse: \(error)")
        }
    }()
}
