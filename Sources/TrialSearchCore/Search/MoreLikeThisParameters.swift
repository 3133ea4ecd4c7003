/// Parameters of `MoreLikeThis`, with the defaults chosen on the related-trials set of `../shared/eval`.
public struct MoreLikeThisParameters: Sendable, Equatable {
    /// Source-side weight of each field's terms (0 ignores the field).
    public var fieldWeights: FieldParameters
    /// Terms kept for the query, at most (the cost cut, `costDocFreqRatio`, drops some of them). 33 since
    /// branch `rel39` (2026-11-27, with the cost cut; see there). Before, 35 rather than FINDINGS.md's 50:
    /// on the related-trials set of `../shared/eval` NDCG@10 is flat from 15 to 50 terms (0.361–0.367 in
    /// `trialsearch-bench rank`; 0.3646 at both 35 and 50) and falls below 12 (0.359 at 10); all nine POI stem-cell trials stay
    /// within the ten most like NCT05308342 only from 35 terms on (8 of 9 at 25 and 30, 7 at 20); and
    /// each term dropped is a postings list less to search (35 terms: 0.72× the instructions of 50 for
    /// `related --ids` on the 169,824-trial replica, callgrind).
    public var maxQueryTerms: Int
    /// Terms in fewer docs are dropped.
    public var minDocFreq: Int
    /// Terms in more than this fraction of the docs are dropped (Lucene's `maxDocFreqPct`). 0.2 rather than
    /// 0.5: the terms in a fifth to a half of the trials are mostly the common words of criteria
    /// (`requir`, `greater`, `less`, `without`, `women`; also broad ones such as `heart`: the terms the
    /// first related-trials sources of `../shared/eval` lose), whose long postings lists the search
    /// probes for every candidate while they hardly separate one trial from another.
    /// Coarse grid on the related-trials set of `../shared/eval` (`trialsearch-bench rank`, NDCG@10 /
    /// recall@100): 0.5 → 0.3646 / 0.674, 0.2 → 0.3619 / 0.676, 0.1 → 0.3635 / 0.675, 0.05 → 0.3577 /
    /// 0.639; callgrind of `related --ids` (200 sources, top 10) on the 16x replica, whole run: 0.2
    /// takes 0.89× the instructions of 0.5, 0.1 0.78×. 0.1 loses NCT03033277 from the ten trials most
    /// like NCT05308342 (8 of the nine POI cell-therapy trials; on the shipped corpus, where POI trials
    /// are many, `hormon` and `replac` pass 10 %); 0.2 keeps all nine, in the same ten as 0.5.
    public var maxDocFreqRatio: Double
    /// Terms whose weighted frequency in the source is lower are dropped.
    public var minTermFrequency: Double
    /// Exponent of the weighted frequency in a term's score (1: Lucene's tf · idf; lower values keep a
    /// long description's repeated words from crowding out the title's).
    public var tfExponent: Double
    public var dropNumbers: Bool
    public var minimumTermLength: Int
    /// How much a term's concept ratio weighs in its score (0: tf · idf alone).
    public var conceptWeight: Double
    /// The share of the intervention weight that intervention and arm *descriptions* get (their names
    /// and types get all of it).
    public var descriptionShare: Double
    /// Select terms by Lucene's classic idf `1 + ln(N / (df + 1))` rather than the similarity's.
    public var classicSelectionIDF: Bool
    /// The floor of the count cuts (`scoreMass`, `relativeScore`): the best `minQueryTerms` terms pass
    /// them (`maxQueryTerms` stays the ceiling); beyond it, `costDocFreqRatio` drops every term in more
    /// docs. The default (= `maxQueryTerms`) leaves the count cuts off.
    public var minQueryTerms: Int
    /// Of the (at most `maxQueryTerms`) best terms, keep the fewest best whose scores hold this share of
    /// their summed scores, then `minQueryTerms`...`maxQueryTerms`; 1: off (default). Measured, not kept:
    /// 0.95 with 20...35: NDCG@10 .3617, recall@100 .6774, 792.1 M (0.938×); 0.9 with 25...50: .3634 /
    /// .6772, 5,784 clauses against flat 35's 5,440 (BENCHMARKS.md, `rel39`).
    public var scoreMass: Double
    /// Keep the best terms scoring at least this fraction of the best one's score, then
    /// `minQueryTerms`...`maxQueryTerms`; 0: off (default). Measured, not kept: 0.2 with 20...35: NDCG@10
    /// .3592, recall@100 .6752 (all nine POI trials kept; a source whose scores fall fast loses its tail).
    public var relativeScore: Double
    /// The cost-aware cut: a term in more than this fraction of the docs (a long postings list, which the
    /// search probes for every candidate) is kept only if it scores at least `costScore` of the best
    /// term's score (and is among the best `minQueryTerms`); 1: off. 0.12 with `costScore` 0.5 and 33
    /// terms since branch `rel39` (2026-11-27): the weakly scored terms in 12–20 % of the trials (on
    /// sources of `../shared/eval`: `meet`, `grade`, `aid`, `pulmonari`) leave a source's query, its
    /// rare terms stay. Related-trials set of `../shared/eval` (`trialsearch-bench rank`,
    /// overrides `mlt.maxTerms`, `mlt.costDocFreqRatio`, `mlt.costScore`; NDCG@10 / recall@100, full set,
    /// odd and even source lines) and callgrind of `engine.related` over the 200 replica sources (the
    /// timed region of `related --ids`, x16f10d, top 10):
    ///
    ///     rule                       full           odd            even           instructions
    ///     flat 35 (before)           .3619 / .6763  .3889 / .6892  .3347 / .6633  844.3 M
    ///     flat 30                    .3617 / .6759  .3871 / .6915  .3361 / .6602  764.9 M  (8 of 9 POI)
    ///     flat 25                    .3584 / .6766  .3836 / .6918  .3330 / .6613  693.3 M  (8 of 9 POI)
    ///     0.12, 0.5, 33 (default)    .3648 / .6780  .3890 / .6928  .3404 / .6632  741.9 M  (0.879×)
    ///     0.12, 0.5, 35              .3645 / .6779  .3905 / .6925  .3383 / .6632  767.9 M
    ///     0.12, 0.5, 32              .3643 / .6770  .3881 / .6925  .3403 / .6614  727.8 M
    ///     0.13, 0.6, 33              .3656 / .6778  .3901 / .6925  .3410 / .6630  747.6 M
    ///     0.10, 0.5, 35              .3634 / .6756  .3884 / .6913  .3381 / .6599  731.9 M
    ///     0.05, 0.5, 35              .3637 / .6670  .3896 / .6837  .3377 / .6502  616.9 M  (8 of 9 POI)
    ///     0.02, 0.4, 35              .3615 / .6672  .3927 / .6854  .3302 / .6490  504.0 M  (8 of 9 POI)
    ///
    /// Lower ratios cut deeper but lose recall@100 and NCT03033277 from the ten trials most like
    /// NCT05308342 (its tenth, on the edge in every rule); the default keeps the nine. Cuts by the
    /// scores alone (`scoreMass`, `relativeScore`) lose NDCG@10 for the same saving: BENCHMARKS.md, `rel39`.
    public var costDocFreqRatio: Double
    /// See `costDocFreqRatio`: the fraction of the best term's score a term in more than that share of the
    /// docs must reach to stay (0: every term among the best `minQueryTerms` stays).
    public var costScore: Double

    public init(fieldWeights: FieldParameters = MoreLikeThisParameters.defaultFieldWeights, maxQueryTerms: Int = 33,
                minDocFreq: Int = 2, maxDocFreqRatio: Double = 0.2, minTermFrequency: Double = 0, tfExponent: Double = 1,
                dropNumbers: Bool = false, minimumTermLength: Int = 1, conceptWeight: Double = 0,
                descriptionShare: Double = 0, classicSelectionIDF: Bool = true, minQueryTerms: Int = 33,
                scoreMass: Double = 1, relativeScore: Double = 0, costDocFreqRatio: Double = 0.12, costScore: Double = 0.5) {
        self.costScore = costScore
        self.minQueryTerms = minQueryTerms
        self.scoreMass = scoreMass
        self.relativeScore = relativeScore
        self.costDocFreqRatio = costDocFreqRatio
        self.classicSelectionIDF = classicSelectionIDF
        self.conceptWeight = conceptWeight
        self.descriptionShare = descriptionShare
        self.fieldWeights = fieldWeights
        self.maxQueryTerms = maxQueryTerms
        self.minDocFreq = minDocFreq
        self.maxDocFreqRatio = maxDocFreqRatio
        self.minTermFrequency = minTermFrequency
        self.tfExponent = tfExponent
        self.dropNumbers = dropNumbers
        self.minimumTermLength = minimumTermLength
    }

    /// What a trial is about (title, conditions, keywords, MeSH terms) and whom it admits (eligibility),
    /// weight 1 each; intervention *names* 0.5; summaries, descriptions, outcomes, sponsors and sites 0.
    ///
    /// FINDINGS.md R08 (no intervention terms) measures best on the co-relevance set, whose related trials
    /// are those of one patient: NDCG@10 0.373 here (`Benchmarks/eval.sh`). That set does not ask for trials of the same
    /// treatment, which the "More Related Trials" box of a trial page is for: with intervention names at
    /// 0.5 the nine mesenchymal/stem-cell POI trials of the shipped corpus are the ten trials most like
    /// NCT05308342 but one (8 of 9 without them), for NDCG@10 0.365.
    public static let defaultFieldWeights: FieldParameters = {
        var w = FieldParameters(all: 0)
        for field in [Field.title, .condition, .keyword, .mesh, .eligibility] { w[field] = 1 }
        w[.intervention] = 0.5
        return w
    }()

    /// Throws for a parameter out of range.
    public func validate() throws(RankingConfigurationError) {
        for field in Field.allCases where !(fieldWeights[field] >= 0 && fieldWeights[field].isFinite) {
            throw .invalid(parameter: "moreLikeThis.fieldWeights[\(field.name)]", value: fieldWeights[field], expected: "≥ 0")
        }
        guard maxQueryTerms >= 1 else {
            throw .invalid(parameter: "moreLikeThis.maxQueryTerms", value: Double(maxQueryTerms), expected: "≥ 1")
        }
        guard minQueryTerms >= 1 else {
            throw .invalid(parameter: "moreLikeThis.minQueryTerms", value: Double(minQueryTerms), expected: "≥ 1")
        }
        guard scoreMass > 0, scoreMass <= 1 else {
            throw .invalid(parameter: "moreLikeThis.scoreMass", value: scoreMass, expected: "0 < mass ≤ 1")
        }
        guard relativeScore >= 0, relativeScore <= 1 else {
            throw .invalid(parameter: "moreLikeThis.relativeScore", value: relativeScore, expected: "0 ≤ fraction ≤ 1")
        }
        guard costDocFreqRatio > 0, costDocFreqRatio <= 1 else {
            throw .invalid(parameter: "moreLikeThis.costDocFreqRatio", value: costDocFreqRatio, expected: "0 < ratio ≤ 1")
        }
        guard costScore >= 0, costScore <= 1 else {
            throw .invalid(parameter: "moreLikeThis.costScore", value: costScore, expected: "0 ≤ fraction ≤ 1")
        }
        guard maxDocFreqRatio > 0, maxDocFreqRatio <= 1 else {
            throw .invalid(parameter: "moreLikeThis.maxDocFreqRatio", value: maxDocFreqRatio, expected: "0 < ratio ≤ 1")
        }
        guard conceptWeight >= 0, conceptWeight <= 1 else {
            throw .invalid(parameter: "moreLikeThis.conceptWeight", value: conceptWeight, expected: "0 ≤ weight ≤ 1")
        }
        guard tfExponent >= 0, tfExponent.isFinite else {
            throw .invalid(parameter: "moreLikeThis.tfExponent", value: tfExponent, expected: "≥ 0")
        }
    }

    /// Whether a cut beyond the flat `maxQueryTerms` is on.
    public var cutsTerms: Bool {
        (minQueryTerms < maxQueryTerms && (scoreMass < 1 || relativeScore > 0)) || costDocFreqRatio < 1
    }

    /// The positions kept of the best terms (best first, at most `maxQueryTerms`), given their scores and
    /// doc freqs: with `scoreMass` < 1, the fewest best that hold that share of the scores' sum; with
    /// `relativeScore` > 0, those scoring at least that fraction of the best; never fewer than
    /// `minQueryTerms` (nor than the terms, when fewer); then the terms in more than `costDocFreqRatio` of
    /// the `docCount` docs are dropped unless among the best `minQueryTerms` and scoring at least
    /// `costScore` of the best. Deterministic: a function of its arguments only; positions in increasing
    /// order.
    public func keptPositions(scores: [Double], docFreqs: [Int], docCount: Int) -> [Int] {
        let count = min(scores.count, docFreqs.count, maxQueryTerms)
        var n = TermCut.count(scores, limit: count, mass: scoreMass, total: scores.prefix(count).reduce(0, +),
                              relative: relativeScore)
        n = max(n, min(minQueryTerms, count))
        guard costDocFreqRatio < 1 else { return Array(0..<n) }
        let costDocFreq = costDocFreqRatio * Double(docCount)
        let costFloor = costScore * (scores.first ?? 0)
        return (0..<n).filter { Double(docFreqs[$0]) <= costDocFreq || ($0 < minQueryTerms && scores[$0] >= costFloor) }
    }
}
