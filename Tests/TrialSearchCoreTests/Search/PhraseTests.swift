import Testing
@testable import TrialSearchCore

/// Phrases against the positions of the naive index: a phrase clause restricted to a field matches
/// exactly the trials whose field holds the terms at the phrase's relative positions.
@Suite struct PhraseTests {
    @Test func phraseMatchesAreThoseOfTheNaivePositions() throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let searcher = try IndexSearcher(reader: index.reader)
        let naive = NaiveIndex(index.trials)
        var queries = RandomQueries(seed: 21, trials: index.trials)
        let summary = Int(Field.summary.rawValue)
        var checked = 0
        for _ in 0..<40 {
            guard case let .phrase(parts) = queries.phrase() else { continue }
            // Trials whose summary has part i at p + offset i.
            var expected = Set<TrialID>()
            let postings = parts.map { naive.postings[$0.term] ?? [:] }
            for (doc, fields) in postings[0] where !index.deleted.contains(index.trials[doc].id) {
                guard let starts = fields[summary] else { continue }
                let found = starts.contains { p in
                    parts.indices.allSatisfy { i in
                        postings[i][doc]?[summary]?.contains(p + parts[i].position - parts[0].position) ?? false
                    }
                }
                if found { expected.insert(index.trials[doc].id) }
            }
            let query = WeightedQuery(clauses: [WeightedClause(occur: .must, field: .summary, match: .phrase(parts))])
            let hits = try searcher.search(query, options: SearchOptions(limit: 10_000, exhaustive: true)).hits
            #expect(Set(hits.map(\.id)) == expected, "\(query)")
            let pruned = try searcher.search(query, options: SearchOptions(limit: 5)).hits
            #expect(pruned.map(\.id) == Array(hits.prefix(5)).map(\.id))
            checked += expected.count
        }
        #expect(checked > 40, "phrases should match some trials")
    }

    @Test func phrasesDoNotMatchAcrossTwoValuesOfAField() throws {
        let dir = TemporaryDirectory("phrase-gap")
        defer { dir.remove() }
        var a = Trial(id: TrialID("NCT90000001")!, registry: "ClinicalTrials.gov")
        a.conditions = ["Breast Cancer", "Lung Disease"]
        var b = Trial(id: TrialID("NCT90000002")!, registry: "ClinicalTrials.gov")
        b.conditions = ["Cancer of the Lung"]
        var c = Trial(id: TrialID("NCT90000003")!, registry: "ClinicalTrials.gov")
        c.conditions = ["Lung Cancer"]
        try indexTrials([a, b, c], into: dir.path)
        let searcher = try IndexSearcher(reader: IndexReader.open(directory: dir.path))
        let analyzer = Analyzer()
        func phrase(_ text: String) -> QueryMatch {
            let tokens = analyzer.tokens(text)
            return .phrase(tokens.map { PhraseTerm(term: $0.term, position: $0.position - tokens[0].position) })
        }
        // "cancer lung" spans the two values of a's conditions: no match.
        let across = WeightedQuery(clauses: [WeightedClause(match: phrase("cancer lung"))])
        #expect(try searcher.search(across).hits.isEmpty)
        let lungCancer = WeightedQuery(clauses: [WeightedClause(match: phrase("lung cancer"))])
        #expect(try searcher.search(lungCancer).hits.map(\.id.rawValue) == ["NCT90000003"])
        // A stop word's gap: "cancer of the lung" is cancer@0, lung@3.
        let withGap = WeightedQuery(clauses: [WeightedClause(match: phrase("cancer of the lung"))])
        #expect(try searcher.search(withGap).hits.map(\.id.rawValue) == ["NCT90000002"])
        // The longest phrase the gap keeps apart: "cancer", stop words, "lung" at offset valueGap (a's
        // "lung" is valueGap + 1 after its "cancer"); one stop word more would reach it.
        let stopWords = { (n: Int) in Array(repeating: "the", count: n).joined(separator: " ") }
        let widest = WeightedQuery(clauses: [WeightedClause(match: phrase("cancer \(stopWords(Int(Analyzer.valueGap) - 1)) lung"))])
        #expect(try searcher.search(widest).hits.isEmpty)
        let wider = WeightedQuery(clauses: [WeightedClause(match: phrase("cancer \(stopWords(Int(Analyzer.valueGap))) lung"))])
        #expect(try searcher.search(wider).hits.map(\.id.rawValue) == ["NCT90000001"], "past the gap, as documented")
    }
}
