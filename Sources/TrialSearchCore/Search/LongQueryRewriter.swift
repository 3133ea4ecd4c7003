#if canImport(Glibc)
import Glibc
#endif

/// The query-rewriting stage for long free text (a patient's case notes, a trial's description): keeps
/// the informative terms, once each, weighted, instead of OR-ing three hundred words.
///
/// 1. Each distinct analyzed term once (stop words are already gone), with its count in the text.
/// 2. Dropped: terms absent from the index, numbers (ages, doses, dates: noise as search terms; the
///    patient's age is read apart by `PatientProfile`), terms shorter than `minimumTermLength`, and
///    terms in more than `maxDocFreqRatio` of the docs (they say nothing about which trials fit).
/// 3. Ranked by `count^countExponent · idf` and cut to the `maxTerms` best.
/// 4. Each kept term becomes an optional clause with boost `count^countExponent`: the scorer multiplies
///    by idf itself.
///
/// The result is a disjunction of at most `maxTerms` terms, which MaxScore evaluates fast: the frequent
/// terms soon become non-essential.
public struct LongQueryRewriter: Sendable {
    public var parameters: LongQueryParameters

    public init(parameters: LongQueryParameters = LongQueryParameters()) {
        self.parameters = parameters
    }

    /// One distinct term of the text and how often it occurs.
    public struct TermCount: Sendable, Hashable {
        public var term: String
        public var count: Int
        /// Digits only (with decimal points): an age, a dose, a date.
        public var isNumber: Bool

        public init(term: String, count: Int, isNumber: Bool) {
            self.term = term
            self.count = count
            self.isNumber = isNumber
        }
    }

    /// The weighted query for `terms` over `reader`'s statistics; nil when no term survives.
    /// - Complexity: one term lookup per distinct term and segment.
    public func rewrite(_ terms: [TermCount], reader: IndexReader, similarity: Similarity) throws -> WeightedQuery? {
        let p = parameters
        let docCount = max(reader.docCount, 1)
        var candidates: [(term: String, boost: Double, weight: Double, order: Int)] = []
        for (order, t) in terms.enumerated() {
            if p.dropNumbers && t.isNumber { continue }
            if t.term.utf8.count < p.minimumTermLength { continue }
            let docFreq = try reader.docFreq(t.term)
            guard docFreq > 0, Double(docFreq) <= p.maxDocFreqRatio * Double(docCount) else { continue }
            let boost = pow(Double(max(t.count, 1)), p.countExponent)
            let idf = similarity.idf(docFreq: docFreq, docCount: docCount)
            candidates.append((t.term, boost, boost * idf, order))
        }
        guard !candidates.isEmpty else { return nil }
        // Best weight first; ties by first occurrence, so the rewrite is deterministic.
        candidates.sort { $0.weight != $1.weight ? $0.weight > $1.weight : $0.order < $1.order }
        let kept = candidates.prefix(p.maxTerms).sorted { $0.order < $1.order }
        return WeightedQuery(clauses: kept.map { WeightedClause(match: .term($0.term), boost: $0.boost) })
    }
}

/// Parameters of `LongQueryRewriter`, with the defaults chosen on `../shared/eval`.
public struct LongQueryParameters: Sendable, Equatable {
    /// Free text of at least this many words is read as a long query (when the mode is automatic).
    public var minimumWords: Int
    /// Terms kept, the most informative first.
    public var maxTerms: Int
    /// Terms found in more than this fraction of the docs are dropped.
    public var maxDocFreqRatio: Double
    /// Query-term weight `count^countExponent`: 0 counts every term once whatever its repeats (which
    /// measured best on the TREC topics: a note repeats what it describes at length, not what matters),
    /// 1 weighs by raw count.
    public var countExponent: Double
    /// Drop terms made of digits only.
    public var dropNumbers: Bool
    /// Drop terms shorter than this many bytes.
    public var minimumTermLength: Int
    /// Drop the joined forms of hyphenated words (`covid19` beside `covid`, `19`), which repeat their parts.
    public var dropJoinedForms: Bool

    public init(minimumWords: Int = 12, maxTerms: Int = 32, maxDocFreqRatio: Double = 0.3, countExponent: Double = 0,
                dropNumbers: Bool = true, minimumTermLength: Int = 2, dropJoinedForms: Bool = false) {
        self.dropJoinedForms = dropJoinedForms
        self.minimumWords = minimumWords
        self.maxTerms = maxTerms
        self.maxDocFreqRatio = maxDocFreqRatio
        self.countExponent = countExponent
        self.dropNumbers = dropNumbers
        self.minimumTermLength = minimumTermLength
    }

    /// Throws for a parameter out of range.
    public func validate() throws(RankingConfigurationError) {
        guard minimumWords >= 1 else { throw .invalid(parameter: "longQuery.minimumWords", value: Double(minimumWords), expected: "≥ 1") }
        guard maxTerms >= 1 else { throw .invalid(parameter: "longQuery.maxTerms", value: Double(maxTerms), expected: "≥ 1") }
        guard maxDocFreqRatio > 0, maxDocFreqRatio <= 1 else {
            throw .invalid(parameter: "longQuery.maxDocFreqRatio", value: maxDocFreqRatio, expected: "0 < ratio ≤ 1")
        }
        guard countExponent >= 0, countExponent.isFinite else {
            throw .invalid(parameter: "longQuery.countExponent", value: countExponent, expected: "≥ 0")
        }
    }
}

extension LongQueryRewriter {
    /// The weighted query for free text analyzed by `QueryParser.parseNaturalLanguage`.
    public func rewrite(_ query: NaturalLanguageQuery, reader: IndexReader, similarity: Similarity) throws -> WeightedQuery? {
        try rewrite(query.terms.filter { $0.kind != .joined || !parameters.dropJoinedForms }.map {
            TermCount(term: $0.term, count: $0.count, isNumber: $0.kind == .number)
        }, reader: reader, similarity: similarity)
    }
}
