import Testing
@testable import TrialSearchCore

/// Long free-text queries: analyzed terms with counts, no syntax.
@Suite("Query parser: natural language")
struct NaturalLanguageQueryTests {
    @Test("a TREC 2021 patient note: counts of its terms")
    func patientNote() throws {
        // Topic 2 of the TREC 2021 Clinical Trials track (../shared/eval), copied as a fixture.
        let text = String(decoding: try AnalysisFixtures.bytes("trec-2021-topic-2.txt"), as: UTF8.self)
        let query = try QueryParser(analyzer: Analyzer()).parseNaturalLanguage(text)
        let counts = Dictionary(uniqueKeysWithValues: query.terms.map { ($0.term, $0.count) })
        // Occurrences counted independently in the note's text: aortic 6, severe 3, stenosis 4, SOB 2, LE 2.
        #expect(counts["aortic"] == 6)
        #expect(counts["sever"] == 3)
        #expect(counts["stenosi"] == 4)
        #expect(counts["sob"] == 2)
        #expect(counts["le"] == 2)
        #expect(counts["the"] == nil && counts["with"] == nil, "stop words are gone")
        // "48 M with a h/o HTN": the age and sex, and h/o as parts and joined.
        #expect(Array(query.terms.prefix(6).map(\.term)) == ["48", "m", "h", "ho", "o", "htn"])
        #expect(query.terms.first { $0.term == "ho" }?.kind == .joined)
        // "[**2148-10-1**]": a de-identified date, three numbers.
        #expect(counts["2148"] == 1 && query.terms.first { $0.term == "2148" }?.kind == .number)
        #expect(Set(query.terms.map(\.term)).count == query.terms.count, "distinct terms")
        #expect(query.terms.map(\.firstPosition) == query.terms.map(\.firstPosition).sorted(),
                "in order of first occurrence")
        #expect(query.length > 120 && query.length < 173, "173 words less stop words")
    }

    @Test("the terms other texts state, marked as their own parses' sets would say")
    func marking() throws {
        // Topic 2 of the TREC 2021 Clinical Trials track, its affirmed text and its first sentence.
        let text = String(decoding: try AnalysisFixtures.bytes("trec-2021-topic-2.txt"), as: UTF8.self)
        let affirmed = Negation.affirmedText(text)
        let sentence = String(LongQueryRewriter.firstSentence(of: affirmed))
        // A text with words of its own, a canonically equivalent spelling ("cafe\u{301}" for "café")
        // and no words at all.
        let others = [affirmed, sentence, "aortic café murmur zebra", "cafe\u{301} and", "..."]
        let parser = QueryParser(analyzer: Analyzer())
        let (query, stated) = try parser.parseNaturalLanguage(text + " café", marking: others)
        #expect(query == (try parser.parseNaturalLanguage(text + " café")))
        #expect(stated.count == others.count)
        for (other, marks) in zip(others, stated) {
            let own = Set(((try? parser.parseNaturalLanguage(other))?.terms ?? []).map(\.term))
            #expect(marks == query.terms.map { own.contains($0.term) }, "\(other.prefix(40))")
        }
        #expect(stated[0].contains(false) && stated[0].contains(true), "the note negates some of its terms")
        #expect(stated[4].allSatisfy { !$0 })
    }

    @Test("quotes, colons and minus signs are text")
    func noSyntax() throws {
        let query = try QueryParser(analyzer: Analyzer()).parseNaturalLanguage(
            "title:\"stem cells\" -canine +ovary \"unclosed foo:bar")
        #expect(query.terms.map(\.term) == ["titl", "stem", "cell", "canin", "ovari", "unclos", "foo", "bar"])
        #expect(query.terms.allSatisfy { $0.count == 1 })
        #expect(query.length == 8)
    }

    @Test("repeated words are counted; first positions are kept")
    func counts() throws {
        let query = try QueryParser(analyzer: Analyzer()).parseNaturalLanguage("cancer of the breast; breast cancers")
        #expect(query.terms == [
            NaturalLanguageQuery.Term(term: "cancer", count: 2, firstPosition: 0, kind: .word),
            NaturalLanguageQuery.Term(term: "breast", count: 2, firstPosition: 3, kind: .word),
        ])
    }

    @Test("empty and stop-word-only texts are errors")
    func errors() {
        let parser = QueryParser(analyzer: Analyzer())
        #expect(throws: QueryError.emptyQuery) { try parser.parseNaturalLanguage(" \n ") }
        #expect(throws: QueryError.noSearchableTerms(query: "of the")) { try parser.parseNaturalLanguage("of the") }
    }
}
