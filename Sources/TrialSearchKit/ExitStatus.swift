/// The exit statuses of `trialsearch` commands that read registry dumps (`convert`, and `index`,
/// which reports the same outcomes in the same words). One table, shared by every command:
///
/// | status | meaning |
/// |---|---|
/// | 0 | every record was read |
/// | 3 | some records failed (each reported on stderr), the others were read |
/// | 4 | nothing was read: a path does not exist or cannot be listed, or no record could be read |
/// | 64 | bad command-line syntax (swift-argument-parser's usage error) |
public enum ExitStatus: Int32, Sendable, CaseIterable {
    case success = 0
    case partialFailure = 3
    case nothingRead = 4
    case usage = 64

    /// The status for a read that produced `records` trials and `errors` errors.
    public static func of(records: Int, errors: Int) -> ExitStatus {
        if records == 0 { return .nothingRead }
        return errors == 0 ? .success : .partialFailure
    }
}
