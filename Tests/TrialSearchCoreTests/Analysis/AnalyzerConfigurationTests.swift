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

    @Test("a stop list holds exactly its words, short and long, and equal lists are equal")
    func stopListLookUp() {
        // Words of 1 to 10 bytes: up to 7 are compared as packed keys, longer ones byte by byte.
        let list = StopWordList(name: "t", words: ["a", "of", "the", "with", "their", "abcdef", "abcdefg", "abcdefgh", "abcdefghij"])
        // Every word, each with a letter added, dropped or changed at either end, and other strings:
        // found exactly when the list has them.
        var candidates = ["", "b", "an", "th", "thee", "witH", "theirs", "abcdeg", "abcdefghi", "abcdefghik", "t\u{0}"]
        for word in list.words {
            candidates += [word, word + "s", String(word.dropLast()), String(word.dropFirst()), "x" + word.dropFirst(),
                           word.dropLast() + "x"]
        }
        for candidate in candidates {
            #expect(list.contains(candidate) == list.words.contains(candidate), "\(candidate)")
        }
        // The packed key keeps the length: a zero byte is not padding.
        #expect(!StopWordList(name: "z", words: ["a\u{0}"]).contains("a") && StopWordList(name: "z", words: ["a\u{0}"]).contains("a\u{0}"))
        for word in StopWordList.englishClinical.words {
            #expect(StopWordList.englishClinical.contains(word) && !StopWordList.englishClinical.contains(word + "x"))
        }
        #expect(!StopWordList.englishClinical.contains("no") && !StopWordList.englishClinical.contains("not"))
        #expect(StopWordList(name: "t", words: ["b", "a"]) == StopWordList(name: "t", words: ["a", "b"]))
        #expect(StopWordList(name: "t", words: ["a"]) != StopWordList(name: "u", words: ["a"]))
        #expect(Set([StopWordList(name: "t", words: ["b", "a"]), StopWordList(name: "t", words: ["a", "b"])]).count == 1)
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
