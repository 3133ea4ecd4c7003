import Testing
@testable import TrialSearchCore

/// `ScoringModel`'s per-byte tables against the formulas they stand for, bit for bit, on the statistics
/// of an index: the scoring loops read the tables instead of computing, so a table entry that differs by
/// one ulp would change a score and maybe a ranking.
@Suite struct ScoringModelTests {
    /// BM25F's factor of every field and norm byte is `w / (1 − b + b · decode(n) / avgLen)`, and
    /// `saturatedOnce` is the `x / (k1 + x)` that `score(weight:x:)` computes for x = that factor.
    @Test(arguments: [BM25FParameters(), BM25FParameters(k1: 0.9), BM25FParameters(k1: 2.5)])
    func bm25fTablesEqualTheFormula(parameters: BM25FParameters) throws {
        let index = try #require(SyntheticSearchIndex.shared)
        var parameters = parameters
        parameters.b[.summary] = 0.3
        parameters.weights[.eligibility] = 0
        let model = ScoringModel(similarity: .bm25f(parameters), statistics: CollectionStatistics(reader: index.reader))
        #expect(model.hasSaturatedOnce)
        var searched = 0
        for field in Field.allCases {
            let f = Int(field.rawValue)
            let average = model.statistics.averageFieldLengths[f]
            let b = parameters.b[field]
            let w = parameters.weights[field]
            for n in 0...255 {
                let length = Double(FieldNorm.decode(UInt8(n)))
                let factor = Float((w > 0 ? w : 1) / (1 - b + b * (average > 0 ? length / average : 1)))
                let i = f * 256 + n
                #expect(model.factor(field: f, norm: UInt8(n)).bitPattern == factor.bitPattern, "\(field) byte \(n)")
                let x: Float = w > 0 ? factor : 0
                #expect(model.searchedFactors[i].bitPattern == x.bitPattern, "\(field) byte \(n)")
                // What a doc holding the term once in this field scores, divided the direct way.
                let direct = model.score(weight: 1, x: 0 + Float(UInt32(1)) * x)
                #expect(model.saturatedOnce[i].bitPattern == direct.bitPattern, "\(field) byte \(n)")
                #expect((model.saturatedOnce[i] > 0) == (x > 0), "\(field) byte \(n)")
                if x > 0 { searched += 1 }
            }
        }
        // The statistics are real: the searched fields have documents, so lengths vary.
        #expect(model.statistics.averageFieldLengths.filter { $0 > 0 }.count >= 3)
        #expect(searched >= 3 * 256)
    }

    /// TF-IDF does not saturate: no table replaces its (absent) division, and its scorers take the
    /// general loop.
    @Test func tfidfHasNoSaturationTable() throws {
        let index = try #require(SyntheticSearchIndex.shared)
        let model = ScoringModel(similarity: .tfidf(TFIDFParameters()), statistics: CollectionStatistics(reader: index.reader))
        #expect(!model.hasSaturatedOnce)
        #expect((0..<(IndexFormat.fieldCount * 256)).allSatisfy { model.saturatedOnce[$0] == 0 })
    }
}
