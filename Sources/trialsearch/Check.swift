import ArgumentParser
import TrialSearchKit

extension TrialSearchCommand {
    /// `trialsearch check [--index DIR] [--quick]`.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify an index: every file's checksum and the manifest's consistency.",
            discussion: """
                Reads every byte of every index file: each file's header, length and CRC-32, and the length \
                and CRC-32 the manifest recorded for it at commit; the manifest's segments, doc counts, \
                deletes and analyzer; then every term, posting, position and stored record of each segment. \
                Prints one line per problem (error: FILE: what was found) and per harmless finding (note: \
                FILE: ..., such as files an interrupted writer left, which the next `trialsearch index` \
                removes), then a summary.

                Exit status: 0 the index is sound; 5 it is damaged, missing, or built by another analyzer \
                (rebuild it with `trialsearch index --rebuild`); 64 bad usage.
                """)

        @Option(help: "The index folder (default: $TRIALSEARCH_INDEX, else ./Index).")
        var index: String?

        @Flag(help: "Verify checksums, the manifest and doc counts only; do not walk every posting and record.")
        var quick = false

        func run() throws {
            let (lines, status) = IndexChecking.run(directory: IndexDirectory.resolve(index), quick: quick)
            for line in lines { print(line) }
            if status != 0 { throw ExitCode(status) }
        }
    }
}
