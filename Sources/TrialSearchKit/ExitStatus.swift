/// The exit statuses of `trialsearch` commands. One table, shared by every command: those that read
/// registry dumps (`convert`, and `index`, which reports the same outcomes in the same words) and those
/// that read the index (`search`, `related`, `show`):
///
/// | status | meaning |
/// |---|---|
/// | 0 | every record was read; a search printed hits (a batch: every query ran); `show` printed the record |
/// | 1 | a search or related-trials request matched nothing |
/// | 2 | malformed query: the error points at the problem |
/// | 3 | some records failed (each reported on stderr), the others were read |
/// | 4 | nothing was read: a path does not exist or cannot be listed, or no record could be read (also a topics, ids or `--file` input of `search`/`related`) |
/// | 5 | the index is missing, damaged, or built by another analyzer |
/// | 6 | no trial with the id given is in the index |
/// | 64 | bad command-line syntax (swift-argument-parser's usage error) |
public enum ExitStatus: Int32, Sendable, CaseIterable {
    case success = 0
    case noMatch = 1
    case malformedQuery = 2
    case partialFailure = 3
    case nothingRead = 4
    case indexUnavailable = 5
    case unknownTrial = 6
    case usage = 64

    /// The status for a read that produced `records` trials and `errors` errors.
    public static func of(records: Int, errors: Int) -> ExitStatus {
        if records == 0 { return .nothingRead }
        return errors == 0 ? .success : .partialFailure
    }
}
