// swift-tools-version:6.0
import PackageDescription

/// trialsearch: a clinical-trial search and similarity engine.
///
/// Layers, in data-flow order (see ARCHITECTURE.md):
/// registry dumps → `TrialIngest` → `Trial` → `TrialSearchCore` (Analysis → Index → Search)
/// → `TrialSearchKit` (the operations the CLI runs) → `trialsearch` (thin CLI).
let package = Package(
    name: "trialsearch",
    products: [
        .executable(name: "trialsearch", targets: ["trialsearch"]),
        .library(name: "TrialSearchCore", targets: ["TrialSearchCore"]),
        .library(name: "TrialIngest", targets: ["TrialIngest"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // C boundaries: each system library is wrapped by exactly one Swift layer.
        .systemLibrary(
            name: "CLibXML2", path: "Sources/CLibXML2",
            pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(
            name: "CLibDeflate", path: "Sources/CLibDeflate",
            providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(
            name: "CLibZstd", path: "Sources/CLibZstd",
            pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(
            name: "CSnowball", path: "Sources/CSnowball",
            providers: [.apt(["libstemmer-dev"])]),
        // CPU instructions Swift cannot express: prefetch hints, a byte mask's bits, the content hash's
        // AVX2 word loop. DWARF 4 like the Swift code's: clang's default DWARF 5 stops valgrind 3.19's
        // debug-info reader, and with it every callgrind measurement of the binary.
        .target(name: "CIntrinsics", cSettings: [.unsafeFlags(["-gdwarf-4"])]),

        .target(
            name: "TrialSearchCore",
            dependencies: ["CLibDeflate", "CLibZstd", "CSnowball", "CIntrinsics"]),
        .target(
            name: "TrialIngest",
            dependencies: ["TrialSearchCore", "CLibXML2", "CLibDeflate", "CIntrinsics"]),
        .target(
            name: "TrialSearchKit",
            dependencies: ["TrialSearchCore", "TrialIngest"]),
        .executableTarget(
            name: "trialsearch",
            dependencies: [
                "TrialSearchKit", "TrialSearchCore", "TrialIngest",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "trialsearch-bench",
            dependencies: ["TrialSearchKit", "TrialSearchCore", "TrialIngest"]),

        .testTarget(
            name: "TrialSearchCoreTests",
            dependencies: ["TrialSearchCore"]),
        .testTarget(
            name: "TrialIngestTests",
            dependencies: ["TrialIngest", "TrialSearchCore", "CLibDeflate"]),
        .testTarget(
            name: "TrialSearchKitTests",
            dependencies: ["TrialSearchKit", "TrialSearchCore", "TrialIngest", "trialsearch"],
            exclude: ["Scenarios", "Golden"]),
    ]
)
