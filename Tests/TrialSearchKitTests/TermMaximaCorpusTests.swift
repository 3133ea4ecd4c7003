import Testing
@testable import TrialSearchCore

/// The stored term maxima (`TermMaxima`) on real records: in the index of the shipped corpus (3,221
/// trials, built by this trialsearch), every term of several postings blocks, scored as a
/// related-trials or patient-note clause, has a bound at least every doc's score and within 10⁻⁵ of
/// the largest (exact), and below the impacts' bound for most terms.
@Suite struct TermMaximaCorpusTests {
    @Test func storedMaximaBoundEveryScoreOfTheShippedCorpus() throws {
        let shipped = try #require(ShippedCorpusIndex.shared)
        let reader = try IndexReader.open(directory: shipped.directory)
        let statistics = CollectionStatistics(reader: reader)
        var terms = 0, tighter = 0, postings = 0
        for similarity in [Similarity.bm25f(.related), .bm25f(.longQuery)] {
            let model = ScoringModel(similarity: similarity, statistics: statistics)
            for segment in reader.segments {
                var e = segment.terms.makeTermsEnum()
                while e.next() {
                    let info = e.info
                    guard info.docFreq > IndexFormat.blockSize else { continue }
                    let term = String(decoding: e.term, as: UTF8.self)
                    let docFreq = try reader.docFreq(term)
                    let idf = similarity.idf(docFreq: docFreq, docCount: reader.docCount)
                    let weight = TermWeight(term: term, field: nil, fields: model.fields(for: nil), idf: idf,
                                            idfSources: [(term, docFreq, idf)], docCount: reader.docCount, boost: 1,
                                            weight: Float(model.weight(idf: idf, boost: 1)))
                    var s = TermScorer(weight: weight, info: info, segment: segment, model: model)
                    let impacts = model.bound(weight: weight.weight, impacts: segment.postings(info).termImpacts, fields: weight.fields)
                    var best: Float = 0
                    while s.nextDoc() != PostingsCursor.noMoreDocs {
                        let score = s.score()
                        if score > s.maxScore { Issue.record("\(term) doc \(s.doc): score \(score) above the bound \(s.maxScore)") }
                        best = max(best, score)
                        postings += 1
                    }
                    #expect(s.maxScore <= impacts, "\(term)")
                    if reader.segments.count == 1 { #expect(s.maxScore <= best * (1 + 1e-5), "\(term): \(s.maxScore) vs \(best)") }
                    terms += 1
                    if s.maxScore < impacts { tighter += 1 }
                }
            }
        }
        #expect(terms > 1_000 && postings > 1_000_000, "\(terms) terms, \(postings) postings")
        #expect(tighter * 10 > terms * 9, "tighter bounds for \(tighter) of \(terms) terms")
    }
}
