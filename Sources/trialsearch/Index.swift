import ArgumentParser
import TrialSearchCore
import TrialSearchKit

extension TrialSearchCommand {
    /// `trialsearch index [--index DIR] [--rebuild] [--ram-budget MB] [--workers N] PATH...` and
    /// `trialsearch index --delete ID...`.
    struct Index: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Build or update the on-disk index from registry dumps.",
            discussion: """
                Reads files, folders and zip archives in any format trialsearch knows (ClinicalTrials.gov \
                XML and API v2 JSON, WHO ICTRP exports, trial-page text dumps, plain text, and the JSON Lines \
                that `trialsearch convert` prints), and updates the index: a trial id is indexed once; a \
                record replaces the indexed one when its source is more authoritative (a registry's own \
                record over a trial page over an aggregator's export) or, equally authoritative, when it was \
                updated later; identical records are unchanged. The commit is atomic: a crash leaves the \
                previous index. --rebuild builds a new index from PATHs only and swaps it in when complete. \
                --delete removes trials by id (PATHs may then be omitted).

                Progress goes to stderr, then a summary (added, replaced, unchanged, older, deleted, \
                failed) with one line per failure.

                Exit status: 0 everything was indexed; 3 some records failed (or ids to delete were not \
                in the index), the rest was committed; 4 nothing was read or committed (a path does not \
                exist, no record could be read, or the index could not be written); 64 bad usage.
                """)

        @Option(help: "The index folder (default: $TRIALSEARCH_INDEX, else ./Index).")
        var index: String?

        @Flag(help: "Build a new index from PATHs only and replace the old one when it is complete.")
        var rebuild = false

        @Option(name: .customLong("ram-budget"), help: "Memory for in-memory segments, in MB.")
        var ramBudget = 256

        @Option(name: .customLong("max-segments"),
                help: "Merge down to at most this many segments at commit (faster queries, slower commit).")
        var maxSegments: Int?

        @Option(help: ArgumentHelp(
            "Threads that read and index, each with its own in-memory segment inside the RAM budget.",
            valueName: "N"))
        var workers = 2

        @Option(parsing: .upToNextOption, help: "Trial ids to delete from the index (give PATHs before --delete).")
        var delete: [String] = []

        @Argument(help: "Files, folders or zip archives to index.")
        var paths: [String] = []

        func validate() throws {
            if paths.isEmpty && delete.isEmpty && maxSegments == nil {
                throw ValidationError("give PATHs to index, --delete IDs or --max-segments N")
            }
            if let maxSegments, maxSegments < 1 { throw ValidationError("--max-segments must be at least 1, not \(maxSegments)") }
            if workers < 1 { throw ValidationError("--workers must be at least 1, not \(workers)") }
            if ramBudget < 16 { throw ValidationError("--ram-budget must be at least 16 (MB), not \(ramBudget)") }
            if rebuild && paths.isEmpty { throw ValidationError("--rebuild needs PATHs to build from") }
            for id in delete where TrialID(id) == nil { throw ValidationError("--delete: \"\(id)\" is not a trial id") }
        }

        func run() throws {
            let request = Indexing.Request(
                paths: paths, directory: IndexDirectory.resolve(index), rebuild: rebuild, ramBudgetMB: ramBudget,
                deletions: delete.compactMap { TrialID($0) }, workers: workers, maxSegments: maxSegments)
            let status = Indexing.runToStandardError(request)
            if status != .success { throw ExitCode(status.rawValue) }
        }
    }
}
