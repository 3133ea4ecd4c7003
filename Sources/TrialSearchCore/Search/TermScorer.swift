/// Scores one term in one segment: walks its postings, weighs its per-field termFreqs by the
/// `ScoringModel`'s field factors, and bounds its scores from the postings' block `Impacts`.
///
/// A clause restricted to one field (`title:ovarian`) skips the docs that hold the term only elsewhere.
/// The hot state (cursor, factor table, norms rows, weight) is held inline; the model and the term's
/// weight description are only read by `explain()`.
struct TermScorer: ClauseScorer {
    private(set) var doc: DocID = -1
    let cost: Int
    let maxScore: Float
    private var cursor: PostingsCursor
    var isCorrupt: Bool { cursor.isCorrupt }
    private let factors: UnsafeMutablePointer<Float>
    /// Norm bytes of doc 0 (`IndexFormat.fieldCount` per doc, doc-major).
    private let normRows: UnsafePointer<UInt8>
    private let fields: UInt16
    private let restricted: Bool
    private let scoreWeight: Float
    private let k1: Float
    private let saturates: Bool
    private let sqrtTermFreq: Bool
    /// BM25F over the default fields (no field prefix): termFreqs count as themselves, a field the
    /// clause does not search has factor 0, scores saturate; the scoring loops need no per-field test.
    private let defaultBM25F: Bool
    private var window = ImpactsWindow()
    let weight: TermWeight
    private let model: ScoringModel

    init(weight: TermWeight, info: TermInfo, segment: SegmentReader, model: ScoringModel) {
        self.weight = weight
        self.model = model
        factors = weight.field == nil ? model.searchedFactors : model.factors
        normRows = segment.norms.row(0)
        fields = weight.fields
        scoreWeight = weight.weight
        k1 = model.k1
        saturates = model.saturates
        sqrtTermFreq = model.sqrtTermFreq
        defaultBM25F = weight.field == nil && !model.sqrtTermFreq && model.saturates
        cursor = segment.postings(info)
        // Docs are skipped field by field only when the term occurs in fields the clause does not score.
        restricted = cursor.termImpacts.fieldMask & ~weight.fields != 0
        cost = weight.field.map { info.docFreq(in: $0) } ?? info.docFreq
        maxScore = model.bound(weight: weight.weight, impacts: cursor.termImpacts, fields: weight.fields)
    }

    func restarted(in segment: SegmentReader) -> TermScorer? {
        TermScorer(weight: weight, info: cursor.info, segment: segment, model: model)
    }

    @inline(__always)
    mutating func nextDoc() -> DocID {
        var d = cursor.next()
        if restricted {
            while d != PostingsCursor.noMoreDocs && cursor.fieldMask & fields == 0 { d = cursor.next() }
        }
        doc = d
        return d
    }

    @inline(__always)
    mutating func advance(to target: DocID) -> DocID {
        if target <= doc { return doc }
        var d = cursor.advance(to: target)
        if restricted {
            while d != PostingsCursor.noMoreDocs && cursor.fieldMask & fields == 0 { d = cursor.next() }
        }
        doc = d
        return d
    }

    /// Every candidate of a term is a match (a field restriction is applied while advancing).
    @inline(__always)
    func matches() -> Bool { true }

    /// x = Σ_f tfT(tf_f) · factor[f][norm_f] over the clause's fields, then the similarity's score.
    @inline(__always)
    mutating func score() -> Float {
        let row = normRows + Int(doc) &* IndexFormat.fieldCount
        var x: Float = 0
        let sqrt = sqrtTermFreq
        let fields = self.fields
        let factors = self.factors
        if defaultBM25F {
            // As `accumulate`'s loop: a field not searched adds tf · 0, which leaves x unchanged.
            cursor.forEachTermFreq { field, tf in
                let f = Int(field.rawValue)
                x += Float(tf) * factors[f &* 256 &+ Int(row[f])]
            }
            guard x > 0 else { return 0 }
            return scoreWeight * (x / (k1 + x))
        }
        cursor.forEachTermFreq { field, tf in
            let f = Int(field.rawValue)
            guard fields & (1 << UInt16(f)) != 0 else { return }
            let t = sqrt ? Float(tf).squareRoot() : Float(tf)
            x += t * factors[f &* 256 &+ Int(row[f])]
        }
        guard x > 0 else { return 0 }
        return saturates ? scoreWeight * (x / (k1 + x)) : scoreWeight * x
    }

    /// Whole runs of a block at a time (`PostingsCursor.scanBlock`): the same arithmetic as `score()`,
    /// in a tight loop over the block's unpacked termFreqs.
    mutating func accumulate(through last: DocID, base: Int, into accumulator: UnsafeMutablePointer<Double>,
                             marks: UnsafeMutablePointer<UInt64>) {
        let factors = self.factors
        let weight = scoreWeight, k1 = self.k1
        if defaultBM25F && model.hasSaturatedOnce {
            // BM25F over the default fields, the common case, without the per-field and per-model tests
            // (a field the clause does not search has factor 0 in `searchedFactors`); the same
            // arithmetic in the same order. A doc holding the term once in one field (x = 1 · factor)
            // takes x / (k1 + x) from `saturatedOnce`, the same Float computed once per model, instead of
            // a division. Callgrind, 75 TREC 2021 topics at top-10 on the 16x replica: see BENCHMARKS.md.
            // `saturatedOnce` follows `searchedFactors` (one base pointer for both: one register less).
            let once = IndexFormat.fieldCount * 256
            precondition(model.saturatedOnce == factors + once, "saturatedOnce does not follow searchedFactors")
            scanDocs(through: last) { doc, mask, freqs, row in
                guard mask != 0 else { return }
                let f = mask.trailingZeroBitCount
                let score: Float
                if mask & (mask &- 1) == 0 && freqs[0] == 0 {
                    let s = factors[once &+ f &* 256 &+ Int(row[f])]
                    guard s > 0 else { return }
                    score = weight * s
                } else {
                    var x = Float(freqs[0] &+ 1) * factors[f &* 256 &+ Int(row[f])]
                    var m = mask & (mask &- 1)
                    var k = 1
                    while m != 0 {
                        let g = m.trailingZeroBitCount
                        x += Float(freqs[k] &+ 1) * factors[g &* 256 &+ Int(row[g])]
                        k &+= 1
                        m &= m &- 1
                    }
                    guard x > 0 else { return }
                    score = weight * (x / (k1 + x))
                }
                Self.add(score, at: Int(doc) &- base, accumulator, marks)
            }
            return
        }
        let fields = self.fields, sqrt = sqrtTermFreq, saturates = self.saturates
        scanDocs(through: last) { doc, mask, freqs, row in
            guard mask & fields != 0 else { return }
            var x: Float = 0
            // The doc's termFreqs are in field order: the k-th set bit of `mask` has freqs[k].
            var m = mask
            var k = 0
            while m != 0 {
                let f = m.trailingZeroBitCount
                if fields & (1 << UInt16(f)) != 0 {
                    let tf = freqs[k] &+ 1
                    let t = sqrt ? Float(tf).squareRoot() : Float(tf)
                    x += t * factors[f &* 256 &+ Int(row[f])]
                }
                k &+= 1
                m &= m - 1
            }
            guard x > 0 else { return }
            Self.add(saturates ? weight * (x / (k1 + x)) : weight * x, at: Int(doc) &- base, accumulator, marks)
        }
    }

    /// Adds a doc's score into the accumulator at offset `o` and marks it a candidate.
    @inline(__always)
    private static func add(_ score: Float, at o: Int, _ accumulator: UnsafeMutablePointer<Double>,
                            _ marks: UnsafeMutablePointer<UInt64>) {
        accumulator[o] += Double(score)
        marks[o >> 6] |= 1 << UInt64(o & 63)
    }

    /// The loop of `accumulate`: `body(doc, fieldMask, termFreqs, normsRow)` for each doc up to `last`
    /// (the clause's field restriction applied between blocks' runs, as `nextDoc`).
    @inline(__always)
    private mutating func scanDocs(through last: DocID,
                                   _ body: (DocID, UInt16, UnsafeMutablePointer<UInt32>, UnsafePointer<UInt8>) -> Void) {
        let row0 = normRows, fields = self.fields
        var d = doc
        while d <= last {
            d = cursor.scanBlock(through: last) { doc, mask, freqs in
                body(doc, mask, freqs, row0 + Int(doc) &* IndexFormat.fieldCount)
            }
            if restricted {
                while d != PostingsCursor.noMoreDocs && cursor.fieldMask & fields == 0 { d = cursor.next() }
            }
        }
        doc = d
    }

    mutating func advanceShallow(to target: DocID) -> DocID {
        window.advanceShallow(&cursor, to: target, model: model, weight: scoreWeight, fields: fields)
    }

    mutating func maxScore(upTo: DocID) -> Float {
        window.maxScore(&cursor, upTo: upTo, segmentMax: maxScore, model: model, weight: scoreWeight, fields: fields)
    }

    mutating func explain() -> Explanation {
        let row = normRows + Int(doc) &* IndexFormat.fieldCount
        var x: Float = 0
        var details: [Explanation] = []
        let fields = self.fields
        let model = self.model
        cursor.forEachTermFreq { field, tf in
            let f = Int(field.rawValue)
            guard fields & (1 << UInt16(f)) != 0 else { return }
            x += model.termFreqValue(UInt32(tf)) * model.factor(field: f, norm: row[f])
            details.append(model.explainField(field, termFreq: UInt32(tf), norm: row[f], frequencyName: "termFreq"))
        }
        return model.explainScore(weight: weight, x: x, fieldDetails: details, what: "term \(weight.scope)\(weight.term)")
    }
}
