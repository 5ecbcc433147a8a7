// swift-tools-version: 6.2
//
// Tandem: an open dual-write engine. One package: the host library, the CLI,
// the bundled plugins and the tests. The plugin SDK (C header, Swift kit)
// lives under SDK/ so that a third party can build a plugin from it alone.

import PackageDescription

/// Settings applied to every Swift target.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// The standard dual-write map plugins, one folder under Plugins/ and one
/// shared library (`libTandem<folder>.so`) each; see docs/MAPS.md.
let standardMapPlugins = [
    "ReferenceData", "Customers", "Vendors", "Products", "PartyGAB", "ProspectToCash", "ProcureToPay", "Notes", "Loyalty",
    "Assets",
]

let package = Package(
    name: "Tandem",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tandem", targets: ["TandemCLI"]),
        .library(name: "TandemPluginHost", targets: ["TandemPluginHost"]),
        .library(name: "TandemConformance", targets: ["TandemConformance"]),
        .library(name: "TandemPluginKit", targets: ["TandemPluginKit"]),
        // Bundled plugins: each is its own shared library, loaded with dlopen.
        .library(name: "TandemStandardTransforms", type: .dynamic, targets: ["StandardTransforms"]),
        .library(name: "TandemSampleMaps", type: .dynamic, targets: ["SampleMaps"]),
        // Fuzz harnesses run with libFuzzer by scripts/fuzz.sh, and over saved inputs without it.
        .executable(name: "tandem-fuzz", targets: ["TandemFuzzRunner"]),
        .executable(name: "tandem-postgres-bench", targets: ["TandemPostgreSQLBench"]),
        // A plugin the tests load: a table map with a batch mapper, written with the Swift kit.
        .library(name: "TandemTestMapperPlugin", type: .dynamic, targets: ["TestMapperPlugin"]),
    ] + standardMapPlugins.map { .library(name: "Tandem\($0)", type: .dynamic, targets: [$0]) },
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // SHA-256 of plugin libraries, checked against their manifests.
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // SQLite endpoints and Tandem's state database, over the system libsqlite3.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // tandem.yaml, with line and column for every error.
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // Metrics API for the engine (no-op unless a backend is bootstrapped).
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        // `tandem run --metrics`: the Prometheus backend and the HTTP server for `GET /metrics`.
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // No traits: Tandem needs neither swift-configuration support nor full Foundation from it.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        // PostgreSQL sides: the wire protocol, SCRAM, LISTEN/NOTIFY and COPY FROM STDIN,
        // so that Tandem writes no protocol code of its own (issue 15).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Already under postgres-nio; named for its connection errors (host not found,
        // connection refused), which a PostgreSQL side's error puts in plain words.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
    ],
    targets: [
        // MARK: SDK: what a plugin author needs.
        .target(
            name: "CTandemPlugin",
            path: "SDK",
            sources: ["abi"],
            publicHeadersPath: "include"
        ),
        .target(
            name: "TandemArrow",
            dependencies: ["CTandemPlugin"],
            path: "SDK/Swift/TandemArrow",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TandemDocuments",
            dependencies: ["TandemArrow"],
            path: "SDK/Swift/TandemDocuments",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TandemPluginKit",
            dependencies: ["CTandemPlugin", "TandemArrow", "TandemDocuments"],
            path: "SDK/Swift/TandemPluginKit",
            swiftSettings: swiftSettings
        ),

        // MARK: Host.
        .target(
            name: "TandemPluginHost",
            dependencies: [
                "CTandemPlugin", "TandemArrow", "TandemDocuments", "_TandemProcessShims",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TandemConformance",
            dependencies: [
                "CTandemPlugin", "TandemArrow", "TandemDocuments", "TandemPluginHost",
                // Runs a plugin's SQLite DDL to check the tables and columns its maps name.
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // SQLite calls Swift cannot make (variadic), for the engine.
        .target(
            name: "_TandemSQLiteShims",
            dependencies: [.product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        // Process calls Swift cannot make (variadic prctl, closefrom), for `tandem run`'s supervisor and plugin hosts.
        .target(name: "_TandemProcessShims"),
        .target(
            name: "TandemEngine",
            dependencies: [
                "TandemArrow", "TandemDocuments", "TandemPluginHost", "_TandemSQLiteShims",
                // PostgreSQL sides (Endpoints/PostgreSQL), behind the same endpoint interface.
                "TandemPostgreSQL",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the engine's measured hot path (see RawStatement).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        // `tandem demo`: the demo's data and its live run, on the engine's public and package API.
        .target(
            name: "TandemDemo",
            dependencies: [
                "TandemEngine", "TandemPluginHost", "TandemDocuments", "TandemPostgreSQL",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // `tandem bench`: the sync, initial-sync and write benchmarks.
        .target(
            name: "TandemBenchmark",
            dependencies: [
                "TandemEngine", "TandemPluginHost", "TandemDocuments",
                // The writers and limits of PostgreSQL sides (--erp/--crm).
                "TandemPostgreSQL",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The PostgreSQL endpoint: capture, change reading, apply + checkpoint, COPY bulk
        // copy, introspection. Depends on no engine module: the engine reaches it through
        // the endpoint interface, which is designed apart from it.
        .target(
            name: "TandemPostgreSQL",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // scripts/bench-postgres-capture.sh: installs capture through the endpoint, times a reader.
        .executableTarget(
            name: "TandemPostgreSQLBench",
            dependencies: ["TandemPostgreSQL", .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: swiftSettings
        ),
        // `tandem run --metrics`: Prometheus registry and the `GET /metrics` HTTP endpoint.
        .target(
            name: "TandemMetrics",
            dependencies: [
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // `tandem console`: the admin console's pages and REST API (issue 20), on the engine's operations.
        .target(
            name: "TandemConsole",
            dependencies: [
                "TandemDocuments", "TandemEngine", "TandemPluginHost",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "TandemCLI",
            dependencies: [
                "CTandemPlugin", "TandemArrow", "TandemPluginHost", "TandemConformance", "TandemDocuments", "TandemEngine",
                "TandemMetrics", "TandemConsole", "TandemDemo", "TandemBenchmark", "_TandemProcessShims",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Bundled plugins.
        .target(
            name: "StandardTransforms",
            dependencies: ["CTandemPlugin", "TandemPluginKit"],
            path: "Plugins/StandardTransforms",
            exclude: ["tandem-plugin.json"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SampleMaps",
            dependencies: ["CTandemPlugin", "TandemPluginKit"],
            path: "Plugins/SampleMaps",
            exclude: ["tandem-plugin.json"],
            swiftSettings: swiftSettings
        ),
        // Field shapes, value maps, lookups and DDL that the standard map plugins share;
        // linked into each of them (no manifest: it is not a plugin).
        .target(
            name: "StandardMapKit",
            dependencies: ["TandemDocuments"],
            path: "Plugins/StandardMapKit",
            swiftSettings: swiftSettings
        ),
    ] + standardMapPlugins.map { plugin -> Target in
        .target(
            name: plugin,
            dependencies: ["CTandemPlugin", "TandemPluginKit", "StandardMapKit"],
            path: "Plugins/\(plugin)",
            exclude: ["tandem-plugin.json"],
            swiftSettings: swiftSettings
        )
    } + [
        // MARK: Fuzzing (scripts/fuzz.sh, docs/FUZZING.md).
        .target(
            name: "TandemFuzzing",
            dependencies: ["CTandemPlugin", "TandemArrow", "TandemDocuments", "TandemEngine"],
            path: "Fuzz/Harnesses",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "TandemFuzzRunner",
            dependencies: ["TandemFuzzing"],
            path: "Fuzz/Runner",
            swiftSettings: swiftSettings
        ),

        // MARK: Tests.
        .target(
            name: "TestMapperPlugin",
            dependencies: ["CTandemPlugin", "TandemPluginKit"],
            path: "Tests/Plugins/TestMapperPlugin",
            exclude: ["tandem-plugin.json"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TandemTestSupport",
            dependencies: ["TandemPluginHost", "TandemDocuments"],
            path: "Tests/TandemTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TandemFuzzTests",
            dependencies: ["TandemFuzzing", "TandemTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TandemArrowTests",
            dependencies: ["TandemArrow", "CTandemPlugin"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TandemPluginHostTests",
            dependencies: ["TandemPluginHost", "TandemConformance", "TandemArrow", "TandemDocuments", "TandemTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TandemCLITests",
            dependencies: ["TandemDocuments", "TandemTestSupport"],
            swiftSettings: swiftSettings
        ),
        // Runs against the server named by TANDEM_TEST_POSTGRES_URL (scripts/with-postgres.sh).
        .testTarget(
            name: "TandemPostgreSQLTests",
            dependencies: [
                "TandemPostgreSQL", "TandemTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TandemSyncTests",
            dependencies: [
                "TandemEngine", "TandemTestSupport", "TandemDocuments", "TandemPostgreSQL", "TandemDemo",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
