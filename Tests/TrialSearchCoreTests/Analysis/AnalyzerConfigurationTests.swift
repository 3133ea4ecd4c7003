import Testing
@testable import TrialSearchCore

/// The fingerprint stored in the index, and the refusal of an index built by another analyzer.
@Suite("Analyzer configuration")
struct AnalyzerConfigurationTests {
    /// The default configuration's fingerprint, as stored in index manifests. If this test fails, the
    /// analysis output of this build differs from the indexes built before: bump
    /// `AnalyzerConfiguration.currentVersion` (and then update the expected value here).
    @Test("the default fingerprint is stable")
    func stableFingerprint() {
        #expect(AnalyzerConfiguration.default.fingerprint == Self.expectedDefaultFingerprint)
        #expect(AnalyzerConfiguration().fingerprint == AnalyzerConfiguration.default.fingerprint)
        #expect(Analyzer().configuration.fingerprint == Self.expectedDefaultFingerprint)
    }

    static let expectedDefaultFingerprint = "trialsearch-analysis/2 tokenizer=clinical "
        + "fold=diacritics,greek,symbols table=bca20e4f compounds=join acronym-plurals=drop "
        + "stop=english-clinical-31#cf885cb5 stem=snowball-english#1a2efd4c"

    @Test("every option and the version change the fingerprint")
    func optionsChangeFingerprint() {
        let base = AnalyzerConfiguration.default
        var variants: [AnalyzerConfiguration] = []
        variants.append(AnalyzerConfiguration(version: base.version + 1))
        variants.append(AnalyzerConfiguration(stemmer: nil))
        variants.append(AnalyzerConfiguration(stopWords: .none))
        variants.append(AnalyzerConfiguration(stopWords: StopWordList(name: "english-clinical",
                                                                      words: StopWordList.englishClinical.words + ["not"])))
        variants.append(AnalyzerConfiguration(foldsDiacritics: false))
        variants.append(AnalyzerConfiguration(foldsGreekLetters: false))
        variants.append(AnalyzerConfiguration(foldsSymbols: false))
        variants.append(AnalyzerConfiguration(joinsCompounds: false))
        variants.append(AnalyzerConfiguration(dropsAcronymPlurals: false))
        let fingerprints = Set(variants.map(\.fingerprint) + [base.fingerprint])
        #expect(fingerprints.count == variants.count + 1)
    }

    @Test("the stop list is Lucene's English set without no and not")
    func stopList() {
        let words = StopWordList.englishClinical.words
        #expect(words.count == 31)
        #expect(!words.contains("no") && !words.contains("not"))
        #expect(words.contains("the") && words.contains("with"))
        #expect(Analyzer().isStopWord("the") && !Analyzer().isStopWord("positive"))
    }

    @Test("an index built with another fingerprint is refused with a message naming both and what differs")
    func refusal() {
        let configuration = AnalyzerConfiguration.default
        let old = AnalyzerConfiguration(version: 0, stemmer: nil).fingerprint
        let message = IndexError.analyzerMismatch(directory: "/tmp/Index", indexed: old,
                                                  current: configuration.fingerprint).description
        #expect(message.hasPrefix("the index in /tmp/Index was built with another text analysis and cannot be "
                                  + "used by this version of trialsearch (index has trialsearch-analysis/0, "
                                  + "expected trialsearch-analysis/2; index has stem=none, expected stem=snowball-english#"))
        #expect(message.contains("rebuild it from your dumps with `trialsearch index --rebuild --index /tmp/Index PATH...`"))
        #expect(message.contains("index analyzer:   \(old)"))
        #expect(message.contains("current analyzer: \(configuration.fingerprint)"))
        #expect(AnalyzerConfiguration.differences(indexed: configuration.fingerprint,
                                                  current: configuration.fingerprint) == "fingerprints differ")
    }
}
