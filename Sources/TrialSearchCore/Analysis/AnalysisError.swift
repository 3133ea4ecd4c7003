/// Errors of the analysis layer: a stemmer the system's libstemmer does not provide. (An index built
/// by another analyzer is refused by the index layer that reads it: `IndexError.analyzerMismatch`.)
public enum AnalysisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// libstemmer has no stemmer for `algorithm`.
    case stemmerUnavailable(algorithm: String)

    public var description: String {
        switch self {
        case let .stemmerUnavailable(algorithm):
            return "the system's libstemmer has no '\(algorithm)' stemmer (expected Snowball's, from libstemmer-dev)"
        }
    }
}
