#if canImport(Glibc)
import Glibc
#endif

/// How a matched term is scored: BM25F (the default) or classic TF-IDF cosine.
///
/// Both score a term t of a query against a doc d from its per-field termFreqs `tf_f(d)` and field
/// lengths `len_f(d)`, with the statistics of `CollectionStatistics` (N docs, average lengths) and
/// `TermStatistics` (docFreq n). The postings keep one list per term with per-field termFreqs, so a
/// term is scored once over all fields rather than once per field and summed (which would count a term
/// that occurs in five fields five times over: the reason for BM25F).
///
/// **BM25F** (Robertson & Zaragoza's "simple BM25F", Lucene's BM25 without the constant (k1 + 1)):
/// ```
/// score(t, d) = boost · idf(t) · tf̃ / (k1 + tf̃)
/// tf̃          = Σ_f  w_f · tf_f(d) / B_f(d)              (fields of the clause: all, or the one named)
/// B_f(d)      = 1 − b_f + b_f · len_f(d) / avglen_f
/// idf(t)      = ln(1 + (N − n + 0.5) / (n + 0.5))
/// ```
/// **Classic TF-IDF cosine** (Lucene's `ClassicSimilarity` with per-field weights, without coord):
/// ```
/// score(t, d) = queryNorm · boost · idf(t)² · Σ_f  w_f · √tf_f(d) / √len_f(d)
/// idf(t)      = 1 + ln((N + 1) / (n + 1))
/// queryNorm   = 1 / √(Σ_t (boost_t · idf(t))²)              (over the query's scoring clauses)
/// ```
/// A phrase is scored like a term whose termFreq in a field is the number of times the phrase occurs
/// there and whose idf is the sum of its terms' idfs (as Lucene does).
///
/// Both are non-decreasing in every tf_f and non-increasing in every len_f (0 ≤ b_f ≤ 1), which is what
/// lets `Impacts` (per field max termFreq and min field length of a postings block) bound a block's
/// best score for dynamic pruning.
public enum Similarity: Sendable, Equatable, CustomStringConvertible {
    case bm25f(BM25FParameters)
    case tfidf(TFIDFParameters)

    /// BM25F with the default parameters.
    public static let `default` = Similarity.bm25f(BM25FParameters())

    /// The name used by `--similarity`: `bm25f` or `tfidf`.
    public var name: String {
        switch self {
        case .bm25f: return "bm25f"
        case .tfidf: return "tfidf"
        }
    }

    public var description: String { name }

    /// The per-field weights w_f.
    public var fieldWeights: FieldWeights {
        switch self {
        case let .bm25f(p): return p.weights
        case let .tfidf(p): return p.weights
        }
    }

    /// idf of a term found in `docFreq` of `docCount` docs.
    public func idf(docFreq: Int, docCount: Int) -> Double {
        let n = Double(docFreq)
        let total = Double(max(docCount, docFreq))
        switch self {
        case .bm25f:
            return log(1 + (total - n + 0.5) / (n + 0.5))
        case .tfidf:
            return 1 + log((total + 1) / (n + 1))
        }
    }

    /// The formula of `idf` with its inputs, for explanations.
    func idfDescription(docFreq: Int, docCount: Int) -> String {
        switch self {
        case .bm25f:
            return "idf = ln(1 + (N − n + 0.5) / (n + 0.5)) with N = \(docCount) docs, n = \(docFreq) containing the term"
        case .tfidf:
            return "idf = 1 + ln((N + 1) / (n + 1)) with N = \(docCount) docs, n = \(docFreq) containing the term"
        }
    }

    /// Checks every parameter; see `BM25FParameters.validate()`.
    public func validate() throws(RankingConfigurationError) {
        switch self {
        case let .bm25f(p): try p.validate()
        case let .tfidf(p): try p.weights.validate()
        }
    }
}

/// Parameters of BM25F: one k1, and per field a length-normalization strength b_f and a weight w_f.
public struct BM25FParameters: Sendable, Equatable {
    /// Term-frequency saturation (≥ 0): 0 scores presence only; larger values let repeats count longer.
    public var k1: Double
    /// Length normalization b_f per field (0 ≤ b ≤ 1): 0 ignores the field's length, 1 divides by the
    /// length relative to the average.
    public var b: FieldParameters
    /// Field weights w_f (≥ 0).
    public var weights: FieldWeights

    /// Defaults chosen on `../shared/eval` (the 2021 TREC topics over 10,614 trials): k1 = 1.2; b = 0.75
    /// for the prose fields, 0.5 for the short, list-like fields (titles, conditions, keywords, MeSH
    /// terms), whose length says more about how many things a trial lists than about verbosity.
    public init(k1: Double = 1.2, b: FieldParameters = .defaultB, weights: FieldWeights = .default) {
        self.k1 = k1
        self.b = b
        self.weights = weights
    }

    /// Long free-text queries (patient notes): b = 0.75 and weight 1 on the eight text fields (ids,
    /// outcome measures, sponsors and sites not searched: they only add noise to a note's many terms), as
    /// Benchmarks/research/FINDINGS.md chose them, and k1 = 3 since 2026-11-26 (before: 6, FINDINGS.md's
    /// choice when a note kept all its terms). k1 is how soon a term's repeats stop adding: once a note
    /// keeps only its rarest terms (`LongQueryParameters`), each term is one aspect of the patient, and a
    /// lower k1 ranks trials by how many aspects they mention rather than by how often they repeat a few.
    /// It also brings a clause's largest score nearer its usual one, so MaxScore skips more (and fewer
    /// terms keep the quality, see `LongQueryParameters.maxTerms`). NDCG@10 on `../shared/eval`
    /// (`trialsearch-bench rank`, `long.k1`), k1 = 2 / 2.5 / 3 / 3.5 / 4 / 5 / 6: at 50 terms (the
    /// default then; since branch `top38` the terms are cut by idf mass, 36 to 60) 0.423 / 0.431 / 0.432 / 0.432 / 0.428 / 0.428 / 0.426, at 45 terms 0.427 / 0.432 / 0.439 /
    /// 0.431 / 0.431 / 0.426 / 0.421 (at 60 terms, 3 to 6 are all 0.433–0.440); 3 is the middle of the
    /// plateau (BENCHMARKS.md, issue 4, branch `notes9`).
    public static let longQuery = BM25FParameters(k1: 3, b: FieldParameters(all: 0.75), weights: .textFields)

    /// Related-trials queries, chosen on the related-trials set of `../shared/eval` (FINDINGS.md: k1 = 8,
    /// the same fields as `longQuery`).
    public static let related = BM25FParameters(k1: 8, b: FieldParameters(all: 0.75), weights: .textFields)

    /// Throws for k1 < 0 (or not finite), any b outside 0…1, any weight < 0.
    public func validate() throws(RankingConfigurationError) {
        guard k1.isFinite, k1 >= 0 else { throw .invalid(parameter: "k1", value: k1, expected: "k1 ≥ 0") }
        for field in Field.allCases {
            let value = b[field]
            guard value.isFinite, value >= 0, value <= 1 else {
                throw .invalid(parameter: "b[\(field.name)]", value: value, expected: "0 ≤ b ≤ 1")
            }
        }
        try weights.validate()
    }
}

/// Parameters of classic TF-IDF: per-field weights.
public struct TFIDFParameters: Sendable, Equatable {
    public var weights: FieldWeights

    public init(weights: FieldWeights = .default) {
        self.weights = weights
    }
}

/// One `Double` per `Field`, e.g. the length normalization b_f of each field.
public struct FieldParameters: Sendable, Equatable {
    public var values: [Double]

    /// `values` in `Field` order (`Field.allCases`).
    public init(_ values: [Double]) {
        precondition(values.count == IndexFormat.fieldCount, "\(values.count) field values, expected \(IndexFormat.fieldCount)")
        self.values = values
    }

    /// The same value for every field.
    public init(all value: Double) { self.init([Double](repeating: value, count: IndexFormat.fieldCount)) }

    public subscript(field: Field) -> Double {
        get { values[Int(field.rawValue)] }
        set { values[Int(field.rawValue)] = newValue }
    }

    /// BM25F's default b per field (see `BM25FParameters.init`).
    public static let defaultB: FieldParameters = {
        var b = FieldParameters(all: 0.75)
        for field in [Field.id, .title, .condition, .keyword, .mesh] { b[field] = 0.5 }
        return b
    }()
}

/// The weight w_f of each field in a term's score.
public struct FieldWeights: Sendable, Equatable {
    public var parameters: FieldParameters

    public init(_ parameters: FieldParameters) { self.parameters = parameters }

    public subscript(field: Field) -> Double {
        get { parameters[field] }
        set { parameters[field] = newValue }
    }

    /// Defaults tuned on `../shared/eval`: what a trial is about (conditions, titles, MeSH terms,
    /// keywords) weighs most; its prose (summary, description, interventions) next; eligibility text,
    /// sponsors and sites, which mention many things a trial is not about, least; outcome measures not at
    /// all (they name measurements, not what the trial is about, and lowered NDCG@10 by 0.004 there).
    public static let `default`: FieldWeights = {
        var w = FieldParameters(all: 1)
        w[.id] = 1
        w[.title] = 2
        w[.condition] = 3
        w[.keyword] = 1.5
        w[.mesh] = 2
        w[.intervention] = 1
        w[.summary] = 1.5
        w[.description] = 1
        w[.eligibility] = 0.5
        w[.outcome] = 0
        w[.sponsor] = 0.5
        w[.location] = 0.3
        return FieldWeights(w)
    }()

    /// Weight 1 on the eight fields of text about the trial (title, conditions, keywords, MeSH terms,
    /// interventions, summary, description, eligibility), 0 on ids, outcome measures, sponsors and sites.
    public static let textFields: FieldWeights = {
        var w = FieldParameters(all: 1)
        for field in [Field.id, .outcome, .sponsor, .location] { w[field] = 0 }
        return FieldWeights(w)
    }()

    /// Throws for a negative or non-finite weight.
    public func validate() throws(RankingConfigurationError) {
        for field in Field.allCases {
            let value = self[field]
            guard value.isFinite, value >= 0 else {
                throw .invalid(parameter: "weight[\(field.name)]", value: value, expected: "weight ≥ 0")
            }
        }
    }
}

/// A ranking parameter out of its range.
public enum RankingConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(parameter: String, value: Double, expected: String)

    public var description: String {
        switch self {
        case let .invalid(parameter, value, expected):
            return "invalid ranking parameter \(parameter) = \(value): expected \(expected)"
        }
    }
}
