/// Errors of the analysis layer: an index whose terms were made by another analyzer, or a stemmer the
/// system's libstemmer does not provide.
public enum AnalysisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The index at `path` was built by an analyzer with another fingerprint: its terms would not match
    /// queries analyzed by this build, so it is refused rather than searched with wrong results.
    case incompatibleIndex(path: String, indexFingerprint: String, currentFingerprint: String)
    /// libstemmer has no stemmer for `algorithm`.
    case stemmerUnavailable(algorithm: String)

    public var description: String {
        switch self {
        case let .incompatibleIndex(path, indexFingerprint, currentFingerprint):
            let differences = Self.differingFields(indexFingerprint, currentFingerprint)
            return """
                \(path): the index was built with another text analysis and cannot be searched by this \
                version of trialsearch (\(differences)); rebuild it with `trialsearch index --rebuild`.
                  index analyzer:   \(indexFingerprint)
                  current analyzer: \(currentFingerprint)
                """
        case let .stemmerUnavailable(algorithm):
            return "the system's libstemmer has no '\(algorithm)' stemmer (expected Snowball's, from libstemmer-dev)"
        }
    }

    /// "stem: X vs Y, stop: …": the space-separated `key=value` fields that differ.
    static func differingFields(_ found: String, _ expected: String) -> String {
        let foundFields = found.split(separator: " ")
        let expectedFields = expected.split(separator: " ")
        var differences: [String] = []
        for index in 0..<max(foundFields.count, expectedFields.count) {
            let actual = index < foundFields.count ? String(foundFields[index]) : "(missing)"
            let wanted = index < expectedFields.count ? String(expectedFields[index]) : "(missing)"
            if actual != wanted { differences.append("index has \(actual), expected \(wanted)") }
        }
        return differences.isEmpty ? "fingerprints differ" : differences.joined(separator: "; ")
    }
}
