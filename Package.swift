// swift-tools-version:6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Qonduit",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "qonduit", targets: ["qonduit"]),
        .library(name: "QonduitCore", targets: ["QonduitCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        // The system's libcrypto (OpenSSL): hashing and sealing for the core. swift-crypto would build
        // a second BoringSSL beside swift-nio-ssl's, a fifth of a first build.
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // Pure domain core: model, validation, geography, link-rate model, access secrets. No I/O.
        .target(name: "QonduitCore", dependencies: ["CLibCrypto"], swiftSettings: strictSettings),

        // Key-relay path computation: pure, array-based graph algorithms.
        .target(
            name: "QonduitPathEngine",
            dependencies: ["QonduitCore", .product(name: "HeapModule", package: "swift-collections")],
            swiftSettings: strictSettings
        ),

        // libxml2, confined to one Foundation-free target (its headers clash with Foundation's ICU).
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // The SAX2 tree builder, in C: per-event work Swift could not do without per-call overhead.
        .target(name: "CQonduitXMLTree", dependencies: ["CLibXML2"]),
        .target(name: "QonduitXML", dependencies: ["CLibXML2", "CQonduitXMLTree"], swiftSettings: strictSettings),

        // GS QKD 015 node model (etsi-qkd-sdn-node) as typed values, decoded and encoded as XML.
        .target(name: "QonduitETSI", dependencies: ["QonduitCore", "QonduitXML"], swiftSettings: strictSettings),

        // Topology file formats (Qonduit native YANG XML, GraphML, SNDlib): read, write, validate.
        .target(name: "QonduitTopology", dependencies: ["QonduitCore", "QonduitXML"], swiftSettings: strictSettings),

        // What the controller keeps, as protocols by concern with value types: no storage engine here.
        .target(name: "QonduitStorage", dependencies: ["QonduitCore", "QonduitTopology"], swiftSettings: strictSettings),

        // The embedded implementation of QonduitStorage: SQLite through GRDB, the one target that imports it.
        .target(
            name: "QonduitSQLite",
            dependencies: [
                "QonduitCore", "QonduitTopology", "QonduitStorage", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),

        // The shared implementation of QonduitStorage: PostgreSQL through postgres-nio, for several controllers.
        .target(
            name: "QonduitPostgres",
            dependencies: [
                "QonduitCore", "QonduitTopology", "QonduitStorage", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strictSettings
        ),

        // Key-path provisioning: admission control, configuration of the path's nodes, activation and rollback.
        .target(
            name: "QonduitProvisioning",
            dependencies: [
                "QonduitCore", "QonduitPathEngine", "QonduitETSI", "QonduitStorage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),

        // Northbound JSON HTTP API.
        .target(
            name: "QonduitAPI",
            dependencies: [
                "QonduitCore", "QonduitTopology", "QonduitStorage", "QonduitPathEngine", "QonduitProvisioning",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            resources: [
                .embedInCode("openapi.json"), .embedInCode("Console/index.html"), .embedInCode("Console/console.css"),
                .embedInCode("Console/console.js"), .embedInCode("Console/map.js"), .embedInCode("Console/api.js"),
                .embedInCode("Console/dom.js"), .embedInCode("Console/events.js"), .embedInCode("Console/details.js"),
            ],
            swiftSettings: strictSettings
        ),

        // Southbound: node agents register and report in GS QKD 015 XML.
        .target(
            name: "QonduitSouthbound",
            dependencies: [
                "QonduitCore", "QonduitETSI", "QonduitStorage", "QonduitProvisioning",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),

        // The device-agent simulator: a RESTCONF server over one node's tree that registers and reports.
        .target(
            name: "QonduitAgent",
            dependencies: [
                "QonduitCore", "QonduitETSI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),

        // The whole controller assembled over an inventory, for `qonduit serve` and for tests alike.
        .target(
            name: "QonduitController",
            dependencies: [
                "QonduitCore", "QonduitStorage", "QonduitSQLite", "QonduitPostgres", "QonduitTopology", "QonduitXML", "QonduitAPI",
                "QonduitSouthbound", "QonduitProvisioning",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: strictSettings
        ),

        // The API's JSON schemas as Swift types, generated from Sources/QonduitAPI/openapi.json
        // (scripts/generate-openapi-types.sh; the code is committed, so no build runs the generator).
        .target(
            name: "QonduitAPITypes",
            dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")],
            // Generated code writes its imports `public` whether used or not, and silences the warning only for
            // Swift 6.4 (`@diagnose`): on 6.3 each would warn, so this target's warnings are the generator's to fix.
            swiftSettings: strictSettings + [.unsafeFlags(["-suppress-warnings"])]
        ),

        // The `qonduit` command line: server, offline tools and API client.
        .target(
            name: "QonduitCLI",
            dependencies: [
                "QonduitCore", "QonduitTopology", "QonduitStorage", "QonduitSQLite", "QonduitPostgres", "QonduitAPI", "QonduitPathEngine",
                "QonduitETSI",
                "QonduitXML",
                "QonduitSouthbound", "QonduitAgent", "QonduitProvisioning", "QonduitController", "QonduitAPITypes",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(name: "qonduit", dependencies: ["QonduitCLI"], swiftSettings: strictSettings),

        // What every test suite shares: polling, child processes, files, the repository's paths and
        // reference files; nothing of the controller, so that core, path-engine and codec tests link little.
        .target(name: "QonduitTestSupport", path: "Tests/QonduitTestSupport", swiftSettings: strictSettings),
        // What any storage implementation must pass, and a wrapper that injects failures into any.
        .target(
            name: "QonduitStorageTestSupport",
            dependencies: ["QonduitCore", "QonduitTopology", "QonduitStorage", "QonduitTestSupport"],
            path: "Tests/QonduitStorageTestSupport", swiftSettings: strictSettings
        ),
        // The PostgreSQL server scripts/test starts, and scratch databases on it.
        .target(
            name: "QonduitPostgresTestSupport",
            dependencies: [
                "QonduitStorage", "QonduitPostgres", .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/QonduitPostgresTestSupport", swiftSettings: strictSettings
        ),
        // The whole controller in process, agents beside it, and the test doubles of the nodes.
        .target(
            name: "QonduitControllerTestSupport",
            dependencies: [
                "QonduitTestSupport", "QonduitCore", "QonduitETSI", "QonduitStorage", "QonduitSQLite", "QonduitPostgres", "QonduitProvisioning",
                "QonduitTopology",
                "QonduitController", "QonduitAgent", "QonduitSouthbound", "QonduitAPI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/QonduitControllerTestSupport", swiftSettings: strictSettings
        ),
        .testTarget(name: "QonduitCoreTests", dependencies: ["QonduitCore", "QonduitTestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "QonduitPathEngineTests", dependencies: ["QonduitCore", "QonduitPathEngine", "QonduitTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(name: "QonduitXMLTests", dependencies: ["QonduitXML"], swiftSettings: strictSettings),
        .testTarget(
            name: "QonduitETSITests", dependencies: ["QonduitCore", "QonduitETSI", "QonduitXML", "QonduitTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "QonduitTopologyTests",
            dependencies: ["QonduitCore", "QonduitTopology", "QonduitXML", "QonduitTestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "QonduitSQLiteTests",
            dependencies: [
                "QonduitCore", "QonduitTopology", "QonduitStorage", "QonduitSQLite", "QonduitTestSupport", "QonduitStorageTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "QonduitPostgresTests",
            dependencies: [
                "QonduitCore", "QonduitStorage", "QonduitPostgres", "QonduitTestSupport", "QonduitStorageTestSupport",
                "QonduitPostgresTestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "QonduitProvisioningTests",
            dependencies: [
                "QonduitCore", "QonduitStorage", "QonduitSQLite", "QonduitProvisioning", "QonduitETSI", "QonduitTestSupport",
                "QonduitControllerTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "QonduitAPITests",
            dependencies: [
                "QonduitCore", "QonduitStorage", "QonduitSQLite", "QonduitAPI", "QonduitProvisioning", "QonduitETSI", "QonduitTestSupport",
                "QonduitControllerTestSupport", "QonduitStorageTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "QonduitSouthboundTests",
            dependencies: [
                "QonduitCore", "QonduitETSI", "QonduitStorage", "QonduitSQLite", "QonduitAPI", "QonduitSouthbound", "QonduitAgent",
                "QonduitProvisioning",
                "QonduitTestSupport", "QonduitControllerTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "QonduitAgentTests",
            dependencies: [
                "QonduitCore", "QonduitETSI", "QonduitAgent", "QonduitTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "QonduitControllerTests",
            dependencies: [
                "QonduitCore", "QonduitStorage", "QonduitSQLite", "QonduitTopology", "QonduitAgent", "QonduitController", "QonduitSouthbound",
                "QonduitAPI",
                "QonduitTestSupport", "QonduitControllerTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "QonduitEndToEndTests",
            dependencies: [
                "qonduit", "QonduitTestSupport", "QonduitControllerTestSupport", "QonduitPostgresTestSupport", "QonduitCore", "QonduitETSI",
                "QonduitStorage", "QonduitSQLite", "QonduitPostgres",
                "QonduitXML",
                "QonduitController", "QonduitAgent", "QonduitSouthbound", "QonduitTopology",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
