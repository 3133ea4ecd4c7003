/// Every ranking parameter in one place, with the defaults chosen on `../shared/eval` (never on the
/// held-out set): how terms are scored, how long queries are rewritten, how "trials like this one" are
/// asked for, and how the patient described in a long query re-weighs trials.
///
/// The query pipeline's stages read their part:
/// 1. parse (`QueryParser`, query language; or free text for long queries),
/// 2. rewrite (`WeightedQuery` from a parsed query; `LongQueryRewriter` for long free text;
///    `MoreLikeThis` for a source record),
/// 3. retrieve (`IndexSearcher` with `similarity`, top-k with dynamic pruning),
/// 4. rescore (`Rescorer`: the long query's `PatientProfile` against each candidate's eligibility).
/// A ranking-research effort changes values here, or adds a stage, without touching the others.
public struct RankingConfiguration: Sendable, Equatable {
    /// BM25F (k1, per-field b and weights) or classic TF-IDF: keyword queries in the query language.
    public var similarity: Similarity
    /// The scoring of long free-text queries (patient notes): BM25F with a large k1 over the eight text
    /// fields (`BM25FParameters.longQuery`), since a note's hundred terms summed over eight fields
    /// saturate far too early at k1 = 1.2.
    public var longQuerySimilarity: Similarity
    /// The scoring of related-trials queries (`BM25FParameters.related`).
    public var relatedSimilarity: Similarity
    /// Long free-text queries (patient notes).
    public var longQuery: LongQueryParameters
    /// Related trials.
    public var moreLikeThis: MoreLikeThisParameters
    /// The rescoring of long queries' candidates by the patient's age and sex.
    public var rescoring: RescoringParameters

    public init(similarity: Similarity = .default, longQuerySimilarity: Similarity = .bm25f(.longQuery),
                relatedSimilarity: Similarity = .bm25f(.related),
                longQuery: LongQueryParameters = LongQueryParameters(),
                moreLikeThis: MoreLikeThisParameters = MoreLikeThisParameters(),
                rescoring: RescoringParameters = RescoringParameters()) {
        self.similarity = similarity
        self.longQuerySimilarity = longQuerySimilarity
        self.relatedSimilarity = relatedSimilarity
        self.longQuery = longQuery
        self.moreLikeThis = moreLikeThis
        self.rescoring = rescoring
    }

    public static let `default` = RankingConfiguration()

    /// The default configuration scoring every kind of query with classic TF-IDF (`--similarity tfidf`).
    public static let tfidf = RankingConfiguration(similarity: .tfidf(TFIDFParameters()),
                                                   longQuerySimilarity: .tfidf(TFIDFParameters(weights: BM25FParameters.longQuery.weights)),
                                                   relatedSimilarity: .tfidf(TFIDFParameters(weights: BM25FParameters.related.weights)))

    /// Throws for the first parameter out of range.
    public func validate() throws(RankingConfigurationError) {
        try similarity.validate()
        try longQuerySimilarity.validate()
        try relatedSimilarity.validate()
        try longQuery.validate()
        try moreLikeThis.validate()
        try rescoring.validate()
    }
}
