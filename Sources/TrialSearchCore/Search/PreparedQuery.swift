/// A `WeightedQuery` resolved against a snapshot: every term looked up once in every segment, every
/// clause given its idf and weight from the global statistics. Building its scorers for a segment is
/// then allocation of cursors only.
struct PreparedQuery {
    /// Not `indirect`: the alternatives' array already holds its matches out of line, and a boxed case
    /// cost an allocation per clause at preparation, then a copy of the box's payload through the
    /// runtime's generic tuple witness per scorer (BENCHMARKS.md, `rel21`).
    enum Match {
        /// A term and its info in each segment (`ResolvedTerm.segmentInfos`: the rest of the
        /// `ResolvedTerm`, 80 more bytes copied with each clause, is not needed past preparation).
        case term(TermWeight, [TermInfo?])
        case phrase(TermWeight, [PhraseTerm], [ResolvedTerm])
        case anyOf([Match], description: String)
        /// A clause no doc of the index can match (a term absent from the index).
        case nothing
    }

    struct Clause {
        let occur: WeightedClause.Occur
        let match: Match
        /// Index among the scoring (`must`/`should`) clauses, or −1 for `mustNot`.
        let slot: Int
    }

    let clauses: [Clause]
    /// A required clause matches nothing: no doc can match.
    let isEmpty: Bool

    /// - Complexity: one term-dictionary lookup per distinct term and segment.
    init(_ query: WeightedQuery, reader: IndexReader, model: ScoringModel, lookups: ResolvedTerms? = nil) throws {
        var lookups = lookups ?? ResolvedTerms(reader: reader)
        // Each distinct term once, without `query.terms`' set and array (a more-like-this query's 35
        // clauses: 0.05 M instructions a source), into `lookups` itself: a more-like-this query's terms are
        // all there already (a second dictionary of them hashed each term three more times). A term clause
        // (all of a more-like-this query's, most of a keyword query's) is resolved where it is prepared:
        // one hash look-up instead of `include`'s and then `prepare`'s (BENCHMARKS.md, `rel21`).
        if lookups.terms.isEmpty { lookups.reserveCapacity(query.clauses.count) }
        let similarity = model.similarity
        let docCount = max(reader.docCount, 1)

        func termWeight(_ label: String, idf: Double, sources: [(term: String, docFreq: Int, idf: Double)], field: Field?,
                        boost: Double) -> TermWeight {
            TermWeight(term: label, field: field, fields: model.fields(for: field), idf: idf, idfSources: sources, docCount: docCount,
                       boost: boost, boostReason: boostReason, weight: Float(model.weight(idf: idf, boost: boost)))
        }
        func prepareTerm(_ term: String, _ resolved: ResolvedTerm?, field: Field?, boost: Double) -> Match {
            guard let r = resolved, r.docFreq(in: field) > 0 else { return .nothing }
            let n = r.docFreq(in: field)
            let idf = similarity.idf(docFreq: n, docCount: docCount)
            return .term(TermWeight(term: term, field: field, fields: model.fields(for: field), idf: idf, docFreq: n, docCount: docCount,
                                    boost: boost, boostReason: boostReason, weight: Float(model.weight(idf: idf, boost: boost))),
                         r.segmentInfos)
        }
        func prepare(_ match: QueryMatch, field: Field?, boost: Double, resolved: [String: ResolvedTerm]) -> Match {
            switch match {
            case let .term(term):
                return prepareTerm(term, resolved[term], field: field, boost: boost)
            case let .phrase(parts):
                if parts.count == 1 { return prepare(.term(parts[0].term), field: field, boost: boost, resolved: resolved) }
                var terms: [ResolvedTerm] = []
                var idf = 0.0
                var sources: [(term: String, docFreq: Int, idf: Double)] = []
                for part in parts {
                    guard let r = resolved[part.term], r.docFreq(in: field) > 0 else { return .nothing }
                    let n = r.docFreq(in: field)
                    let partIDF = similarity.idf(docFreq: n, docCount: docCount)
                    idf += partIDF
                    sources.append((part.term, n, partIDF))
                    terms.append(r)
                }
                return .phrase(termWeight(match.description, idf: idf, sources: sources, field: field, boost: boost), parts, terms)
            case let .anyOf(alternatives):
                let prepared = alternatives.map { prepare($0, field: field, boost: boost, resolved: resolved) }.filter {
                    if case .nothing = $0 { return false }
                    return true
                }
                if prepared.isEmpty { return .nothing }
                if prepared.count == 1 { return prepared[0] }
                return .anyOf(prepared, description: match.description)
            }
        }

        var clauses: [Clause] = []
        clauses.reserveCapacity(query.clauses.count)
        var slot = 0
        var empty = false
        var boostReason = ""
        for clause in query.clauses {
            boostReason = clause.boostReason
            let match: Match
            if case let .term(term) = clause.match {
                match = prepareTerm(term, try lookups.resolve(term), field: clause.field, boost: clause.boost)
            } else {
                for term in clause.match.terms { try lookups.include(term) }
                match = prepare(clause.match, field: clause.field, boost: clause.boost, resolved: lookups.terms)
            }
            if clause.occur == .mustNot {
                clauses.append(Clause(occur: .mustNot, match: match, slot: -1))
            } else {
                if case .nothing = match, clause.occur == .must { empty = true }
                clauses.append(Clause(occur: clause.occur, match: match, slot: slot))
                slot += 1
            }
        }
        if case .tfidf = similarity {
            // queryNorm = 1 / √(Σ (boost · idf)²) over the scoring leaves.
            var sumOfSquares = 0.0
            func add(_ match: Match) {
                switch match {
                case let .term(w, _), let .phrase(w, _, _): sumOfSquares += (w.boost * w.idf) * (w.boost * w.idf)
                case let .anyOf(alternatives, _): alternatives.forEach(add)
                case .nothing: break
                }
            }
            for c in clauses where c.occur != .mustNot { add(c.match) }
            let norm = sumOfSquares > 0 ? 1 / sumOfSquares.squareRoot() : 1
            func normalize(_ match: Match) -> Match {
                switch match {
                case .term(var w, let r):
                    w.queryNorm = norm
                    w.weight = Float(model.weight(idf: w.idf, boost: w.boost) * norm)
                    return .term(w, r)
                case .phrase(var w, let parts, let terms):
                    w.queryNorm = norm
                    w.weight = Float(model.weight(idf: w.idf, boost: w.boost) * norm)
                    return .phrase(w, parts, terms)
                case let .anyOf(alternatives, description):
                    return .anyOf(alternatives.map(normalize), description: description)
                case .nothing:
                    return .nothing
                }
            }
            clauses = clauses.map { Clause(occur: $0.occur, match: normalize($0.match), slot: $0.slot) }
        }
        self.clauses = clauses
        isEmpty = empty || !clauses.contains { c in
            guard c.occur != .mustNot else { return false }
            if case .nothing = c.match { return false }
            return true
        }
    }

    /// Whether every scoring clause is a single term (the fast path: `TermScorer`s only).
    var scoresTermsOnly: Bool {
        clauses.allSatisfy { c in
            if c.occur == .mustNot { return true }
            switch c.match {
            case .term, .nothing: return true
            case .phrase, .anyOf: return false
            }
        }
    }

    /// The scorer of a term in `segment`, or nil when the segment holds no doc it could match.
    static func termScorer(_ weight: TermWeight, _ infos: [TermInfo?], segment: SegmentReader, model: ScoringModel) -> TermScorer? {
        termScorer(weight, infos, segment: segment, model: model,
                   maximumScale: segment.termMaxima.flatMap { model.termMaximumScale($0) },
                   blockMaximumScale: segment.blockMaxima.flatMap { model.termMaximumScale($0) })
    }

    /// `termScorer` with the segment's `ScoringModel.termMaximumScale` of its term and block maxima
    /// computed by the caller, once per segment (`TermScorer.init(weight:info:segment:model:maximumScale:blockMaximumScale:)`).
    static func termScorer(_ weight: TermWeight, _ infos: [TermInfo?], segment: SegmentReader, model: ScoringModel,
                           maximumScale: Double?, blockMaximumScale: Double?) -> TermScorer? {
        guard let info = infos[segment.ordinal], weight.field.map({ info.docFreq(in: $0) > 0 }) ?? true else {
            return nil
        }
        return TermScorer(weight: weight, info: info, segment: segment, model: model, maximumScale: maximumScale,
                          blockMaximumScale: blockMaximumScale)
    }

    static func phraseScorer(_ weight: TermWeight, _ parts: [PhraseTerm], _ terms: [ResolvedTerm], segment: SegmentReader,
                             model: ScoringModel) -> PhraseScorer? {
        var infos: [TermInfo] = []
        for t in terms {
            guard let info = t.segmentInfos[segment.ordinal], weight.field.map({ info.docFreq(in: $0) > 0 }) ?? true else { return nil }
            infos.append(info)
        }
        return PhraseScorer(weight: weight, parts: parts, infos: infos, segment: segment, model: model)
    }

    /// The scorer of `match` in `segment`, or nil when the segment holds no doc it could match.
    static func scorer(_ match: Match, segment: SegmentReader, model: ScoringModel) -> AnyClauseScorer? {
        switch match {
        case let .term(weight, resolved):
            return termScorer(weight, resolved, segment: segment, model: model).map(AnyClauseScorer.init)
        case let .phrase(weight, parts, terms):
            return phraseScorer(weight, parts, terms, segment: segment, model: model).map(AnyClauseScorer.init)
        case let .anyOf(alternatives, description):
            var list: [AlternativesScorer.Alternative] = []
            for alternative in alternatives {
                switch alternative {
                case let .term(weight, resolved):
                    if let t = termScorer(weight, resolved, segment: segment, model: model) { list.append(.term(t)) }
                case let .phrase(weight, parts, terms):
                    if let p = phraseScorer(weight, parts, terms, segment: segment, model: model) { list.append(.phrase(p)) }
                default:
                    if let other = scorer(alternative, segment: segment, model: model) { list.append(.other(other)) }
                }
            }
            guard list.count > 1 else {
                switch list.first {
                case let .term(t): return AnyClauseScorer(t)
                case let .phrase(p): return AnyClauseScorer(p)
                case let .other(other): return other
                case nil: return nil
                }
            }
            return AnyClauseScorer(AlternativesScorer(alternatives: list, description: description))
        case .nothing:
            return nil
        }
    }

    /// The query's scorers in `segment` as `S` (built by `make`), or nil when no doc of the segment can
    /// match.
    func segmentQuery<S: ClauseScorer>(_ segment: SegmentReader, model: ScoringModel, options: SearchOptions,
                                       make: (Match) -> S?) -> SegmentQuery<S>? {
        guard !isEmpty else { return nil }
        var required = ContiguousArray<S>(), requiredSlots: [Int] = []
        var optional = ContiguousArray<S>(), optionalSlots: [Int] = []
        // Sized once: grown by appends, a related query's ~35 scorers were copied through about six
        // reallocations a segment (BENCHMARKS.md, `rel12`).
        optional.reserveCapacity(clauses.count)
        optionalSlots.reserveCapacity(clauses.count)
        var excluded = ContiguousArray<AnyClauseScorer>()
        // Each scorer moved into its array (`consume`): the append copied it (its cursor's, weight's and
        // model's references retained, the copy's released; about 260 instructions a scorer,
        // BENCHMARKS.md, `rel21`).
        for clause in clauses {
            switch clause.occur {
            case .must:
                guard let scorer = make(clause.match) else { return nil }
                required.append(consume scorer)
                requiredSlots.append(clause.slot)
            case .should:
                if let scorer = make(clause.match) {
                    optional.append(consume scorer)
                    optionalSlots.append(clause.slot)
                }
            case .mustNot:
                if let scorer = Self.scorer(clause.match, segment: segment, model: model) { excluded.append(scorer) }
            }
        }
        guard !required.isEmpty || !optional.isEmpty else { return nil }
        let skipped = options.excluding.flatMap { segment.liveDoc(for: $0) } ?? -1
        // No filter (every keyword query of the benchmark): no `SegmentFilter`, whose copy of the
        // segment's `DocValues` (retains) and release cost about 1,800 instructions a query and segment
        // (BENCHMARKS.md, `kw18`).
        return SegmentQuery(segment: segment, required: required, requiredSlots: requiredSlots, optional: optional,
                            optionalSlots: optionalSlots, excluded: excluded,
                            filter: options.filter.isEmpty ? nil : SegmentFilter(options.filter, segment: segment),
                            skippedDoc: skipped, prior: options.patient.map { $0.segmentPrior(segment) })
    }
}
