/// One result of a search: a trial, its score and, on request, why.
public struct Hit: Sendable {
    /// The trial id: what users see.
    public let id: TrialID
    public let score: Float
    /// The segment (ordinal in the searcher's `IndexReader`) and segment-internal doc of the trial.
    public let segment: Int
    public let doc: DocID
    /// The score as a tree of factors whose root value is `score` (with `SearchOptions.explain`).
    public var explanation: Explanation? {
        get { explained?.explanation }
        set { explained = newValue.map(ExplanationBox.init) }
    }
    /// `explanation` behind one reference, so that a hit is a few words (an id, numbers, a pointer)
    /// rather than an `Explanation` inline: the collector built each hit of a top 1,000 in a temporary,
    /// copied it (every reference of the optional `Explanation` retained) and destroyed it, about 110
    /// instructions a hit (BENCHMARKS.md, `kw8`, `kw9`).
    private var explained: ExplanationBox?

    public init(id: TrialID, score: Float, segment: Int, doc: DocID, explanation: Explanation? = nil) {
        self.id = id
        self.score = score
        self.segment = segment
        self.doc = doc
        self.explained = explanation.map(ExplanationBox.init)
    }
}

/// An `Explanation` held by reference (`Hit.explanation`); immutable, so sharing it is safe.
final class ExplanationBox: Sendable {
    let explanation: Explanation

    init(_ explanation: Explanation) { self.explanation = explanation }
}

/// The best hits of a search, best first (equal scores by trial id), and what it cost.
public struct TopHits: Sendable {
    public var hits: [Hit]
    /// Docs whose full score was computed (the rest were pruned or never matched): how much work
    /// dynamic pruning left.
    public var scoredDocs: Int

    public init(hits: [Hit], scoredDocs: Int) {
        self.hits = hits
        self.scoredDocs = scoredDocs
    }
}

/// How to run a search.
public struct SearchOptions: Sendable {
    /// How many hits to return (≥ 1).
    public var limit: Int
    /// Which trials may be returned.
    public var filter: SearchFilter
    /// Attach an `Explanation` to every hit.
    public var explain: Bool
    /// Score every matching doc instead of pruning (same results, slower): the reference for tests.
    public var exhaustive: Bool
    /// A trial never returned (the source of a more-like-this query).
    public var excluding: TrialID?
    /// The rescoring of each candidate by the patient a long query describes, or nil.
    public var patient: PatientPrior?
    /// MaxScore's outer-window minimum, inner-window size and outer-window docs per clause (tests
    /// shrink them to exercise window boundaries on small indexes).
    var windows = (minimum: MaxScoreSearch.minimumWindow, inner: MaxScoreSearch.innerWindow,
                   perClause: MaxScoreSearch.windowPerClause)

    /// Gives a more-like-this query one MaxScore outer window per segment
    /// (`MaxScoreSearch.relatedWindowPerClause`); the same hits.
    public mutating func useMoreLikeThisWindows() {
        windows.perClause = MaxScoreSearch.relatedWindowPerClause
    }

    /// Gives a long (patient-note) query one MaxScore outer window per segment, as
    /// `useMoreLikeThisWindows` does for more-like-this queries (`MaxScoreSearch.relatedWindowPerClause`):
    /// the same hits.
    public mutating func useLongQueryWindows() {
        windows.perClause = MaxScoreSearch.relatedWindowPerClause
    }

    /// Whether MaxScore cuts each segment into one outer window only (`useMoreLikeThisWindows`,
    /// `useLongQueryWindows`).
    public var usesOneWindowPerSegment: Bool { windows.perClause == MaxScoreSearch.relatedWindowPerClause }

    public init(limit: Int = 10, filter: SearchFilter = SearchFilter(), explain: Bool = false,
                exhaustive: Bool = false, excluding: TrialID? = nil, patient: PatientPrior? = nil) {
        precondition(limit >= 1, "limit \(limit)")
        self.limit = limit
        self.filter = filter
        self.explain = explain
        self.exhaustive = exhaustive
        self.excluding = excluding
        self.patient = patient
    }
}
