// Benchmarks: release-build measurements printed as figures (see BENCHMARKS.md).
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "ingest":
    exit(IngestBenchmark.run(Array(arguments.dropFirst())))
default:
    print("usage: trialsearch-bench ingest PATH... [--workers N] [--ordered]")
    exit(2)
}
