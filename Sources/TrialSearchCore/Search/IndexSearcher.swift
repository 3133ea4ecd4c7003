/// Searches a point-in-time snapshot of the index: runs a `WeightedQuery` over every segment with
/// global statistics and returns the top hits, with dynamic pruning.
///
/// Statistics (`CollectionStatistics`, `TermStatistics`) come from all segments, so a trial scores the
/// same wherever it is stored; the formulas come from the `Similarity`, prepared once per searcher as a
/// `ScoringModel`. Segments share one collector, so the threshold reached in one prunes the next.
/// Results are deterministic: equal scores are ordered by trial id (bytes), whatever the segments.
///
/// Immutable and `Sendable`; searches may run concurrently.
public struct IndexSearcher: Sendable {
    public let reader: IndexReader
    public let model: ScoringModel

    /// A searcher over `reader` scoring with `similarity` (validated).
    /// - Throws: `RankingConfigurationError` for a parameter out of range.
    public init(reader: IndexReader, similarity: Similarity = .default) throws(RankingConfigurationError) {
        try similarity.validate()
        self.reader = reader
        model = ScoringModel(similarity: similarity, statistics: CollectionStatistics(reader: reader))
    }

    public var similarity: Similarity { model.similarity }
    public var statistics: CollectionStatistics { model.statistics }

    /// The best `options.limit` trials for `query`, best first.
    ///
    /// Without required clauses the search is a block-max MaxScore disjunction (`MaxScoreSearch`); with
    /// them a block-max conjunction (`RequiredClausesSearch`); `options.exhaustive` scores every match
    /// (`ExhaustiveSearch`).
    /// - Complexity: one term lookup per distinct term and segment, then (with pruning) a fraction of
    ///   the postings of the query's terms; O(postings) at worst.
    /// `lookups` holds terms the caller already resolved (a rewriting stage), so they are not looked up
    /// again.
    public func search(_ query: WeightedQuery, options: SearchOptions = SearchOptions(),
                       lookups: ResolvedTerms? = nil) throws -> TopHits {
        let prepared = try PreparedQuery(query, reader: reader, model: model, lookups: lookups)
        var collector = TopHitsCollector(limit: options.limit, segments: reader.segments)
        if prepared.scoresTermsOnly {
            let model = self.model
            // Each segment's maxima scale, once per segment rather than once per scorer (about 500
            // instructions each: ~35 scorers a related-trials query, BENCHMARKS.md `rel12`).
            let scales = reader.segments.map { s in s.termMaxima.flatMap { model.termMaximumScale($0) } }
            let blockScales = reader.segments.map { s in s.blockMaxima.flatMap { $0.blockScale(for: model) } }
            try searchSegments(prepared, options: options, into: &collector) { match, segment -> TermScorer? in
                guard case let .term(weight, resolved) = match else { return nil }
                return PreparedQuery.termScorer(weight, resolved, segment: segment, model: model,
                                                maximumScale: scales[segment.ordinal],
                                                blockMaximumScale: blockScales[segment.ordinal])
            }
        } else {
            let model = self.model
            try searchSegments(prepared, options: options, into: &collector) { match, segment in
                PreparedQuery.scorer(match, segment: segment, model: model)
            }
        }
        var hits = collector.hits()
        if options.explain {
            for i in hits.indices {
                hits[i].explanation = explain(prepared, segment: reader.segments[hits[i].segment], doc: hits[i].doc, options: options)
            }
        }
        return TopHits(hits: hits, scoredDocs: collector.scoredCount)
    }

    /// Every segment's query (scorers made by `make`), seeded together (`ThresholdSeed`: the k-th best
    /// of all segments' candidates bounds each segment's search), then searched in segment order into
    /// `collector`.
    private func searchSegments<S: ClauseScorer>(_ prepared: PreparedQuery, options: SearchOptions,
                                                 into collector: inout TopHitsCollector,
                                                 make: (PreparedQuery.Match, SegmentReader) -> S?) throws {
        // The queries in a temporary allocation (on the stack), not an array: the array's storage was
        // allocated and its elements destroyed through the runtime's `swift_arrayDestroy` and the type's
        // value witnesses at every search, about 1,900 instructions a query (BENCHMARKS.md, `kw13`).
        try withUnsafeTemporaryAllocation(of: SegmentQuery<S>.self, capacity: reader.segments.count) { buffer in
            var count = 0
            defer { UnsafeMutableBufferPointer(rebasing: buffer[..<count]).deinitialize() }
            for segment in reader.segments {
                if let q = prepared.segmentQuery(segment, model: model, options: options, make: { make($0, segment) }) {
                    buffer.initializeElement(at: count, to: q)
                    count += 1
                }
            }
            let queries = UnsafeMutableBufferPointer(rebasing: buffer[..<count])
            // One accumulator window for the seed and every segment's MaxScore walk (each leaves it
            // cleared), taken from the spares of earlier searches: allocating and zeroing it (32 KB then) once
            // per walk cost about 33,000 instructions each (BENCHMARKS.md, `rel11` and `kw12`).
            let scratch = AccumulatorWindow.take(window: options.windows.inner)
            defer { scratch.recycle() }
            // The seed's completed candidates' clause scores, one entry per query (or none), which the
            // searches read instead of probing the same docs again (`SeededScores`).
            var seeded: [SeededScores] = []
            // A keyword query at top 10 also from its terms' champion lists (`ChampionSeed`, format 12):
            // the larger of the two bounds.
            let seed = options.exhaustive ? -.infinity
                : max(ThresholdSeed.lowerBound(queries, limit: collector.limit, scratch: scratch, seeded: &seeded),
                      try ChampionSeed.lowerBound(queries, limit: collector.limit))
            for i in queries.indices {
                // `run` reports the damage: `queries[i].isCorrupt` here copied the whole query (its
                // `SegmentReader`, arrays and admission: retains and releases, about 2,600 instructions a
                // query, BENCHMARKS.md, `kw18`).
                let corrupt = Self.run(&queries[i], options: options, seed: seed, seeded: seeded.isEmpty ? .none : seeded[i],
                                       scratch: scratch, into: &collector)
                if corrupt { throw Self.corrupt(queries[i].segment) }
            }
        }
    }

    /// The error for a segment whose postings (checksums valid) turned out malformed during a search.
    private static func corrupt(_ segment: SegmentReader) -> IndexError {
        .corrupt(file: segment.postingsFile.path,
                 reason: "a postings list (or its positions in \(segment.positionsFile.path)) is malformed although its checksums are valid; run `trialsearch check`")
    }

    /// Searches `q` into `collector`; returns whether a clause read a malformed postings list
    /// (`SegmentQuery.isCorrupt`).
    private static func run<S: ClauseScorer>(_ q: inout SegmentQuery<S>, options: SearchOptions, seed: Float,
                                             seeded: SeededScores, scratch: AccumulatorWindow,
                                             into collector: inout TopHitsCollector) -> Bool {
        if options.exhaustive {
            ExhaustiveSearch.run(&q, into: &collector)
        } else if q.required.isEmpty {
            MaxScoreSearch.run(&q, into: &collector, windows: options.windows, seed: seed, seeded: seeded, scratch: scratch)
        } else {
            RequiredClausesSearch.run(&q, into: &collector)
        }
        return q.isCorrupt
    }

    /// The stored record of a hit.
    public func trial(_ hit: Hit) throws -> Trial {
        try reader.segments[hit.segment].trial(hit.doc)
    }

    /// The explanation of `doc`'s score: the sum, in clause order, of its matched scoring clauses, plus
    /// zero-valued notes for the filters and excluded clauses it passed.
    func explain(_ prepared: PreparedQuery, segment: SegmentReader, doc: DocID, options: SearchOptions) -> Explanation {
        let filter = options.filter
        var details: [Explanation] = []
        var sum = 0.0
        var excluded: [String] = []
        for clause in prepared.clauses {
            guard let scorer = PreparedQuery.scorer(clause.match, segment: segment, model: model) else { continue }
            guard scorer.advance(to: doc) == doc, scorer.matches() else { continue }
            if clause.occur == .mustNot { continue }
            let explanation = scorer.explain()
            sum += Double(explanation.value)
            details.append(explanation)
        }
        for clause in prepared.clauses where clause.occur == .mustNot {
            excluded.append(Self.label(clause.match))
        }
        if !excluded.isEmpty {
            details.append(Explanation(value: 0, description: "no score: does not match the excluded \(excluded.joined(separator: ", "))"))
        }
        if !filter.isEmpty {
            details.append(Explanation(value: 0, description: "no score: passes the filters \(filter)"))
        }
        let total = Float(sum)
        let sumNode = Explanation(value: total, description: "score (\(model.similarity.name)), sum of the matched clauses",
                                  combination: .sum, details: details)
        guard let patient = options.patient else { return sumNode }
        let prior = patient.segmentPrior(segment)
        let factor = prior.explain(doc, profile: patient.profile)
        return Explanation(value: total * factor.value, description: "score (\(model.similarity.name)) with the patient's eligibility, product of",
                           combination: .product, details: [sumNode, factor])
    }

    private static func label(_ match: PreparedQuery.Match) -> String {
        switch match {
        case let .term(w, _): return "term \(w.scope)\(w.term)"
        case let .phrase(w, _, _): return "phrase \(w.scope)\(w.term)"
        case let .anyOf(_, description): return description
        case .nothing: return "(absent term)"
        }
    }
}
