/// What an analyzer does, saved in the index so that queries are analyzed the same way and an index
/// built by another analyzer version is refused.
///
/// PROVISIONAL: the analysis work fills this in (version, stemmer, stop-word list, folding options)
/// and keeps `default`, `version` and `fingerprint`.
public struct AnalyzerConfiguration: Sendable, Hashable {
    /// Bumped whenever analysis output changes for any input.
    public var version: Int

    public static let `default` = AnalyzerConfiguration(version: 0)

    public init(version: Int) {
        self.version = version
    }

    /// A stable one-line description stored in the index manifest and compared on open.
    public var fingerprint: String { "placeholder-v\(version)" }
}
