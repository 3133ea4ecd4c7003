/// What an analyzer does, saved in the index so that queries are analyzed the same way and an index
/// built by another analyzer is refused.
///
/// The index manifest stores `fingerprint`; opening an index compares it with the running analyzer's
/// and refuses a mismatch with `IndexError.analyzerMismatch` (whose message lists `differences`), since terms
/// made one way are not found by queries analyzed another way. The fingerprint covers everything that
/// can change analysis output: the algorithm version, each option, the stop words (name, count and a hash
/// of the words), the folding table (a hash of its contents) and the stemmer (its name and a hash of its
/// output on probe words, because the system's libstemmer could change behaviour under the same name).
public struct AnalyzerConfiguration: Sendable, Hashable {
    /// The version of the tokenizer and filters implemented by this build. Bump it whenever analysis
    /// output changes for any input without an option changing. 2: `Analyzer.valueGap` 16 (was 100).
    public static let currentVersion = 2

    /// The stemming algorithm applied to words.
    public enum Stemmer: String, Sendable, Hashable {
        /// Snowball English (Porter2), through the system's libstemmer.
        case snowballEnglish = "snowball-english"

        /// The algorithm name libstemmer's `sb_stemmer_new` takes.
        var libstemmerName: String {
            switch self {
            case .snowballEnglish: return "english"
            }
        }
    }

    /// Bumped whenever analysis output changes for any input.
    public var version: Int
    /// How words are stemmed; nil: not stemmed.
    public var stemmer: Stemmer?
    /// The words dropped from text fields (with a position gap). Never applied to the `id` field.
    public var stopWords: StopWordList
    /// Fold Latin letters with diacritics, ligatures and full-width letters to ASCII (`é` → `e`,
    /// `ß` → `ss`). Off: such letters are only lowercased.
    public var foldsDiacritics: Bool
    /// Fold Greek letters to their English names as parts of their own (`α-synuclein` → `alpha`,
    /// `synuclein`, `alphasynuclein`; `μg` → `ug`). Off: Greek letters are lowercased letters.
    public var foldsGreekLetters: Bool
    /// Turn comparison signs and the like into words (`≥` and `>=` → `gte`, `≤` → `lte`, `>` → `gt`,
    /// `<` → `lt`, `℃` → `c`). Off: they separate words and leave no token.
    public var foldsSymbols: Bool
    /// Index a hyphenated or slashed word's parts joined as well (`COVID-19` → `covid`, `covid19`, `19`).
    public var joinsCompounds: Bool
    /// Drop the plural `s` of an upper-case acronym (`MSCs` → `msc`, `NSAIDs` → `nsaid`).
    public var dropsAcronymPlurals: Bool

    /// The configuration of this build: everything on, English stemming, `StopWordList.englishClinical`.
    public static let `default` = AnalyzerConfiguration()

    public init(version: Int = AnalyzerConfiguration.currentVersion,
                stemmer: Stemmer? = .snowballEnglish,
                stopWords: StopWordList = .englishClinical,
                foldsDiacritics: Bool = true,
                foldsGreekLetters: Bool = true,
                foldsSymbols: Bool = true,
                joinsCompounds: Bool = true,
                dropsAcronymPlurals: Bool = true) {
        self.version = version
        self.stemmer = stemmer
        self.stopWords = stopWords
        self.foldsDiacritics = foldsDiacritics
        self.foldsGreekLetters = foldsGreekLetters
        self.foldsSymbols = foldsSymbols
        self.joinsCompounds = joinsCompounds
        self.dropsAcronymPlurals = dropsAcronymPlurals
    }

    /// A stable one-line description stored in the index manifest and compared on open, e.g.
    /// `trialsearch-analysis/2 tokenizer=clinical fold=diacritics,greek,symbols table=5c0ffee1
    /// compounds=join acronym-plurals=drop stop=english-clinical-31#0a1b2c3d stem=snowball-english#77aa0e12`
    /// (one line). Equal configurations give equal fingerprints in every process.
    public var fingerprint: String {
        var folds: [String] = []
        if foldsDiacritics { folds.append("diacritics") }
        if foldsGreekLetters { folds.append("greek") }
        if foldsSymbols { folds.append("symbols") }
        let stem: String
        if let stemmer {
            let behaviour = SnowballStemmer.behaviourHash(algorithm: stemmer.libstemmerName) ?? "unavailable"
            stem = "\(stemmer.rawValue)#\(behaviour)"
        } else {
            stem = "none"
        }
        return [
            "trialsearch-analysis/\(version)",
            "tokenizer=clinical",
            "fold=\(folds.isEmpty ? "none" : folds.joined(separator: ","))",
            "table=\(FoldingTable.fingerprint)",
            "compounds=\(joinsCompounds ? "join" : "split")",
            "acronym-plurals=\(dropsAcronymPlurals ? "drop" : "keep")",
            "stop=\(stopWords.fingerprint)",
            "stem=\(stem)",
        ].joined(separator: " ")
    }

    /// "index has X, expected Y; …": the space-separated `key=value` fields of two fingerprints that
    /// differ, for the message that refuses an index built by another analyzer.
    public static func differences(indexed: String, current: String) -> String {
        let indexedFields = indexed.split(separator: " ")
        let currentFields = current.split(separator: " ")
        var differences: [String] = []
        for index in 0..<max(indexedFields.count, currentFields.count) {
            let actual = index < indexedFields.count ? String(indexedFields[index]) : "(missing)"
            let wanted = index < currentFields.count ? String(currentFields[index]) : "(missing)"
            if actual != wanted { differences.append("index has \(actual), expected \(wanted)") }
        }
        return differences.isEmpty ? "fingerprints differ" : differences.joined(separator: "; ")
    }
}
