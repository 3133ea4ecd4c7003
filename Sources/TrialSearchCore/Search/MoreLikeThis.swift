import CIntrinsics
#if canImport(Glibc)
import Glibc
#endif

/// "Trials like this one": a query made of a record's most characteristic terms (Lucene's
/// MoreLikeThis, with per-field weights on the source side). The defaults are the method of
/// `Benchmarks/research/FINDINGS.md` with intervention names added, terms in more than a fifth of the
/// docs dropped, and a cost-aware cut (NDCG@10 0.365 on the related-trials set of `../shared/eval`; see
/// `MoreLikeThisParameters.defaultFieldWeights`, `maxDocFreqRatio` and `costDocFreqRatio`).
///
/// 1. Re-analyze the source record's fields with the index's analyzer and count each term per field.
/// 2. A term's source frequency is `Σ_f w_f · tf_f` over the fields (`fieldWeights`: by default title,
///    conditions, keywords, MeSH terms and eligibility criteria, weight 1 each, and intervention names
///    0.5; summaries and descriptions only add noise; intervention and arm descriptions count
///    `descriptionShare` of the intervention weight, 0 by default).
/// 3. Drop numbers (when `dropNumbers`), terms shorter than `minimumTermLength`, terms in fewer than
///    `minDocFreq` docs (typos, ids: they find nothing similar) or in more than `maxDocFreqRatio` of them
///    (they find everything), and terms whose weighted frequency is below `minTermFrequency`.
/// 4. Score the rest by `tf^tfExponent · idf · ((1 − conceptWeight) + conceptWeight · c)`, where idf is
///    Lucene's classic `1 + ln(N / (df + 1))` (`classicSelectionIDF`, else the similarity's) and c the
///    term's concept ratio (`LongQueryRewriter.conceptRatio`), keep the `maxQueryTerms` best (33), drop
///    those in more than `costDocFreqRatio` of the docs (12 %) that score below `costScore` (half) of the
///    best (their long postings lists cost the search most), and query each as an optional clause over
///    all fields with boost `score / bestScore`.
/// The caller excludes the source trial from the results. A caller running many sources on one index
/// passes a `CommonTermMemo`: the terms found in too many docs are then looked up once, not per source.
public struct MoreLikeThis: Sendable {
    public var parameters: MoreLikeThisParameters

    public init(parameters: MoreLikeThisParameters = MoreLikeThisParameters()) {
        self.parameters = parameters
    }

    /// A term chosen to represent the source, with why.
    public struct SelectedTerm: Sendable, Hashable {
        public var term: String
        /// Σ_f w_f · tf_f over the source's fields.
        public var weightedFrequency: Double
        public var docFreq: Int
        public var score: Double
    }

    /// The source's terms per field: term → weighted frequency (Σ_f w_f · tf_f).
    /// - Complexity: O(text of the weighted fields).
    public func termFrequencies(of trial: Trial, analyzer: Analyzer) -> [String: Double] {
        let counts = termCounts(of: trial, analyzer: analyzer)
        var frequencies: [String: Double] = [:]
        frequencies.reserveCapacity(counts.entries.count)
        // `+=`: two byte-different spellings that `String` holds equal stay one key, as before.
        for e in counts.entries { frequencies[counts.term(e), default: 0] += e.frequency }
        return frequencies
    }

    /// `termFrequencies` on the analyzer's bytes, without a `String` per token.
    /// - Complexity: O(text of the weighted fields).
    func termCounts(of trial: Trial, analyzer: Analyzer) -> SourceTermCounts {
        let p = parameters
        // A token sink, not a closure: the closure through a local function that captured the counts
        // made them boxed, with a dynamic exclusivity check and a call out of the tokenizer per token.
        var counter = SourceTermCounts.Counter(minimumTermLength: p.minimumTermLength, dropNumbers: p.dropNumbers)
        for field in Field.allCases {
            let w = p.fieldWeights[field]
            guard w > 0 else { continue }
            if field == .intervention {
                // Names say what is given; descriptions ramble (devices, sites, doses): weighed apart.
                for i in trial.interventions {
                    for name in [i.type, i.name] + i.otherNames where !name.isEmpty { counter.count(name, field, w, analyzer) }
                    counter.count(i.description, field, w * p.descriptionShare, analyzer)
                }
                for a in trial.armGroups {
                    counter.count(a.label, field, w, analyzer)
                    counter.count(a.description, field, w * p.descriptionShare, analyzer)
                }
                continue
            }
            trial.forEachValue(of: field) { counter.count($0, field, w, analyzer) }
        }
        return counter.counts
    }

    /// A term among `selectTerms`' best so far: its score, its entry in the source's counts and where
    /// `Sides` holds its statistics, 16 bytes that sort and move cheaply; its `String` and `ResolvedTerm`
    /// are made only for the terms kept at the end (a term that entered the best and left it again cost a
    /// `String`, an array and their destruction, and the best were structs of a `String` and a
    /// `ResolvedTerm`, copied and destroyed through outlined functions; BENCHMARKS.md, `rel28`).
    private struct Pick {
        var score: Double
        /// Index in `SourceTermCounts.entries`.
        var entry: Int32
        /// Index in `Sides`' arrays.
        var slot: Int32
    }

    /// What the `Pick`s of a selection do not hold inline, by slot: the statistics of each term that
    /// entered the best, its only segment's info (one segment), or its infos by segment (several
    /// segments, or a term the caller resolved) and the caller's `String` of the latter.
    private struct Sides {
        var statistics: [TermStatistics] = []
        var onlyInfos: [TermInfo?] = []
        var infos: [[TermInfo?]?] = []
        var terms: [String?] = []

        init(capacity: Int) {
            statistics.reserveCapacity(capacity)
            onlyInfos.reserveCapacity(capacity)
            infos.reserveCapacity(capacity)
            terms.reserveCapacity(capacity)
        }

        /// The term of `pick` as a `String` (the tie order compares `String`s, as the selection always did).
        func term(_ pick: Pick, _ counts: SourceTermCounts) -> String {
            terms[Int(pick.slot)] ?? counts.term(counts.entries[Int(pick.entry)])
        }

        /// Whether `a` ranks above `b`: by score, then by term.
        @inline(__always)
        func ranksAbove(_ a: Pick, _ b: Pick, _ counts: SourceTermCounts) -> Bool {
            a.score != b.score ? a.score > b.score : term(a, counts) < term(b, counts)
        }
    }

    /// The `maxQueryTerms` best terms of `trial`, best first, less those the cuts of
    /// `MoreLikeThisParameters.keptPositions` drop (made once the best are known, from their scores and
    /// doc freqs: no look-up more).
    ///
    /// Terms are looked up in decreasing order of weighted frequency, and the look-ups stop once even the
    /// largest idf a kept term can have (that of a term in `minDocFreq` docs) could not lift the next
    /// term above the `maxQueryTerms`-th score found so far: a long record's hundreds of once-mentioned
    /// words are never looked up. A term is passed over only when it cannot reach the final cutoff, so
    /// the kept terms are the `maxQueryTerms` best by (score, term) whatever the order of equally
    /// frequent candidates.
    /// The kept terms' resolutions are left in `lookups` (the others are not kept).
    ///
    /// A candidate is looked up on its bytes in `SourceTermCounts`' arena, into one reused array of
    /// per-segment infos; it enters the sorted best as plain data (`Pick`) by insertion from the end, and
    /// its `String` and `ResolvedTerm` are made only if it is still there at the end (on the 16x replica a
    /// source looked up about 88 candidates, of which about 41 were in too many docs, when 35 terms were
    /// kept: about 35 entered the best and 27 stayed; counts measured at `rel28`). Callgrind, `related --ids` (200 sources, top 10): see BENCHMARKS.md (`rel13`,
    /// `rel28`).
    ///
    /// With several segments (after an update), a term is first looked up in the largest segment alone
    /// when the score is tf · classic idf (`classicSelectionIDF`, `conceptWeight` 0): its docFreq there
    /// is a lower bound of the sum, so the largest idf the term can have is known. A term already in
    /// more than `maxDocFreqRatio` of the docs, or whose score even at that idf is below the cutoff of a
    /// full selection (it would be dropped at once), is passed over without the other segments'
    /// look-ups. The same terms are kept. Callgrind, `related --ids` (200 sources, top 10) on the 16x
    /// replica after the update: see BENCHMARKS.md (`rel11`).
    /// - Complexity: analysis of the source plus one term lookup per segment for each term looked up.
    public func selectTerms(of trial: Trial, analyzer: Analyzer, lookups: inout ResolvedTerms,
                            similarity: Similarity) throws -> [SelectedTerm] {
        var memo = CommonTermMemo()
        return try selectTerms(of: trial, analyzer: analyzer, lookups: &lookups, similarity: similarity, memo: &memo)
    }

    /// `selectTerms(of:analyzer:lookups:similarity:)` with the terms found in too many docs by earlier
    /// sources of the same index snapshot in `memo`: such a term is dropped without its look-up (its
    /// remembered docFreq bound is above `maxDocFreqRatio` of the docs, as its look-up would find), and
    /// the terms this source finds in too many docs are added. The same terms are kept.
    /// - Complexity: as `selectTerms(of:analyzer:lookups:similarity:)`, less the remembered terms' look-ups.
    public func selectTerms(of trial: Trial, analyzer: Analyzer, lookups: inout ResolvedTerms,
                            similarity: Similarity, memo: inout CommonTermMemo) throws -> [SelectedTerm] {
        let p = parameters
        let reader = lookups.reader
        let docCount = max(reader.docCount, 1)
        func idf(_ docFreq: Int) -> Double {
            p.classicSelectionIDF ? 1 + log(Double(docCount) / Double(docFreq + 1))
                : similarity.idf(docFreq: docFreq, docCount: docCount)
        }
        let bestIDF = idf(max(p.minDocFreq, 1))
        // A term in more docs is dropped.
        let tooManyDocs = p.maxDocFreqRatio * Double(docCount)
        // The segment looked up first (see above), when there are several and the score allows it.
        let segments = reader.segments
        let firstSegment: Int? = segments.count > 1 && p.classicSelectionIDF && p.conceptWeight == 0
            ? segments.indices.max { segments[$0].docCount != segments[$1].docCount
                ? segments[$0].docCount < segments[$1].docCount : $0 > $1 } : nil
        // The dictionary looked up first (the first segment's, or the only one's), copied once per source
        // and looked up through a `TermDictionary.Seeker`: `reader.segments[s].terms.seek` copied it
        // (retaining its file and keys) at every look-up, and so did `seek` on the `Optional` copy.
        let firstTerms: TermDictionary? = firstSegment.map { segments[$0].terms }
            ?? (segments.count == 1 ? segments[0].terms : nil)
        // The candidates by decreasing frequency (ties in order of first occurrence: the order of the
        // look-ups does not change which terms are kept, see above).
        let counts = termCounts(of: trial, analyzer: analyzer)
        let candidates = counts.candidates(minimumFrequency: p.minTermFrequency)
        // The best terms so far, as plain data (`Pick`); their `String`s and resolutions are made at the end,
        // and only the kept ones go into `lookups` (for the searcher).
        var selected: [Pick] = []
        selected.reserveCapacity(p.maxQueryTerms)
        var sides = Sides(capacity: 2 * p.maxQueryTerms)
        // The lowest score among the best `maxQueryTerms` so far (once there are that many).
        var cutoff = -Double.infinity
        // A candidate is looked up on its bytes into `infos` (several segments), copied into `sides` only
        // when it enters the best (about 35 of a source's 88 look-ups: half are in too many docs).
        var infos: [TermInfo?] = []
        // The only segment's info of the candidate last looked up (one segment: `infos` is not used, and
        // the kept terms' arrays are made only for them).
        var onlyInfo: TermInfo?
        let single = firstSegment == nil && segments.count == 1
        // In a closure literal, not a local function: a local function called from the closure made its
        // captured variables boxed, with a dynamic exclusivity check at each access (25,000 a batch).
        try TermDictionary.withSeeker(of: firstTerms) { seeker in
            let lookFirst = seeker != nil
            for index in candidates {
                let candidate = counts.entries[Int(index)]
                let frequency = candidate.frequency
                let tf = p.tfExponent == 1 ? frequency : pow(frequency, p.tfExponent)
                if selected.count >= p.maxQueryTerms && tf * bestIDF < cutoff { break }
                // Found in too many docs by an earlier source: dropped below whatever its look-up.
                if memo.count > 0,
                   let bound = counts.withTerm(candidate, { memo.docFreq(of: $0, hash: candidate.hash, prefix: candidate.prefix) }),
                   Double(bound) > tooManyDocs { continue }
                // A term the caller resolved already: its statistics and infos, no look-up. (Bound only
                // here: an `Optional<ResolvedTerm>` live across the iteration was destroyed through the
                // runtime's type metadata at every candidate.)
                let statistics: TermStatistics
                var knownTerm: String?
                var knownInfos: [TermInfo?]?
                if !lookups.terms.isEmpty, let known = lookups.known(counts.term(candidate)) {
                    statistics = known.statistics
                    knownInfos = known.segmentInfos
                    knownTerm = known.term
                } else {
                    let looked: TermStatistics? = try counts.withTerm(candidate) { bytes in
                        guard lookFirst else {
                            return try ResolvedTerm.lookUp(bytes, reader: reader, segment: -1, known: nil, into: &infos)
                        }
                        let info = try seeker?.seek(bytes) ?? nil
                        guard let first = firstSegment else {
                            // The only segment: its look-up is the whole resolution (no `infos`: emptying the
                            // array a kept term shared made a new one, through `replaceSubrange`, per look-up).
                            onlyInfo = info
                            // Dropped by its docFreq (as below) before its statistics are summed: about
                            // half of the look-ups are of terms in too many docs.
                            let docFreq = info?.docFreq ?? 0
                            if Double(docFreq) > tooManyDocs {
                                memo.remember(bytes, hash: candidate.hash, prefix: candidate.prefix, docFreq: docFreq)
                                return nil
                            }
                            if docFreq < p.minDocFreq { return nil }
                            // The info's own counts (a `seek`'s per-field docFreqs are 0 outside its mask, so
                            // this is what `add` sums, without its loop over the fields, ~160 instructions).
                            var statistics = TermStatistics()
                            if let info {
                                statistics.docFreq = info.docFreq
                                statistics.totalTermFreq = info.totalTermFreq
                                statistics.fieldDocFreqs = info.fieldDocFreqs
                            }
                            return statistics
                        }
                        let leastDocFreq = info?.docFreq ?? 0
                        if Double(leastDocFreq) > tooManyDocs {
                            memo.remember(bytes, hash: candidate.hash, prefix: candidate.prefix, docFreq: leastDocFreq)
                            return nil
                        }
                        if selected.count >= p.maxQueryTerms && tf * idf(leastDocFreq) < cutoff { return nil }
                        return try ResolvedTerm.lookUp(bytes, reader: reader, segment: first, known: info, into: &infos)
                    }
                    guard let looked else { continue }
                    statistics = looked
                }
                let docFreq = statistics.docFreq
                guard docFreq >= p.minDocFreq, Double(docFreq) <= p.maxDocFreqRatio * Double(docCount) else { continue }
                let concept = LongQueryRewriter.conceptRatio(statistics)
                let score = tf * idf(docFreq) * ((1 - p.conceptWeight) + p.conceptWeight * concept)
                // Below the cutoff of a full selection: it would leave at once.
                if selected.count >= p.maxQueryTerms && score < cutoff { continue }
                let entry = Pick(score: score, entry: index, slot: Int32(truncatingIfNeeded: sides.statistics.count))
                sides.statistics.append(statistics)
                sides.onlyInfos.append(single ? onlyInfo : nil)
                sides.infos.append(knownInfos ?? (single ? nil : infos))
                sides.terms.append(knownTerm)
                if selected.count < p.maxQueryTerms {
                    selected.append(entry)
                    if selected.count == p.maxQueryTerms {
                        selected.sort { sides.ranksAbove($0, $1, counts) }
                        cutoff = selected[selected.count - 1].score
                    }
                } else if score > cutoff || (score == cutoff && sides.ranksAbove(entry, selected[selected.count - 1], counts)) {
                    // Into its place among the sorted best (the last one leaves), found from the end by the
                    // scores (terms compared only between equal scores).
                    selected.removeLast()
                    var i = selected.count
                    while i > 0 && (selected[i - 1].score < score
                                    || (selected[i - 1].score == score && sides.ranksAbove(entry, selected[i - 1], counts))) {
                        i -= 1
                    }
                    selected.insert(entry, at: i)
                    cutoff = selected[selected.count - 1].score
                }
            }
        }
        if selected.count < p.maxQueryTerms { selected.sort { sides.ranksAbove($0, $1, counts) } }
        if p.cutsTerms {
            let kept = p.keptPositions(scores: selected.map(\.score),
                                       docFreqs: selected.map { sides.statistics[Int($0.slot)].docFreq }, docCount: docCount)
            if kept.count < selected.count { selected = kept.map { selected[$0] } }
        }
        lookups.reserveCapacity(selected.count)
        var terms: [SelectedTerm] = []
        terms.reserveCapacity(selected.count)
        // The kept terms' postings (one segment) asked for now, hints only: the search's set-up reads each
        // term's first and last bytes (`PostingsCursor.init`: its header and champion list trailer), one
        // cold line each, which otherwise missed one after the other (BENCHMARKS.md, `rel48`).
        if single {
            let postings = segments[0].postingsFile
            for s in selected {
                guard let info = sides.onlyInfos[Int(s.slot)], info.postingsOffset >= postings.body.lowerBound,
                      info.postingsLength > 0, info.postingsOffset + info.postingsLength <= postings.body.upperBound else { continue }
                trialsearch_prefetch_read(postings.base + info.postingsOffset)
                trialsearch_prefetch_read(postings.base + (info.postingsOffset + info.postingsLength - 1))
            }
        }
        for s in selected {
            let term = sides.term(s, counts)
            let slot = Int(s.slot)
            let statistics = sides.statistics[slot]
            lookups.remember(ResolvedTerm(term: term, statistics: statistics,
                                          segmentInfos: sides.infos[slot] ?? [sides.onlyInfos[slot]]))
            terms.append(SelectedTerm(term: term, weightedFrequency: counts.entries[Int(s.entry)].frequency,
                                      docFreq: statistics.docFreq, score: s.score))
        }
        return terms
    }

    /// The query for trials like `trial`, nil when none of its terms qualifies. Each clause's
    /// `boostReason` (what `--explain` prints) is written only when `explain`: formatting the two scores
    /// of 35 clauses cost about a tenth of the term selection (callgrind, `related --ids`).
    public func query(for trial: Trial, analyzer: Analyzer, lookups: inout ResolvedTerms,
                      similarity: Similarity, explain: Bool = true) throws -> WeightedQuery? {
        var memo = CommonTermMemo()
        return try query(for: trial, analyzer: analyzer, lookups: &lookups, similarity: similarity, explain: explain, memo: &memo)
    }

    /// `query(for:analyzer:lookups:similarity:explain:)` with `memo` (see `selectTerms(…memo:)`): the same query.
    public func query(for trial: Trial, analyzer: Analyzer, lookups: inout ResolvedTerms,
                      similarity: Similarity, explain: Bool = true, memo: inout CommonTermMemo) throws -> WeightedQuery? {
        let terms = try selectTerms(of: trial, analyzer: analyzer, lookups: &lookups, similarity: similarity, memo: &memo)
        guard let best = terms.first?.score, best > 0 else { return nil }
        return WeightedQuery(clauses: terms.map {
            let reason = explain
                ? "source term score \(Explanation.format(Float($0.score))) / best \(Explanation.format(Float(best)))" : ""
            return WeightedClause(match: .term($0.term), boost: $0.score / best, boostReason: reason)
        })
    }
}
