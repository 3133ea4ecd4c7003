import Testing
@testable import TrialSearchCore

/// The terms of `reader`'s segments with their doc freqs, sorted by term (a segment's terms in turn: the
/// shipped corpus's index has one segment).
func indexTermDocFreqs(_ reader: IndexReader) -> [(term: String, docFreq: Int)] {
    var terms: [(term: String, docFreq: Int)] = []
    for segment in reader.segments {
        var e = segment.terms.makeTermsEnum()
        while e.next() { terms.append((String(decoding: e.term, as: UTF8.self), e.info.docFreq)) }
    }
    return terms.sorted { $0.term < $1.term }
}

/// Searches `query` at `limit` pruned and exhaustively and expects the same hits bit for bit: the ids in
/// order (ties by trial id included) and the scores' bit patterns. Returns the exhaustive hits.
@discardableResult
func expectPrunedSearchAsExhaustive(_ searcher: IndexSearcher, _ query: WeightedQuery, limit: Int, _ label: String,
                                    sourceLocation: SourceLocation = #_sourceLocation) throws -> [Hit] {
    let options = SearchOptions(limit: limit)
    var exhaustiveOptions = options
    exhaustiveOptions.exhaustive = true
    let exhaustive = try searcher.search(query, options: exhaustiveOptions).hits
    let pruned = try searcher.search(query, options: options).hits
    #expect(pruned.map(\.id) == exhaustive.map(\.id), "\(label) at \(limit)", sourceLocation: sourceLocation)
    #expect(pruned.map(\.score.bitPattern) == exhaustive.map(\.score.bitPattern), "\(label) at \(limit)",
            sourceLocation: sourceLocation)
    return exhaustive
}
