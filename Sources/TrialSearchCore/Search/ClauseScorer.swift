/// A clause being matched and scored in one segment, doc at a time, with upper bounds of its scores
/// for dynamic pruning.
///
/// Iteration is two-phase (as Lucene's `TwoPhaseIterator`): `nextDoc()`/`advance(to:)` move forward only,
/// to docs that *may* match (a phrase: docs holding all its terms), `doc` starts at −1 and ends at
/// `PostingsCursor.noMoreDocs`; `matches()` then confirms the current doc (a phrase checks its
/// positions), and must return true before `score()` or `explain()`. Searches call it only for docs that
/// can still compete, so positions are read for few docs. Deleted docs are not filtered here. Bounds:
/// `maxScore` over the whole segment; `advanceShallow(to:)` + `maxScore(upTo:)` over a window of docs,
/// from the postings' block `Impacts`, without decoding docs.
///
/// Scorers are structs kept in contiguous buffers and mutated in place, and the searches are generic
/// over them, so that a query of plain terms (keywords, long queries, more-like-this) runs on
/// `TermScorer`s without reference counting or dynamic dispatch.
protocol ClauseScorer {
    /// The current doc (a candidate until `matches()` confirms it).
    var doc: DocID { get }
    /// An estimate of the docs the clause visits (its rarest term's docFreq).
    var cost: Int { get }
    /// No doc of the segment scores more.
    var maxScore: Float { get }
    /// Whether a postings list the scorer read turned out malformed (its docs then ended early): the
    /// search reports the segment's file as corrupt rather than return quietly incomplete hits.
    var isCorrupt: Bool { get }

    /// Moves to the next candidate doc.
    mutating func nextDoc() -> DocID
    /// Moves to the first candidate doc ≥ `target` (stays when already there).
    mutating func advance(to target: DocID) -> DocID
    /// Whether the current candidate truly matches (always true for a term).
    mutating func matches() -> Bool
    /// The score of the current doc (after `matches()` returned true).
    mutating func score() -> Float
    /// Prepares bounds for the docs from `target` on; returns the last doc of the first window whose
    /// bound `maxScore(upTo:)` can give cheaply (a postings block's end).
    mutating func advanceShallow(to target: DocID) -> DocID
    /// An upper bound of the scores of the docs from the last `advanceShallow(to:)` target up to
    /// `upTo` (inclusive).
    mutating func maxScore(upTo: DocID) -> Float
    /// The score of the current doc as a tree of factors (its value equals `score()`).
    mutating func explain() -> Explanation
    /// Adds the score of every matching doc from the current one up to `last` into
    /// `accumulator[doc − base]`, marks it in the bit set `marks`, and moves past `last`: the term-at-a-time
    /// step of `MaxScoreSearch`. `base` is a multiple of 64 (`AccumulatorWindow.base(of:)`), so that a
    /// doc's mark is bit `doc & 63` of word `(doc − base) / 64`.
    mutating func accumulate(through last: DocID, base: Int, into accumulator: UnsafeMutablePointer<Double>,
                             marks: UnsafeMutablePointer<UInt64>)
    /// `accumulate` for a window whose docs' norms rows an earlier clause has just read (the second and
    /// later essential clauses of a MaxScore inner window): the same sums, without the memory
    /// prefetches that only pay for rows not yet in the cache.
    mutating func accumulateCached(through last: DocID, base: Int, into accumulator: UnsafeMutablePointer<Double>,
                                   marks: UnsafeMutablePointer<UInt64>)
    /// Calls `body(doc, score)` for every matching doc from the current one up to `last`, in doc order,
    /// except those (or some of those) pruned by `boundIsBelow(score + rest, threshold)`, and moves past
    /// `last`; `body` returns the threshold for the docs after, and must not move this scorer. The docs
    /// and scores are those `accumulate` adds: `MaxScoreSearch` scores a lone essential clause this way,
    /// without the accumulator, and a pruned doc costs no call.
    mutating func forEachCompetitiveScore(through last: DocID, rest: Float, threshold: Float, _ body: (DocID, Float) -> Float)
    /// `forEachCompetitiveScore` for a caller that moves the scorer past `last` (`advance(to:)`) before it
    /// reads it again: the scorer may stay on `last`, a doc already passed to `body` or passed over,
    /// rather than move past it (`TermScorer` does when `last` ends a postings block and the next block's
    /// bound is below its cutoff, so that a block the next window skips is not loaded).
    mutating func forEachCompetitiveScoreInWindow(through last: DocID, rest: Float, threshold: Float,
                                                  _ body: (DocID, Float) -> Float)
    /// A new scorer of the same clause in `segment`, before its first doc and with its own decode
    /// buffers (so that both can be walked independently), or nil when the scorer cannot make one.
    func restarted(in segment: SegmentReader) -> Self?
    /// `restarted(in:)` for a walk that ends before this scorer moves (`ThresholdSeed`, before the
    /// search starts): it may share this scorer's decode buffers (`TermScorer`'s copy of itself while
    /// unstarted), so no two of them may be walked at once.
    func restartedForUseBeforeThis(in segment: SegmentReader) -> Self?
    /// `advance(to:)` for a scorer that reads one doc per call and is moved only by this
    /// (`ThresholdSeed`'s completion, on fresh scorers dropped after): it may decode less of a block.
    mutating func advanceAlone(to target: DocID) -> DocID
    /// Appends to `candidates` the clause's best docs in `segment` with their scores for this clause
    /// (`ChampionSeed`: a term's stored champion list, or its walked postings when it is short), as
    /// clause `clause`; returns false when the scorer cannot take part in a champion seed (its scores
    /// may be negative, or it is not a plain term). Leaves the scorer as it is.
    /// - Throws: `IndexError.corrupt` naming the postings file when a champion list does not decode.
    func appendChampions(in segment: SegmentReader, clause: Int, to candidates: inout [ChampionSeed.Candidate]) throws -> Bool
}

extension ClauseScorer {
    func restarted(in segment: SegmentReader) -> Self? { nil }
    func restartedForUseBeforeThis(in segment: SegmentReader) -> Self? { restarted(in: segment) }
    mutating func advanceAlone(to target: DocID) -> DocID { advance(to: target) }
    func appendChampions(in segment: SegmentReader, clause: Int, to candidates: inout [ChampionSeed.Candidate]) throws -> Bool {
        false
    }

    /// Doc by doc: `matches()`, `score()`, `nextDoc()` (`accumulateDocByDoc`).
    mutating func accumulate(through last: DocID, base: Int, into accumulator: UnsafeMutablePointer<Double>,
                             marks: UnsafeMutablePointer<UInt64>) {
        accumulateDocByDoc(through: last, base: base, into: accumulator, marks: marks)
    }

    /// `accumulate` doc by doc: `matches()`, `score()`, `nextDoc()`; each matching doc's score added
    /// once and marked. The default, and what a scorer with its own `accumulate` falls back to.
    @inline(__always)
    mutating func accumulateDocByDoc(through last: DocID, base: Int, into accumulator: UnsafeMutablePointer<Double>,
                                     marks: UnsafeMutablePointer<UInt64>) {
        var d = doc
        while d <= last {
            if matches() {
                let o = Int(d) - base
                accumulator[o] += Double(score())
                marks[o >> 6] |= 1 << UInt64(o & 63)
            }
            d = nextDoc()
        }
    }

    /// `accumulate` (a scorer without prefetches).
    mutating func accumulateCached(through last: DocID, base: Int, into accumulator: UnsafeMutablePointer<Double>,
                                   marks: UnsafeMutablePointer<UInt64>) {
        accumulate(through: last, base: base, into: accumulator, marks: marks)
    }

    /// `forEachCompetitiveScore`: the scorer moves past `last`.
    mutating func forEachCompetitiveScoreInWindow(through last: DocID, rest: Float, threshold: Float,
                                                  _ body: (DocID, Float) -> Float) {
        forEachCompetitiveScore(through: last, rest: rest, threshold: threshold, body)
    }

    /// Doc by doc: `matches()`, `score()`, `nextDoc()` (the docs and scores `accumulate` adds).
    mutating func forEachCompetitiveScore(through last: DocID, rest: Float, threshold: Float, _ body: (DocID, Float) -> Float) {
        var threshold = threshold
        var d = doc
        while d <= last {
            if matches() {
                let score = score()
                if !boundIsBelow(score + rest, threshold) { threshold = body(d, score) }
            }
            d = nextDoc()
        }
    }
}

/// A scorer behind a class reference, so that a mixed query's scorers are mutated through the reference
/// (no copy-on-write of an existential box per call). A class whose subclasses (one per scorer type)
/// override every member, rather than a protocol, so that `AnyClauseScorer` can call it through an
/// unretained reference (`Unmanaged`); the members here are never called.
class ClauseScorerBox {
    var doc: DocID { preconditionFailure("abstract") }
    var cost: Int { preconditionFailure("abstract") }
    var maxScore: Float { preconditionFailure("abstract") }
    var isCorrupt: Bool { preconditionFailure("abstract") }
    func nextDoc() -> DocID { preconditionFailure("abstract") }
    func advance(to target: DocID) -> DocID { preconditionFailure("abstract") }
    func matches() -> Bool { preconditionFailure("abstract") }
    func score() -> Float { preconditionFailure("abstract") }
    func advanceShallow(to target: DocID) -> DocID { preconditionFailure("abstract") }
    func maxScore(upTo: DocID) -> Float { preconditionFailure("abstract") }
    func explain() -> Explanation { preconditionFailure("abstract") }
    func accumulate(through last: DocID, base: Int, into accumulator: UnsafeMutablePointer<Double>,
                    marks: UnsafeMutablePointer<UInt64>) { preconditionFailure("abstract") }
    func forEachCompetitiveScore(through last: DocID, rest: Float, threshold: Float, _ body: (DocID, Float) -> Float) {
        preconditionFailure("abstract")
    }
}

/// Owns one concrete scorer for `AnyClauseScorer`: one non-generic class per scorer type, so that
/// every forwarding method is compiled for its type (a generic box would copy the scorer to read
/// `doc`). The stored scorer is only reached through its box, one search at a time, so its dynamic
/// exclusivity checks are off.
final class TermScorerBox: ClauseScorerBox {
    @exclusivity(unchecked) var scorer: TermScorer

    init(_ scorer: TermScorer) { self.scorer = scorer }

    override var doc: DocID { scorer.doc }
    override var cost: Int { scorer.cost }
    override var maxScore: Float { scorer.maxScore }
    override var isCorrupt: Bool { scorer.isCorrupt }
    override func nextDoc() -> DocID { scorer.nextDoc() }
    override func advance(to target: DocID) -> DocID { scorer.advance(to: target) }
    override func matches() -> Bool { scorer.matches() }
    override func score() -> Float { scorer.score() }
    override func advanceShallow(to target: DocID) -> DocID { scorer.advanceShallow(to: target) }
    override func maxScore(upTo: DocID) -> Float { scorer.maxScore(upTo: upTo) }
    override func explain() -> Explanation { scorer.explain() }
    override func accumulate(through last: DocID, base: Int, into accumulator: UnsafeMutablePointer<Double>,
                    marks: UnsafeMutablePointer<UInt64>) {
        scorer.accumulate(through: last, base: base, into: accumulator, marks: marks)
    }
    override func forEachCompetitiveScore(through last: DocID, rest: Float, threshold: Float, _ body: (DocID, Float) -> Float) {
        scorer.forEachCompetitiveScore(through: last, rest: rest, threshold: threshold, body)
    }
}

/// `PhraseScorer` behind a reference (see `TermScorerBox`).
final class PhraseScorerBox: ClauseScorerBox {
    @exclusivity(unchecked) var scorer: PhraseScorer

    init(_ scorer: PhraseScorer) { self.scorer = scorer }

    override var doc: DocID { scorer.doc }
    override var cost: Int { scorer.cost }
    override var maxScore: Float { scorer.maxScore }
    override var isCorrupt: Bool { scorer.isCorrupt }
    override func nextDoc() -> DocID { scorer.nextDoc() }
    override func advance(to target: DocID) -> DocID { scorer.advance(to: target) }
    override func matches() -> Bool { scorer.matches() }
    override func score() -> Float { scorer.score() }
    override func advanceShallow(to target: DocID) -> DocID { scorer.advanceShallow(to: target) }
    override func maxScore(upTo: DocID) -> Float { scorer.maxScore(upTo: upTo) }
    override func explain() -> Explanation { scorer.explain() }
    override func accumulate(through last: DocID, base: Int, into accumulator: UnsafeMutablePointer<Double>,
                    marks: UnsafeMutablePointer<UInt64>) {
        scorer.accumulate(through: last, base: base, into: accumulator, marks: marks)
    }
    override func forEachCompetitiveScore(through last: DocID, rest: Float, threshold: Float, _ body: (DocID, Float) -> Float) {
        scorer.forEachCompetitiveScore(through: last, rest: rest, threshold: threshold, body)
    }
}

/// `AlternativesScorer` behind a reference (see `TermScorerBox`).
final class AlternativesScorerBox: ClauseScorerBox {
    @exclusivity(unchecked) var scorer: AlternativesScorer

    init(_ scorer: AlternativesScorer) { self.scorer = scorer }

    override var doc: DocID { scorer.doc }
    override var cost: Int { scorer.cost }
    override var maxScore: Float { scorer.maxScore }
    override var isCorrupt: Bool { scorer.isCorrupt }
    override func nextDoc() -> DocID { scorer.nextDoc() }
    override func advance(to target: DocID) -> DocID { scorer.advance(to: target) }
    override func matches() -> Bool { scorer.matches() }
    override func score() -> Float { scorer.score() }
    override func advanceShallow(to target: DocID) -> DocID { scorer.advanceShallow(to: target) }
    override func maxScore(upTo: DocID) -> Float { scorer.maxScore(upTo: upTo) }
    override func explain() -> Explanation { scorer.explain() }
    override func accumulate(through last: DocID, base: Int, into accumulator: UnsafeMutablePointer<Double>,
                    marks: UnsafeMutablePointer<UInt64>) {
        scorer.accumulate(through: last, base: base, into: accumulator, marks: marks)
    }
    override func forEachCompetitiveScore(through last: DocID, rest: Float, threshold: Float, _ body: (DocID, Float) -> Float) {
        scorer.forEachCompetitiveScore(through: last, rest: rest, threshold: threshold, body)
    }
}

/// Any scorer (a phrase, alternatives, a term in a query that has those), for the searches' generic
/// code when a query mixes kinds.
///
/// `box` owns the scorer's box; the calls go through `handle`, an unretained reference to it: a call
/// through `box`, loaded from the searches' scorer buffers, was bracketed by a retain and a release of
/// the box (MaxScore's probes and its lone essential clause's loop: about 1.1 M pairs, 45 M
/// instructions, for the 1,000 keyword queries at top 1,000 on the 16x replica; BENCHMARKS.md,
/// `kw14`). Any copy of this scorer holds `box`, so the box outlives every call.
struct AnyClauseScorer: ClauseScorer {
    let box: ClauseScorerBox
    private let handle: Unmanaged<ClauseScorerBox>

    init(_ scorer: TermScorer) { self.init(box: TermScorerBox(scorer)) }
    init(_ scorer: PhraseScorer) { self.init(box: PhraseScorerBox(scorer)) }
    init(_ scorer: AlternativesScorer) { self.init(box: AlternativesScorerBox(scorer)) }

    private init(box: ClauseScorerBox) {
        self.box = box
        handle = Unmanaged.passUnretained(box)
    }

    var doc: DocID { handle._withUnsafeGuaranteedRef { $0.doc } }
    var cost: Int { handle._withUnsafeGuaranteedRef { $0.cost } }
    var maxScore: Float { handle._withUnsafeGuaranteedRef { $0.maxScore } }
    var isCorrupt: Bool { handle._withUnsafeGuaranteedRef { $0.isCorrupt } }
    func nextDoc() -> DocID { handle._withUnsafeGuaranteedRef { $0.nextDoc() } }
    func advance(to target: DocID) -> DocID { handle._withUnsafeGuaranteedRef { $0.advance(to: target) } }
    func matches() -> Bool { handle._withUnsafeGuaranteedRef { $0.matches() } }
    func score() -> Float { handle._withUnsafeGuaranteedRef { $0.score() } }
    func advanceShallow(to target: DocID) -> DocID { handle._withUnsafeGuaranteedRef { $0.advanceShallow(to: target) } }
    func maxScore(upTo: DocID) -> Float { handle._withUnsafeGuaranteedRef { $0.maxScore(upTo: upTo) } }
    func explain() -> Explanation { handle._withUnsafeGuaranteedRef { $0.explain() } }
    func accumulate(through last: DocID, base: Int, into accumulator: UnsafeMutablePointer<Double>,
                    marks: UnsafeMutablePointer<UInt64>) {
        handle._withUnsafeGuaranteedRef { $0.accumulate(through: last, base: base, into: accumulator, marks: marks) }
    }
    func forEachCompetitiveScore(through last: DocID, rest: Float, threshold: Float, _ body: (DocID, Float) -> Float) {
        handle._withUnsafeGuaranteedRef { $0.forEachCompetitiveScore(through: last, rest: rest, threshold: threshold, body) }
    }
}

/// A term's (or a phrase's) part in a query, the same in every segment: its idf and the weight its
/// score is multiplied by.
struct TermWeight: Sendable {
    /// The term, or the phrase in query syntax (for explanations).
    let term: String
    /// The field named in the query (`title:ovarian`), nil for a clause over the default fields.
    let field: Field?
    /// Fields the clause scores (bit f for field f): the similarity's searched fields (those of positive
    /// weight, `ScoringModel.searchedFields`), or the one named in the query. A doc holding the term only
    /// in other fields does not match the clause.
    let fields: UInt16
    let idf: Double
    /// A phrase's terms with their docFreq and idf; empty for a single term, whose source is `term`
    /// itself with `docFreq` (no array allocated, copied and freed per term clause: BENCHMARKS.md, `rel21`).
    private let phraseSources: [(term: String, docFreq: Int, idf: Double)]
    /// A single term's docFreq (`docFreq(in: field)`), 0 for a phrase.
    private let docFreq: Int
    let docCount: Int
    let boost: Double
    /// What the boost is made of, for explanations (`WeightedClause.boostReason`).
    var boostReason = ""
    /// The multiplier of the saturated (BM25F) or linear (TF-IDF) field sum: boost · idf, or
    /// queryNorm · boost · idf² (see `ScoringModel`).
    var weight: Float
    /// TF-IDF's queryNorm folded into `weight` (1 for BM25F).
    var queryNorm: Double = 1

    /// Where `idf` comes from: the docFreq of each term (one for a term, several for a phrase), out of
    /// `docCount` docs. The explanation is built from it only when asked for.
    var idfSources: [(term: String, docFreq: Int, idf: Double)] {
        phraseSources.isEmpty ? [(term, docFreq, idf)] : phraseSources
    }

    /// A term or phrase whose idf comes from `idfSources` (one entry: a single term).
    init(term: String, field: Field?, fields: UInt16, idf: Double, idfSources: [(term: String, docFreq: Int, idf: Double)],
         docCount: Int, boost: Double, boostReason: String = "", weight: Float) {
        let single = idfSources.count == 1 && idfSources[0].term == term && idfSources[0].idf == idf
        self.init(term: term, field: field, fields: fields, idf: idf, phraseSources: single ? [] : idfSources,
                  docFreq: single ? idfSources[0].docFreq : 0, docCount: docCount, boost: boost, boostReason: boostReason,
                  weight: weight)
    }

    /// A single term of `docFreq` docs.
    init(term: String, field: Field?, fields: UInt16, idf: Double, docFreq: Int, docCount: Int, boost: Double,
         boostReason: String = "", weight: Float) {
        self.init(term: term, field: field, fields: fields, idf: idf, phraseSources: [], docFreq: docFreq, docCount: docCount,
                  boost: boost, boostReason: boostReason, weight: weight)
    }

    private init(term: String, field: Field?, fields: UInt16, idf: Double, phraseSources: [(term: String, docFreq: Int, idf: Double)],
                 docFreq: Int, docCount: Int, boost: Double, boostReason: String, weight: Float) {
        self.term = term
        self.field = field
        self.fields = fields
        self.idf = idf
        self.phraseSources = phraseSources
        self.docFreq = docFreq
        self.docCount = docCount
        self.boost = boost
        self.boostReason = boostReason
        self.weight = weight
    }

    /// `title:` for a clause restricted to the title, "" otherwise.
    var scope: String { field.map { "\($0.name):" } ?? "" }

    /// How `idf` was computed (statistics, or the sum over a phrase's terms).
    func idfExplanation(_ similarity: Similarity) -> Explanation {
        if idfSources.count == 1, let only = idfSources.first {
            return Explanation(value: Float(idf), description: similarity.idfDescription(docFreq: only.docFreq, docCount: docCount))
        }
        let details = idfSources.map {
            Explanation(value: Float($0.idf), description: "\($0.term): " + similarity.idfDescription(docFreq: $0.docFreq, docCount: docCount))
        }
        return Explanation(value: Float(idf), description: "idf of the phrase = Σ idf of its terms", combination: .sum, details: details)
    }
}

extension ScoringModel {
    /// The explanation of a score from the weighted field sum `x` of a term or phrase.
    /// `fieldDetails` are the per-field contributions whose sum is `x`.
    /// The explanation of a score from the weighted field sum `x` of a term or phrase.
    /// `fieldDetails` are the per-field contributions whose sum is `x`.
    func explainScore(weight: TermWeight, x: Float, fieldDetails: [Explanation], what: String) -> Explanation {
        let value = score(weight: weight.weight, x: x)
        let sum = Explanation(value: x, description: "tf̃ = Σ over fields of weight · tf / length norm",
                              combination: .sum, details: fieldDetails)
        let idfExplanation = weight.idfExplanation(similarity)
        var weightParts: [Explanation] = [.leaf(weight.boost, weight.boostReason.isEmpty ? "boost (query-term weight)"
                                                                 : "boost (query-term weight: \(weight.boostReason))"), idfExplanation]
        if saturates {
            let saturation = Explanation(value: x > 0 ? x / (k1 + x) : 0, description: "tf̃ / (k1 + tf̃), saturation",
                                         details: [sum, .leaf(Double(k1), "k1")])
            let w = Explanation(value: weight.weight, description: "weight = boost · idf", combination: .product,
                                details: weightParts)
            return Explanation(value: value, description: what, combination: .product, details: [w, saturation])
        }
        weightParts.append(idfExplanation)
        weightParts.append(.leaf(weight.queryNorm, "queryNorm = 1 / √(Σ (boost · idf)²) over the query's clauses"))
        let w = Explanation(value: weight.weight, description: "weight = boost · idf² · queryNorm", combination: .product,
                            details: weightParts)
        return Explanation(value: value, description: what, combination: .product, details: [w, sum])
    }

    /// The explanation of one field's part of tf̃: `w · tfT(tf) / B(len)`.
    func explainField(_ field: Field, termFreq: UInt32, norm: UInt8, frequencyName: String) -> Explanation {
        let f = Int(field.rawValue)
        let tfValue = termFreqValue(termFreq)
        let factor = self.factor(field: f, norm: norm)
        let length = FieldNorm.decode(norm)
        let average = statistics.averageFieldLengths[f]
        var details: [Explanation] = [.leaf(Double(termFreq), frequencyName)]
        switch similarity {
        case let .bm25f(p):
            details += [.leaf(Self.explicitWeight(p.weights[field]), "field weight w"), .leaf(Double(length), "field length"),
                        .leaf(average, "average field length"), .leaf(p.b[field], "b")]
            return Explanation(value: tfValue * factor, description: "\(field.name): w · tf / (1 − b + b · length / average length)",
                               details: details)
        case let .tfidf(p):
            details += [.leaf(Self.explicitWeight(p.weights[field]), "field weight w"), .leaf(Double(length), "field length")]
            return Explanation(value: tfValue * factor, description: "\(field.name): w · √tf / √length", details: details)
        }
    }
}
