// swift-tools-version:6.0
import PackageDescription

/// libFuzzer targets for trialsearch's readers of untrusted bytes: registry XML, API v2 JSON, the ICTRP
/// export, trial-page text dumps, and (FuzzIndex) index files. A separate package, so that the main
/// package's build never needs the fuzzer runtime; it depends on the main package by path and reaches
/// its internal readers through `@testable import` (hence `-enable-testing`).
///
/// Build and run with `./run.sh TARGET SECONDS` (see README.md): `swift build -c release
/// -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld -Xswiftc -enable-testing`.
let package = Package(
    name: "trialsearch-fuzz",
    dependencies: [.package(name: "trialsearch", path: "..")],
    targets: [
        .target(
            name: "FuzzSupport",
            dependencies: [
                .product(name: "TrialIngest", package: "trialsearch"),
                .product(name: "TrialSearchCore", package: "trialsearch"),
            ]),
        .executableTarget(name: "FuzzXML", dependencies: ["FuzzSupport"]),
        .executableTarget(name: "FuzzJSON", dependencies: ["FuzzSupport"]),
        .executableTarget(name: "FuzzICTRP", dependencies: ["FuzzSupport"]),
        .executableTarget(name: "FuzzTextDump", dependencies: ["FuzzSupport"]),
        .executableTarget(name: "FuzzIndex", dependencies: ["FuzzSupport"]),
        .executableTarget(name: "FuzzJSONRange", dependencies: ["FuzzSupport"]),
        .executableTarget(name: "FuzzDate", dependencies: ["FuzzSupport"]),
        .executableTarget(name: "FuzzAnalyzer", dependencies: ["FuzzSupport"]),
    ]
)
