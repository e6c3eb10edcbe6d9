// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "DubKit",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "dubkit", targets: ["dubkit"]),
        .library(name: "DubKit", targets: ["DubKit"]),
        .library(name: "DubKitMedia", targets: ["DubKitMedia"]),
        .library(name: "DubKitHTTP", targets: ["DubKitHTTP"]),
        .library(name: "DubKitProviderKit", targets: ["DubKitProviderKit"]),
        .library(name: "DubKitPostgres", targets: ["DubKitPostgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "3.12.3"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "DubKitHTTP",
            dependencies: ["CCurl"]
        ),
        .target(
            name: "DubKit",
            dependencies: [
                "DubKitMedia",
                "DubKitHTTP",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The PostgreSQL store (issue 21): the only module that depends on postgres-nio (and so on SwiftNIO).
        .target(
            name: "DubKitPostgres",
            dependencies: [
                "DubKit",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                // Rows are read through the records' own decoders (`Dub(row:)`), which take GRDB rows.
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "DubKitProviderKit",
            dependencies: ["DubKit", "DubKitHTTP", "DubKitMedia"]
        ),
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat",
            providers: [
                .apt(["libavformat-dev", "libavcodec-dev", "libavfilter-dev", "libswresample-dev", "libavutil-dev"]),
            ]
        ),
        .target(
            name: "DubKitMedia",
            dependencies: ["CFFmpeg"]
        ),
        // The local engine's signal processing (issue 19 item 7): analysis, PSOLA, FIR, codebook, converter.
        .target(
            name: "DubKitVoiceDSP",
            dependencies: ["DubKit", "DubKitMedia"]
        ),
        // The local engine's adapter: the Provider steps over DubKitVoiceDSP.
        .target(
            name: "LocalEngine",
            dependencies: ["DubKit", "DubKitProviderKit", "DubKitMedia", "DubKitVoiceDSP"],
            path: "Plugins/Local"
        ),
        .target(
            name: "VoiceDubProvider",
            dependencies: ["DubKit", "DubKitProviderKit", "DubKitHTTP", "DubKitMedia"],
            path: "Plugins/VoiceDub"
        ),
        .target(
            name: "KitsProvider",
            dependencies: ["DubKit", "DubKitProviderKit", "DubKitHTTP", "DubKitMedia"],
            path: "Plugins/Kits"
        ),
        .target(
            name: "VoiceConvertProvider",
            dependencies: ["DubKit", "DubKitProviderKit", "DubKitHTTP", "DubKitMedia"],
            path: "Plugins/VoiceConvert"
        ),
        .target(
            name: "ElevenLabsProvider",
            dependencies: ["DubKit", "DubKitProviderKit", "DubKitHTTP", "DubKitMedia"],
            path: "Plugins/ElevenLabs"
        ),
        .target(
            name: "CartesiaProvider",
            dependencies: ["DubKit", "DubKitProviderKit", "DubKitHTTP", "DubKitMedia"],
            path: "Plugins/Cartesia"
        ),
        .executableTarget(
            name: "local-engine-bench",
            dependencies: ["LocalEngine", "DubKitVoiceDSP"],
            path: "Benchmarks/LocalEngineBench"
        ),
        .plugin(
            name: "VersionStamp",
            capability: .buildTool(),
            path: "Plugins/VersionStamp"
        ),
        .executableTarget(
            name: "dubkit",
            dependencies: [
                "DubKit",
                "DubKitPostgres",
                "DubKitMedia",
                "DubKitHTTP",
                "LocalEngine",
                "VoiceDubProvider",
                "KitsProvider",
                "VoiceConvertProvider",
                "ElevenLabsProvider",
                "CartesiaProvider",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            plugins: ["VersionStamp"]
        ),
        .executableTarget(
            name: "fake-voicedub",
            dependencies: ["FakeVoiceDub"],
            path: "Benchmarks/FakeVoiceDubServer"
        ),
        .executableTarget(
            name: "StoreTortureHelper",
            dependencies: ["DubKit"],
            path: "Tests/StoreTortureHelper"
        ),
        .executableTarget(
            name: "HTTPUploadHelper",
            dependencies: ["DubKitHTTP"],
            path: "Tests/HTTPUploadHelper"
        ),
        .target(
            name: "DubKitTestSupport",
            path: "Tests/DubKitTestSupport"
        ),
        .target(
            name: "FakeVoiceDub",
            dependencies: ["DubKitTestSupport", "DubKitHTTP", "DubKitMedia"],
            path: "Tests/FakeVoiceDub"
        ),
        .target(
            name: "FakeKits",
            dependencies: ["DubKitTestSupport", "DubKitMedia"],
            path: "Tests/FakeKits"
        ),
        .testTarget(
            name: "KitsTests",
            dependencies: ["KitsProvider", "FakeKits", "DubKit", "DubKitHTTP", "DubKitMedia", "DubKitTestSupport"]
        ),
        .target(
            name: "FakeVoiceConvert",
            dependencies: ["DubKitTestSupport", "DubKitHTTP", "DubKitMedia"],
            path: "Tests/FakeVoiceConvert"
        ),
        .testTarget(
            name: "VoiceConvertTests",
            dependencies: ["VoiceConvertProvider", "FakeVoiceConvert", "DubKit", "DubKitHTTP", "DubKitMedia", "DubKitTestSupport"]
        ),
        .target(
            name: "FakeElevenLabs",
            dependencies: ["DubKitTestSupport", "DubKitMedia"],
            path: "Tests/FakeElevenLabs"
        ),
        .testTarget(
            name: "ElevenLabsTests",
            dependencies: ["ElevenLabsProvider", "FakeElevenLabs", "DubKit", "DubKitHTTP", "DubKitMedia", "DubKitTestSupport"]
        ),
        .target(
            name: "FakeCartesia",
            dependencies: ["DubKitTestSupport", "DubKitMedia"],
            path: "Tests/FakeCartesia"
        ),
        .testTarget(
            name: "CartesiaTests",
            dependencies: ["CartesiaProvider", "FakeCartesia", "DubKit", "DubKitHTTP", "DubKitMedia", "DubKitTestSupport"]
        ),
        .testTarget(
            name: "FakeVoiceDubTests",
            dependencies: ["FakeVoiceDub", "DubKitHTTP", "DubKitMedia", "DubKitTestSupport"]
        ),
        .testTarget(
            name: "DubKitTests",
            dependencies: [
                "DubKit", "DubKitMedia", "DubKitHTTP", "DubKitTestSupport", "FakeVoiceDub", "StoreTortureHelper",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "DubKitPostgresTests",
            dependencies: [
                "DubKitPostgres", "DubKit", "DubKitTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "DubKitMediaTests",
            dependencies: ["DubKitMedia", "DubKitTestSupport"]
        ),
        .testTarget(
            name: "DubKitHTTPTests",
            dependencies: [
                "DubKitHTTP", "DubKitTestSupport", "HTTPUploadHelper",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "LocalEngineTests",
            dependencies: ["LocalEngine", "DubKitVoiceDSP", "DubKit", "DubKitMedia", "DubKitTestSupport"]
        ),
        .testTarget(
            name: "DubKitProviderKitTests",
            dependencies: ["DubKitProviderKit", "DubKit", "DubKitHTTP", "DubKitMedia", "DubKitTestSupport"]
        ),
        .testTarget(
            name: "VoiceDubTests",
            dependencies: ["VoiceDubProvider", "DubKit", "DubKitHTTP", "DubKitMedia", "DubKitTestSupport", "FakeVoiceDub"]
        ),
        .testTarget(
            name: "DubKitCLITests",
            dependencies: [
                "DubKit", "DubKitMedia", "DubKitTestSupport", "FakeVoiceDub", "FakeKits", "FakeVoiceConvert", "FakeElevenLabs", "FakeCartesia", "dubkit",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
