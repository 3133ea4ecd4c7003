import ArgumentParser
import TrialSearchKit

extension TrialSearchCommand {
    /// `trialsearch stats [--index DIR] [--json]`.
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what an index holds.",
            discussion: """
                Prints the number of trials (and registries), distinct terms, segments, size by file kind, \
                the analyzer that built the index and the last commit. With --json, one object with at \
                least the keys trials, segments, terms and bytes.
                """)

        @Option(help: "The index folder (default: $TRIALSEARCH_INDEX, else ./Index).")
        var index: String?

        @Flag(help: "Print one JSON object.")
        var json = false

        func run() throws {
            let report = try StatsReport(directory: IndexDirectory.resolve(index))
            print(json ? report.json : report.text)
        }
    }
}
