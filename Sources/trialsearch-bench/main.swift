// Benchmarks: release-build measurements printed as figures (see BENCHMARKS.md).
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "ingest":
    exit(IngestBenchmark.run(Array(arguments.dropFirst())))
case "analyze":
    exit(AnalyzeBenchmark.run(Array(arguments.dropFirst())))
case "tokens":
    exit(AnalyzeBenchmark.printTokens(Array(arguments.dropFirst())))
case "rank":
    exit(RankingEvaluation.run(Array(arguments.dropFirst())))
case "latency":
    exit(LatencyBenchmark.run(Array(arguments.dropFirst())))
default:
    print("usage: trialsearch-bench ingest PATH... [--workers N] [--ordered]")
    print("       trialsearch-bench analyze [--repeat N] [--no-cache] [--checksum] [--field NAME] PATH...")
    print("       trialsearch-bench tokens [--field NAME] TEXT")
    print("       trialsearch-bench rank --index DIR (--topics TSV | --related IDS) --qrels QRELS [--limit N] [--show ID] [--run FILE] [key=value...]")
    print("       trialsearch-bench latency --index DIR (--topics TSV | --related IDS) [--limit N] [--passes P]")
    exit(2)
}
