import ArgumentParser
import TrialSearchKit

extension TrialSearchCommand {
    /// `trialsearch convert PATH...`: registry dumps → normalized JSON Lines on stdout.
    struct Convert: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print registry records as normalized JSON Lines.",
            discussion: """
                Reads files, folders and zip archives in any format trialsearch knows (ClinicalTrials.gov \
                XML and API v2 JSON, WHO ICTRP exports, trial-page text dumps, plain text) and prints one \
                JSON object per record on stdout, in input order. Each failure is one line on stderr \
                (error: FILE[: ENTRY][: record N][: line L]: what was wrong), then a summary line.

                Exit status: 0 every record was read; 3 some records failed; 4 nothing was read (a path \
                does not exist, or no record could be read); 64 bad usage.
                """)

        @Argument(help: "Files, folders or zip archives to read.")
        var paths: [String]

        @Option(help: "Parsing threads (default: the number of processors).")
        var workers: Int?

        func validate() throws {
            if let workers, workers < 1 { throw ValidationError("--workers must be at least 1, not \(workers)") }
        }

        func run() throws {
            let summary = Conversion.runToStandardStreams(paths: paths, workers: workers ?? Conversion.defaultWorkers)
            let status = summary.status
            if status != .success { throw ExitCode(status.rawValue) }
        }
    }
}
