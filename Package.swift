// swift-tools-version:6.0
import PackageDescription

/// Module layering (DESIGN.md §2): Base → Crypto, Storage, YAML, Client → Core → HTTP → Agent → coffer.
let package = Package(
    name: "Coffer",
    products: [
        .executable(name: "coffer", targets: ["coffer"])
    ],
    targets: [
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CEvent", pkgConfig: "libevent_openssl", providers: [.apt(["libevent-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CPostgres", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),

        .target(name: "CofferBase"),
        .target(name: "CofferCrypto", dependencies: ["CofferBase", "COpenSSL"]),
        .target(name: "CofferStorage", dependencies: ["CofferBase", "CSQLite", "CPostgres"]),
        .target(name: "CofferYAML", dependencies: ["CYAML"]),
        .target(name: "CofferClient", dependencies: ["CofferBase", "CCurl", "COpenSSL"]),
        .target(name: "CofferCore", dependencies: ["CofferBase", "CofferCrypto", "CofferStorage"]),
        .target(
            name: "CofferReplication",
            dependencies: ["CofferBase", "CofferCrypto", "CofferStorage", "CofferCore", "CofferClient", "COpenSSL"]),
        .target(name: "CofferHTTP", dependencies: ["CofferBase", "CofferCore", "CEvent", "COpenSSL"]),
        .target(
            name: "CofferAgent",
            dependencies: [
                "CofferBase", "CofferCore", "CofferHTTP", "CofferYAML", "CofferReplication", "CofferStorage",
            ]),
        .target(
            name: "CofferController", dependencies: ["CofferBase", "CofferCrypto", "CofferClient", "CofferYAML"]),
        .executableTarget(
            name: "coffer-bench", dependencies: ["CofferCore", "CofferStorage", "CofferBase"],
            path: "Benchmarks/CoreBench"),
        .executableTarget(
            name: "coffer-replication-bench",
            dependencies: ["CofferCore", "CofferStorage", "CofferBase", "CofferHTTP", "CofferReplication"],
            path: "Benchmarks/ReplicationBench"),
        .executableTarget(
            name: "coffer",
            dependencies: [
                "CofferAgent", "CofferController", "CofferCore", "CofferHTTP", "CofferBase", "CofferCrypto",
            ]),

        .testTarget(name: "CofferBaseTests", dependencies: ["CofferBase"]),
        .testTarget(name: "CofferCryptoTests", dependencies: ["CofferCrypto"]),
        .testTarget(
            name: "CofferStorageTests", dependencies: ["CofferStorage", "CSQLite", "CPostgres", "CofferTestSupport"]),
        .testTarget(name: "CofferYAMLTests", dependencies: ["CofferYAML"]),
        .testTarget(
            name: "CofferCoreTests", dependencies: ["CofferCore", "CofferBase", "CofferStorage", "CofferTestSupport"]),
        .target(name: "CofferTestSupport", path: "Tests/CofferTestSupport"),
        .testTarget(name: "CofferHTTPTests", dependencies: ["CofferHTTP", "CofferClient", "CofferTestSupport"]),
        .testTarget(name: "CofferClientTests", dependencies: ["CofferClient", "CofferHTTP", "CofferTestSupport"]),
        .testTarget(
            name: "CofferReplicationTests",
            dependencies: [
                "CofferReplication", "CofferCrypto", "CofferStorage", "CofferBase", "CSQLite", "CofferTestSupport",
            ]),
        .testTarget(
            name: "CofferAgentTests",
            dependencies: ["CofferAgent", "CofferYAML", "CofferCore", "CofferHTTP", "CofferStorage", "CofferBase"]),
        .testTarget(name: "CofferControllerTests", dependencies: ["CofferController", "CofferTestSupport"]),
        .testTarget(
            name: "CofferIntegrationTests", dependencies: ["CofferClient", "CofferCrypto", "CofferTestSupport"]),
    ]
)
