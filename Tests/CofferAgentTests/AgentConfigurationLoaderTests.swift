import CofferYAML
import Testing

@testable import CofferAgent

struct AgentConfigurationLoaderTests {
    private func decode(_ text: String) throws(YAMLError) -> AgentConfiguration {
        try AgentConfigurationLoader.decode(YAMLField(node: YAMLParser.parse(text), file: "agent.yaml"))
    }

    @Test func fullConfigurationDecodes() throws {
        let configuration = try decode(
            """
            node: { name: dc1-a, cluster: dc1 }
            api:
              address: 127.0.0.1:8200
              tls: { certFile: a.pem, keyFile: a-key.pem }
              workers: 6
            storage:
              sqlite: { path: /tmp/x.db, synchronous: normal }
            log: { level: debug }
            """)
        #expect(configuration.nodeName == "dc1-a")
        #expect(configuration.clusterName == "dc1")
        #expect(configuration.tls?.certificateFile == "a.pem")
        #expect(configuration.advertiseAddress == "https://127.0.0.1:8200")
        #expect(configuration.workerThreads == 6)
        #expect(configuration.storage == .sqlite(path: "/tmp/x.db", synchronous: "normal"))
        #expect(configuration.logLevel == .debug)
    }

    @Test func theExampleInAgentsParses() throws {
        let configuration = try AgentConfigurationLoader.load(path: "\(Self.packageRoot)/Agents/agent.example.yaml")
        #expect(configuration.storage == .sqlite(path: "/var/lib/coffer/dc1.db", synchronous: "full"))
        #expect(configuration.controllerCAFile == "/etc/coffer/pki/controller-ca.pem")
    }

    @Test func controllerAndPrimaryCAFilesDecode() throws {
        let configuration = try decode(
            """
            node: { name: dc2-a, cluster: dc2 }
            api: { address: 127.0.0.1:8200, tls: { certFile: a.pem, keyFile: a-key.pem } }
            storage: { inmem: {} }
            replication: { walMaxRecords: 10, primaryCAFile: pki/dc1-ca.pem }
            controller: { caFile: pki/controller-ca.pem }
            """)
        #expect(configuration.controllerCAFile == "pki/controller-ca.pem")
        #expect(configuration.primaryCAFile == "pki/dc1-ca.pem")
        #expect(configuration.walMaxRecords == 10)
    }

    @Test func withoutThemNeitherCAFileIsSet() throws {
        let configuration = try decode(
            "node: { name: a, cluster: b }\napi: { address: 127.0.0.1:1, plaintext: true }\nstorage: { inmem: {} }\n"
                + "replication: { walMaxBytes: 65536 }\n")
        #expect(configuration.controllerCAFile == nil)
        #expect(configuration.primaryCAFile == nil)
    }

    static var packageRoot: String {
        var parts = #filePath.split(separator: "/").dropLast(3)
        if parts.isEmpty { parts = ["."] }
        return "/" + parts.joined(separator: "/")
    }

    @Test(arguments: [
        ("node: { name: a, cluster: b }\napi: { address: 127.0.0.1:1 }\nstorage: { inmem: {} }\n", "api", 2),
        (
            "node: { name: a, cluster: b }\napi: { address: nope, plaintext: true }\nstorage: { inmem: {} }\n",
            "api.address", 2
        ),
        (
            "node: { name: a, cluster: b, colour: red }\napi: { address: 1.2.3.4:1, plaintext: true }\n", "node.colour",
            1
        ),
        ("node: { name: a, cluster: b }\napi: { address: 1.2.3.4:1, plaintext: true }\nstorage: {}\n", "storage", 3),
        (
            "node: { name: a, cluster: b }\napi: { address: 1.2.3.4:1, plaintext: true }\n"
                + "storage: { sqlite: { path: x, synchronous: sometimes } }\n", "storage.sqlite.synchronous", 3
        ),
        (
            "node: { name: a, cluster: b }\napi: { address: 1.2.3.4:1, plaintext: true }\nstorage: { inmem: {} }\n"
                + "controller: { caFile: ca.pem }\n", "controller", 4
        ),
        (
            "node: { name: a, cluster: b }\napi: { address: 1.2.3.4:1, tls: { certFile: a, keyFile: b } }\n"
                + "storage: { inmem: {} }\ncontroller: { caFile: ca.pem, certFile: c.pem }\n", "controller.certFile", 4
        ),
        (
            "node: { name: a, cluster: b }\napi: { address: 1.2.3.4:1, tls: { certFile: a, keyFile: b } }\n"
                + "storage: { inmem: {} }\ncontroller: { caFile: ~ }\n", "controller.caFile", 4
        ),
        (
            "node: { name: a, cluster: b }\napi: { address: 1.2.3.4:1, plaintext: true }\nstorage: { inmem: {} }\n"
                + "replication: { primaryCAFile: \"\" }\n", "replication.primaryCAFile", 4
        ),
        (
            "node: { name: a, cluster: b }\napi: { address: 1.2.3.4:1, plaintext: true }\nstorage: { inmem: {} }\n"
                + "replication: { primaryCA: x.pem }\n", "replication.primaryCA", 4
        ),
    ])
    func errorsNameTheFileLineAndField(text: String, field: String, line: Int) {
        #expect {
            try decode(text)
        } throws: { error in
            let message = "\(error)"
            return message.contains("agent.yaml:\(line):") && message.contains(field)
        }
    }
}
