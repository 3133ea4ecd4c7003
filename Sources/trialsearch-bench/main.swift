#if canImport(Glibc)
import Glibc
#endif

// Benchmarks: release-build measurements printed as figures (see BENCHMARKS.md).
//
//     swift build -c release
//     .build/release/trialsearch-bench MODE [ARGS...]
//
// Each mode is one file (`IngestBenchmark.swift`, …) and one line in `modes`.

let modes: [(name: String, usage: String, run: ([String]) -> Int32)] = [
    ("ingest", "ingest PATH... [--workers N] [--ordered]", IngestBenchmark.run),
]

let arguments = Array(CommandLine.arguments.dropFirst())
if let name = arguments.first, let mode = modes.first(where: { $0.name == name }) {
    exit(mode.run(Array(arguments.dropFirst())))
}
print("usage: trialsearch-bench MODE [ARGS...]; modes:")
for mode in modes { print("  trialsearch-bench \(mode.usage)") }
exit(64)
