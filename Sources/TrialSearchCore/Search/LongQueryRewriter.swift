#if canImport(Glibc)
import Glibc
#endif

/// The query-rewriting stage for long free text (a patient's case notes, a trial's description): keeps
/// the informative terms, once each, weighted, instead of OR-ing three hundred words. The defaults are
/// the method of `Benchmarks/research/FINDINGS.md` (NDCG@10 0.43 on the 2021 TREC topics).
///
/// 1. Each distinct analyzed term once (the index's few stop words are already gone), with its count.
/// 2. Dropped: terms the note only states negated (`Negation`: "denies chest pain", "no fever"),
///    numbers (ages, doses, dates: noise as search terms) and units of measure (`LongQueryStopWords.units`),
///    the narrative words of `LongQueryStopWords` when `dropNarrativeWords` is set, the joined forms of
///    hyphenated words (`yearold`), terms shorter than `minimumTermLength`, terms absent from the index
///    and terms in more than `maxDocFreqRatio` of the docs.
/// 3. Each term's *concept ratio* c ∈ [0, 1]: the share of the docs holding it that hold it in a field
///    saying what a trial is about (title, conditions, keywords, MeSH terms): `min(1, Σ_f df_f / df)`;
///    and its *condition share* s = max(df_condition, df_mesh) / df: how often the term names a condition.
/// 4. Ranked by `count^countExponent · idf · ((1 − conceptSelection) + conceptSelection · c)` (with the
///    defaults: idf) and cut to the fewest best that hold `weightMass` of the candidates' summed weight
///    (88 %), no fewer than `minTerms` (36) and no more than `maxTerms` (60), as Lucene's MoreLikeThis
///    keeps its best `maxQueryTerms`. The 75 TREC 2021 notes give 20–82 candidates (median 45): 18 keep
///    all of theirs (20–36), 35 are held at 36, 22 of the 26 with 50–82 keep 37–57. The terms cut are
///    the most frequent, which add least to any score and cost most to evaluate (their postings lists
///    are the longest): see `LongQueryParameters.weightMass`.
/// 5. Each kept term becomes an optional clause with boost
///    `count^countExponent · ((1 − conceptBoost) + conceptBoost · c) · (1 + conditionPrior · s)`, times
///    `firstSentenceBoost` when the note's first sentence states it (case notes give age, sex and the main
///    diagnosis first); the scorer multiplies by idf.
///
/// The result is a disjunction of the note's informative terms, which MaxScore evaluates fast: the
/// frequent terms soon become non-essential.
public struct LongQueryRewriter: Sendable {
    public var parameters: LongQueryParameters
    /// Stemmed narrative words to drop (`LongQueryStopWords` through the index's analyzer).
    public var stopTerms: Set<String>
    /// Stemmed units of measure to drop (`LongQueryStopWords.units` through the index's analyzer).
    public var unitTerms: Set<String>

    public init(parameters: LongQueryParameters = LongQueryParameters(), stopTerms: Set<String> = [],
                unitTerms: Set<String> = []) {
        self.parameters = parameters
        self.stopTerms = stopTerms
        self.unitTerms = unitTerms
    }

    /// `LongQueryStopWords`, analyzed as the index analyzes text (stop words and stems).
    public static func stopTerms(analyzer: Analyzer) -> Set<String> {
        var terms = Set<String>()
        for word in LongQueryStopWords.english + LongQueryStopWords.clinicalNarrative {
            analyzer.analyze(word, field: .summary) { terms.insert($0.text) }
        }
        return terms
    }

    /// `LongQueryStopWords.units`, analyzed as the index analyzes text.
    public static func unitTerms(analyzer: Analyzer) -> Set<String> {
        var terms = Set<String>()
        for word in LongQueryStopWords.units {
            analyzer.analyze(word, field: .summary) { terms.insert($0.text) }
        }
        return terms
    }

    /// Fields that say what a trial is about.
    static let conceptFields: [Field] = [.title, .condition, .keyword, .mesh]

    /// One distinct term of the text and how often it occurs.
    public struct TermCount: Sendable, Hashable {
        public var term: String
        public var count: Int
        /// Digits only (with decimal points): an age, a dose, a date.
        public var isNumber: Bool
        /// Stated without negation somewhere in the text (a term that is not is dropped).
        public var isAffirmed: Bool
        /// Stated in the text's first sentence (boosted by `firstSentenceBoost`).
        public var isInFirstSentence: Bool

        public init(term: String, count: Int, isNumber: Bool, isAffirmed: Bool = true, isInFirstSentence: Bool = false) {
            self.term = term
            self.count = count
            self.isNumber = isNumber
            self.isAffirmed = isAffirmed
            self.isInFirstSentence = isInFirstSentence
        }
    }

    /// The concept ratio of a term (see the type's documentation).
    public static func conceptRatio(_ statistics: TermStatistics) -> Double {
        guard statistics.docFreq > 0 else { return 0 }
        let inConceptFields = conceptFields.reduce(0) { $0 + statistics.docFreq(in: $1) }
        return min(1, Double(inConceptFields) / Double(statistics.docFreq))
    }

    /// The condition share of a term: `max(df_condition, df_mesh) / df` (see the type's documentation).
    public static func conditionShare(_ statistics: TermStatistics) -> Double {
        guard statistics.docFreq > 0 else { return 0 }
        let named = max(statistics.docFreq(in: .condition), statistics.docFreq(in: .mesh))
        return min(1, Double(named) / Double(statistics.docFreq))
    }

    /// The weighted query for `terms` over `reader`'s statistics; nil when no term survives.
    /// - Complexity: one term lookup per distinct term and segment.
    public func rewrite(_ terms: [TermCount], reader: IndexReader, similarity: Similarity) throws -> WeightedQuery? {
        var lookups = ResolvedTerms(reader: reader)
        return try rewrite(terms, lookups: &lookups, similarity: similarity)
    }

    /// As `rewrite(_:reader:similarity:)`, keeping the terms it resolved in `lookups` for the searcher.
    /// `affirmed`, when given, holds the terms the text states without negation; the others are dropped.
    /// `firstSentence` holds the terms of the text's first sentence (boosted by `firstSentenceBoost`).
    public func rewrite(_ terms: [TermCount], lookups: inout ResolvedTerms, similarity: Similarity,
                        affirmed: Set<String>? = nil, firstSentence: Set<String> = []) throws -> WeightedQuery? {
        guard affirmed != nil || !firstSentence.isEmpty else { return try rewrite(marked: terms, lookups: &lookups, similarity: similarity) }
        return try rewrite(marked: terms.map {
            var term = $0
            if let affirmed, !affirmed.contains(term.term) { term.isAffirmed = false }
            if firstSentence.contains(term.term) { term.isInFirstSentence = true }
            return term
        }, lookups: &lookups, similarity: similarity)
    }

    /// As `rewrite(_:lookups:similarity:affirmed:firstSentence:)`, with the terms' own `isAffirmed` and
    /// `isInFirstSentence` marks.
    public func rewrite(marked terms: [TermCount], lookups: inout ResolvedTerms, similarity: Similarity) throws -> WeightedQuery? {
        let reader = lookups.reader
        let p = parameters
        let docCount = max(reader.docCount, 1)
        // A candidate keeps its condition share and first-sentence mark; the reason (`--explain`'s text)
        // is formatted for the kept clauses only.
        var candidates: [(term: String, boost: Double, weight: Double, order: Int, share: Double, isFirst: Bool, docFreq: Int)] = []
        candidates.reserveCapacity(terms.count)
        lookups.reserveCapacity(terms.count)
        for (order, t) in terms.enumerated() {
            if p.dropNumbers && t.isNumber { continue }
            if t.term.utf8.count < p.minimumTermLength || unitTerms.contains(t.term) { continue }
            if p.dropNarrativeWords && stopTerms.contains(t.term) { continue }
            if !t.isAffirmed { continue }
            let statistics = try lookups.resolve(t.term).statistics
            let docFreq = statistics.docFreq
            guard docFreq > 0, Double(docFreq) <= p.maxDocFreqRatio * Double(docCount) else { continue }
            let count = pow(Double(max(t.count, 1)), p.countExponent)
            let concept = Self.conceptRatio(statistics)
            let idf = similarity.idf(docFreq: docFreq, docCount: docCount)
            let weight = count * idf * ((1 - p.conceptSelection) + p.conceptSelection * concept)
            let share = Self.conditionShare(statistics)
            let prior = 1 + p.conditionPrior * share
            let isFirst = p.firstSentenceBoost != 1 && t.isInFirstSentence
            let boost = count * ((1 - p.conceptBoost) + p.conceptBoost * concept) * prior * (isFirst ? p.firstSentenceBoost : 1)
            candidates.append((t.term, boost, weight, order, share, isFirst, docFreq))
        }
        guard !candidates.isEmpty else { return nil }
        // Best weight first; ties by first occurrence, so the rewrite is deterministic.
        candidates.sort { $0.weight != $1.weight ? $0.weight > $1.weight : $0.order < $1.order }
        let count = Self.selectionCount(weights: candidates.map(\.weight), parameters: p)
        let costDocFreq = p.costDocFreqRatio * Double(docCount)
        let kept = candidates.prefix(count).enumerated().filter { i, c in
            c.boost > 0 && (i < p.minTerms || i < candidates.count / 2 || Double(c.docFreq) <= costDocFreq)
        }.map(\.element).sorted { $0.order < $1.order }
        guard !kept.isEmpty else { return nil }
        // The reasons' constant parts, formatted once.
        let priorReason = p.conditionPrior > 0
            ? "condition prior ×(1 + \(Explanation.format(Float(p.conditionPrior))) · condition share " : nil
        let firstSentenceReason = "first sentence ×\(Explanation.format(Float(p.firstSentenceBoost)))"
        return WeightedQuery(clauses: kept.map {
            var reason = ""
            if let priorReason { reason = priorReason + Explanation.format(Float($0.share)) + ")" }
            if $0.isFirst { reason += reason.isEmpty ? firstSentenceReason : " · " + firstSentenceReason }
            return WeightedClause(match: .term($0.term), boost: $0.boost, boostReason: reason)
        })
    }
}

extension LongQueryRewriter {
    /// How many of the candidates the count cuts keep, their selection weights sorted best first: at
    /// most `maxTerms`; with `weightMass` < 1, the fewest best that hold that share of the weights' sum;
    /// with `relativeWeight` > 0, those weighing at least that fraction of the best; never fewer than
    /// `minTerms` (nor than the candidates, when fewer). Deterministic: a function of the weights only.
    static func selectionCount(weights: [Double], parameters p: LongQueryParameters) -> Int {
        let n = TermCut.count(weights, limit: p.maxTerms, mass: p.weightMass, total: weights.reduce(0, +),
                              relative: p.relativeWeight)
        return max(n, min(p.minTerms, p.maxTerms, weights.count))
    }
}

/// Parameters of `LongQueryRewriter`, with the defaults chosen on `../shared/eval`.
public struct LongQueryParameters: Sendable, Equatable {
    /// Free text of at least this many words is read as a long query (when the mode is automatic).
    public var minimumWords: Int
    /// Terms kept, the most informative first. 50 since 2026-11-26, with k1 = 3 (`BM25FParameters.longQuery`;
    /// before: 60 with k1 = 6, and until branch `longq` 1,000, every term). The terms cut are a note's most
    /// frequent, whose postings lists are the longest: the search's cost grows with the terms kept, its
    /// quality stops growing at a plateau. On `../shared/eval` (`trialsearch-bench rank`, `long.maxTerms`)
    /// at k1 = 3, 35 / 40 / 45 / 48 / 50 / 52 / 55 / 60 / 70 terms: NDCG@10 0.413 / 0.432 / 0.439 / 0.436 /
    /// 0.432 / 0.434 / 0.444 / 0.440 / 0.437, recall@100 0.758 / 0.767 / 0.728 / 0.752 / 0.763 / 0.768 /
    /// 0.766 / 0.764 / 0.765; at k1 = 6 the plateau began only at 55 (45: 0.421, 50: 0.426). The plateau
    /// starts at 40, below which quality falls; 50 keeps ten terms of margin above that cliff (notes
    /// unlike the dev set's may need them) and stays in recall@100's flat band, where 45 (NDCG@10's best
    /// point) dips to 0.728. On both halves of the topics (odd, even) 40–50 terms at k1 = 3 score as 60 at
    /// k1 = 6. Instructions of the 75 TREC 2021 topics at top 10 on the 16x replica (callgrind, whole
    /// `trialsearch-bench rank` run): 60 terms, k1 = 6: 2.59 G; 50, k1 = 3: 2.26 G (BENCHMARKS.md, issue 4,
    /// branch `notes9` and the lead's choice after it).
    /// Since branch `top38` (2026-11-27) the ceiling of the `weightMass` cut: 60 (see there).
    public var maxTerms: Int
    /// The floor of the adaptive cuts (`weightMass`, `relativeWeight`, `costDocFreqRatio`): the best
    /// `minTerms` terms are always kept (`maxTerms` stays the ceiling). 36: see `weightMass`.
    public var minTerms: Int
    /// The cut by weight mass: keep the fewest best terms that hold this share of the sum of the note's
    /// candidates' selection weights (with the defaults, their idfs), then `minTerms`...`maxTerms`; 1: off.
    /// 0.88 with 36...60 since branch `top38` (2026-11-27): the notes with many informative terms keep
    /// more of them (22 of the 75 TREC 2021 notes keep 37–57 terms), the others 36 (or all, when
    /// they have fewer), where the flat cut gave every note at most 50. The aim: the replica's median
    /// note under 2 ms (its cost grows with the terms kept: at 40 flat, 1.90–1.94 ms; at 50, 2.34–2.50
    /// ms) without falling off the quality edge the flat cut has below 40 terms. On `../shared/eval`
    /// (`trialsearch-bench rank`, `long.weightMass`, `long.minTerms`, `long.maxTerms`; NDCG@10 /
    /// recall@100 / MAP / P@10; NDCG@10 / recall@100 on the odd and on the even qids; the 75 topics'
    /// clauses; the median top-10 time on the 16x replica against flat 40's, alternated, 9 rounds):
    ///
    ///     flat 50 (before)    .4319 .7625 .3894 .2290 | .4043 .7708 | .4634 .7530 | 3188 | 1.29
    ///     flat 40             .4316 .7672 .3817 .2323 | .4055 .7777 | .4614 .7553 | 2806 | 1
    ///     flat 38             .4286 .7645 .3812 .2339 | .3923 .7777 | .4700 .7495 | 2696 | 0.92
    ///     flat 36             .4215 .7688 .3797 .2290 | .3862 .7806 | .4617 .7553 | 2583 |
    ///     0.88, 36...60       .4340 .7798 .3852 .2355 | .4008 .7958 | .4718 .7617 | 2767 | 0.93
    ///     0.88, 36...55       .4320 .7798 .3832 .2355 | .3971 .7958 | .4718 .7617 | 2765 | 0.93
    ///     0.88, 37...60       .4348 .7734 .3854 .2371 | .4006 .7837 | .4738 .7617 | 2802 | 0.99
    ///     0.88, 35...60       .4257 .7745 .3710 .2371 | .3995 .7857 | .4554 .7617 | 2734 |
    ///     0.87, 36...60       .4294 .7798 .3818 .2355 | .3967 .7958 | .4665 .7617 | 2742 |
    ///     0.89, 36...60       .4298 .7825 .3831 .2323 | .3946 .7958 | .4697 .7674 | 2793 |
    ///     0.90, 36...55       .4285 .7815 .3833 .2306 | .3920 .7938 | .4701 .7674 | 2815 | 0.92
    ///     0.85, 36...55       .4187 .7748 .3777 .2290 | .3828 .7958 | .4594 .7509 | 2706 | 0.88
    ///     0.95, 32...55       .4375 .7839 .3833 .2403 | .4113 .7972 | .4673 .7689 | 2943 | 1.07
    ///     0.95, 32...45       .4323 .7484 .3790 .2371 | .4013 .7474 | .4675 .7495 | 2807 |
    ///
    /// At the cost of 36 flat terms plus the long notes' extra, the cut scores as 50 flat (0.434 against
    /// 0.432) and recalls more on both halves (0.796 / 0.762 against 0.771 / 0.753): the long notes'
    /// extra terms are worth +0.013 NDCG@10 over 36 flat, and a ceiling of 45–48 loses recall@100
    /// (0.748–0.773). The mass cut's recall@100 stays at 0.768–0.783 over 0.85–0.90 and floors 35–38;
    /// its NDCG@10 moves by ±0.005 (one topic) between neighbours, as the flat cut's does. The odd
    /// half's NDCG@10 is 0.004 below 50 flat's, the even half's 0.008 above. Mass cuts spread wider
    /// (0.95 with 32...55) score higher but cost 1.04–1.07× flat 40's time (about 2.0 ms).
    public var weightMass: Double
    /// The cut relative to the best term: drop the terms weighing less than this fraction of the best
    /// one's selection weight; 0: off. Measured as `weightMass` is (32...55): 0.12: .4397 .7914 .3896
    /// .2371, 36.2 M / 459 K postings; 0.15: .4361 .7801 .3838 .2371, 30.6 M / 370 K; 0.18: .4315 .7947
    /// .3809 .2355, 27.1 M / 351 K: below the mass cut at the same cost.
    public var relativeWeight: Double
    /// The cost-aware cut: drop the terms found in more than this fraction of the docs (the longest
    /// postings lists) unless they rank in the better half of the note's candidates; 1: off. Measured
    /// as `weightMass` is (32...55): 0.2: .4245 .7786 .3720 .2339, 26.3 M / 329 K postings; 0.3: .4367
    /// .7855 .3847 .2371, 31.3 M / 412 K; 0.4: .4398 .7801 .3894 .2371, 38.9 M / 520 K: with idf as the
    /// weight it is an absolute df cut, which cannot tell a note's informative terms from its weak ones.
    public var costDocFreqRatio: Double
    /// Terms found in more than this fraction of the docs are dropped.
    public var maxDocFreqRatio: Double
    /// Query-term weight `count^countExponent`: 0 counts every term once whatever its repeats (which
    /// measured best on the TREC topics: a note repeats what it describes at length, not what matters),
    /// 1 weighs by raw count.
    public var countExponent: Double
    /// Drop terms made of digits only.
    public var dropNumbers: Bool
    /// Drop terms shorter than this many bytes. 2 since 2026-11-26: single letters are the fragments of
    /// abbreviations (`s/p`, `h/o`, `T-L`, `2+ MR`) and of units, found in most trials; NDCG@10 on
    /// `../shared/eval` with the narrative words dropped, 1 → 2: 0.4302 → 0.4342.
    public var minimumTermLength: Int
    /// Drop the joined forms of hyphenated words (`yearold`, `covid19` beside `covid`, `19`), which
    /// repeat their parts.
    public var dropJoinedForms: Bool
    /// How much the concept ratio decides which terms are kept (0: idf alone; 1: idf · ratio).
    public var conceptSelection: Double
    /// How much the concept ratio weighs a kept term's clause (0: boost 1; 1: boost = ratio).
    public var conceptBoost: Double
    /// Drop the terms the text states only under a negation (`Negation`).
    public var dropNegated: Bool
    /// Drop the narrative words of `LongQueryStopWords` ("presented", "weeks", "his", "which"). On since
    /// 2026-11-26: a note's function words and story-telling words say nothing about which trials fit,
    /// yet they are its most frequent terms, so they cost most to evaluate (callgrind, 75 TREC 2021
    /// topics at top 10 on the 16x replica: 5.93 G → 3.32 G instructions for the whole run) and the
    /// first-sentence boost weighs "year", "old" and "man" up; NDCG@10 on `../shared/eval` 0.4306 →
    /// 0.4302 (`trialsearch-bench rank`, `long.narrative`).
    public var dropNarrativeWords: Bool
    /// Weight of a term's condition share: boost × (1 + conditionPrior · share).
    public var conditionPrior: Double
    /// Boost of the terms of the text's first sentence.
    public var firstSentenceBoost: Double

    public init(minimumWords: Int = 12, maxTerms: Int = 60, minTerms: Int = 36, weightMass: Double = 0.88,
                relativeWeight: Double = 0, costDocFreqRatio: Double = 1,
                maxDocFreqRatio: Double = 1, countExponent: Double = 0,
                dropNumbers: Bool = true, minimumTermLength: Int = 2, dropJoinedForms: Bool = true,
                conceptSelection: Double = 0, conceptBoost: Double = 0, dropNegated: Bool = true,
                dropNarrativeWords: Bool = true, conditionPrior: Double = 2, firstSentenceBoost: Double = 1.25) {
        self.dropNegated = dropNegated
        self.dropNarrativeWords = dropNarrativeWords
        self.conditionPrior = conditionPrior
        self.firstSentenceBoost = firstSentenceBoost
        self.dropJoinedForms = dropJoinedForms
        self.conceptSelection = conceptSelection
        self.conceptBoost = conceptBoost
        self.minimumWords = minimumWords
        self.maxTerms = maxTerms
        self.minTerms = minTerms
        self.weightMass = weightMass
        self.relativeWeight = relativeWeight
        self.costDocFreqRatio = costDocFreqRatio
        self.maxDocFreqRatio = maxDocFreqRatio
        self.countExponent = countExponent
        self.dropNumbers = dropNumbers
        self.minimumTermLength = minimumTermLength
    }

    /// Throws for a parameter out of range.
    public func validate() throws(RankingConfigurationError) {
        guard minimumWords >= 1 else { throw .invalid(parameter: "longQuery.minimumWords", value: Double(minimumWords), expected: "≥ 1") }
        guard maxTerms >= 1 else { throw .invalid(parameter: "longQuery.maxTerms", value: Double(maxTerms), expected: "≥ 1") }
        guard minTerms >= 1 else { throw .invalid(parameter: "longQuery.minTerms", value: Double(minTerms), expected: "≥ 1") }
        for (name, value) in [("weightMass", weightMass), ("relativeWeight", relativeWeight), ("costDocFreqRatio", costDocFreqRatio)]
            where !(value >= 0 && value <= 1) {
            throw .invalid(parameter: "longQuery.\(name)", value: value, expected: "0 ≤ value ≤ 1")
        }
        guard maxDocFreqRatio > 0, maxDocFreqRatio <= 1 else {
            throw .invalid(parameter: "longQuery.maxDocFreqRatio", value: maxDocFreqRatio, expected: "0 < ratio ≤ 1")
        }
        for (name, value) in [("conceptSelection", conceptSelection), ("conceptBoost", conceptBoost)]
            where !(value >= 0 && value <= 1) {
            throw .invalid(parameter: "longQuery.\(name)", value: value, expected: "0 ≤ weight ≤ 1")
        }
        guard conditionPrior >= 0, conditionPrior.isFinite else {
            throw .invalid(parameter: "longQuery.conditionPrior", value: conditionPrior, expected: "≥ 0")
        }
        guard firstSentenceBoost > 0, firstSentenceBoost.isFinite else {
            throw .invalid(parameter: "longQuery.firstSentenceBoost", value: firstSentenceBoost, expected: "> 0")
        }
        guard countExponent >= 0, countExponent.isFinite else {
            throw .invalid(parameter: "longQuery.countExponent", value: countExponent, expected: "≥ 0")
        }
    }
}

extension LongQueryRewriter {
    /// The weighted query for free text analyzed by `QueryParser.parseNaturalLanguage`. `affirmed`, when
    /// given, and `firstSentence`, when given, hold one mark per term of `query` (in order): whether the
    /// text states it without negation, whether its first sentence states it (the `stated` marks of
    /// `parseNaturalLanguage(_:marking:field:)`).
    public func rewrite(_ query: NaturalLanguageQuery, lookups: inout ResolvedTerms, similarity: Similarity,
                        affirmed: [Bool]? = nil, firstSentence: [Bool]? = nil) throws -> WeightedQuery? {
        var terms: [TermCount] = []
        terms.reserveCapacity(query.terms.count)
        for (k, term) in query.terms.enumerated() where term.kind != .joined || !parameters.dropJoinedForms {
            terms.append(TermCount(term: term.term, count: term.count, isNumber: term.kind == .number,
                                   isAffirmed: affirmed?[k] ?? true, isInFirstSentence: firstSentence?[k] ?? false))
        }
        return try rewrite(marked: terms, lookups: &lookups, similarity: similarity)
    }
}

extension LongQueryRewriter {
    /// The first sentence of `text`: up to and including the first `.`, `!` or `?` followed by white
    /// space or the end of the text; the whole text when there is none.
    public static func firstSentence(of text: String) -> Substring {
        let bytes = Array(text.utf8)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == UInt8(ascii: ".") || b == UInt8(ascii: "!") || b == UInt8(ascii: "?") {
                let next = i + 1
                if next == bytes.count || bytes[next] == 0x20 || bytes[next] == 0x0A || bytes[next] == 0x09 || bytes[next] == 0x0D {
                    let end = text.utf8.index(text.utf8.startIndex, offsetBy: next)
                    return text[..<end]
                }
            }
            i += 1
        }
        return text[...]
    }
}
