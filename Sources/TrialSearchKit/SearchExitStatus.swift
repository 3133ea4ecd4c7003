/// The exit statuses of the commands that read an index (`search`, `related`, `show`):
///
/// | status | meaning |
/// |---|---|
/// | 0 | hits printed (a batch: every query ran); `show`: the record printed |
/// | 1 | nothing matched the query (or no trial is like the source) |
/// | 2 | malformed query: the error points at the problem |
/// | 4 | a file given (topics, ids, a record for `related --file`) could not be read |
/// | 5 | the index is missing, damaged, or built by another analyzer |
/// | 6 | no trial with the id given is in the index |
/// | 64 | bad command-line usage (swift-argument-parser's usage error) |
///
/// 4 means what it means for `convert` and `index` (nothing could be read from a path given); 64 is
/// shared by every command.
public enum SearchExitStatus: Int32, Sendable, CaseIterable {
    case success = 0
    case noMatch = 1
    case malformedQuery = 2
    case unreadableInput = 4
    case indexUnavailable = 5
    case unknownTrial = 6
    case usage = 64
}
