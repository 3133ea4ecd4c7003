import CIntrinsics

/// Scores one term in one segment: walks its postings, weighs its per-field termFreqs by the
/// `ScoringModel`'s field factors, and bounds its scores from the postings' block `Impacts`.
///
/// A clause restricted to one field (`title:ovarian`), or over the default fields when the term also
/// occurs in a field of weight 0, skips the docs that hold the term only elsewhere when it walks
/// (`nextDoc`, the scoring loops) and leaves the check to `matches()` when it probes (`advance(to:)`).
/// The hot state (cursor, factor table, norms rows, weight) is held inline; the model and the term's
/// weight description are only read by `explain()`.
struct TermScorer: ClauseScorer {
    private(set) var doc: DocID = -1
    let cost: Int
    let maxScore: Float
    private(set) var cursor: PostingsCursor
    var isCorrupt: Bool { cursor.isCorrupt }
    private let factors: UnsafeMutablePointer<Float>
    /// Norm bytes of doc 0 (`IndexFormat.fieldCount` per doc, doc-major).
    private let normRows: UnsafePointer<UInt8>
    let fields: UInt16
    let restricted: Bool
    let scoreWeight: Float
    private let k1: Float
    private let saturates: Bool
    private let sqrtTermFreq: Bool
    /// BM25F over the default fields (no field prefix): termFreqs count as themselves, a field the
    /// clause does not search has factor 0, scores saturate; the scoring loops need no per-field test.
    private let defaultBM25F: Bool
    private var window = ImpactsWindow()
    let weight: TermWeight
    private let model: ScoringModel

    init(weight: TermWeight, info: TermInfo, segment: SegmentReader, model: ScoringModel) {
        self.init(weight: weight, info: info, segment: segment, model: model,
                  maximumScale: segment.termMaxima.flatMap { model.termMaximumScale($0) },
                  blockMaximumScale: segment.blockMaxima.flatMap { $0.blockScale(for: model) })
    }

    /// `maximumScale`: `model.termMaximumScale` of the segment's `TermMaxima` (nil without maxima or
    /// when they do not apply), computed once per segment by a search instead of once per scorer;
    /// `blockMaximumScale` the factor of its block maxima (`BlockMaxima`, stored under the keyword parameters:
    /// `TermMaxima.blockScale(for:)`, which converts them to the patient-note and related-trials scoring too).
    init(weight: TermWeight, info: TermInfo, segment: SegmentReader, model: ScoringModel, maximumScale: Double?,
         blockMaximumScale: Double?) {
        self.weight = weight
        self.model = model
        factors = weight.field == nil ? model.searchedFactors : model.factors
        normRows = segment.norms.row(0)
        fields = weight.fields
        scoreWeight = weight.weight
        k1 = model.k1
        saturates = model.saturates
        sqrtTermFreq = model.sqrtTermFreq
        defaultBM25F = weight.field == nil && !model.sqrtTermFreq && model.saturates
        cursor = segment.postings(info)
        // The term's impacts and stored maximum, read once (they are consecutive in its header).
        let (impacts, maximum, keywordMaximum) = cursor.termImpactsAndMaxima
        // Docs are skipped field by field only when the term occurs in fields the clause does not score.
        restricted = impacts.fieldMask & ~weight.fields != 0
        cost = weight.field.map { info.docFreq(in: $0) } ?? info.docFreq
        let impactsBound = model.bound(weight: weight.weight, impacts: impacts, fields: weight.fields)
        // A clause over the default fields, scored with the parameters of the segment's term maxima, is
        // bounded by its exact maximum x where the segment stores one (`TermMaxima`): 1.34–1.41× tighter.
        var bound = impactsBound
        if weight.field == nil, weight.weight >= 0, let scale = maximumScale, let x = maximum {
            bound = min(bound, model.bound(weight: weight.weight, maximum: x, scale: scale))
        }
        // Likewise the keyword queries' maximum and block maxima (format 7: `BlockMaxima`), which bound
        // each block by its best doc (`ImpactsWindow`); for other BM25F parameters (patient notes, related
        // trials) converted by `blockScale`'s factor (about 2), looser than the term's own maximum above but
        // read as one byte per block where the impacts' bound decodes the block's fields: callgrind, 75 TREC
        // 2021 topics at top 10 on the 16x replica, 1,298.9 → 1,294.4 M, 200 related sources 852.8 → 844.5 M,
        // the same runs (BENCHMARKS.md, `top29`).
        if weight.field == nil, weight.weight >= 0, let scale = blockMaximumScale, let x = keywordMaximum {
            bound = min(bound, model.bound(weight: weight.weight, maximum: x, scale: scale))
            window.exact = BlockMaximumBound(weight: weight.weight, termMaximum: x, scale: scale)
        }
        maxScore = bound
    }

    func restarted(in segment: SegmentReader) -> TermScorer? {
        TermScorer(weight: weight, info: cursor.info, segment: segment, model: model)
    }

    /// An unstarted scorer (the search's scorers when `ThresholdSeed` runs) is its own fresh copy,
    /// without a new cursor's decode buffers (seven allocations) and the term's impacts decoded twice.
    /// The copy shares the cursor's buffers, which the original refills from its first block on.
    func restartedForUseBeforeThis(in segment: SegmentReader) -> TermScorer? {
        if doc == -1 && cursor.isUnstarted(over: segment.postingsFile) { return self }
        return restarted(in: segment)
    }

    @inline(__always)
    mutating func nextDoc() -> DocID {
        var d = cursor.next()
        if restricted {
            while d != PostingsCursor.noMoreDocs && cursor.fieldMask & fields == 0 { d = cursor.next() }
        }
        doc = d
        return d
    }

    /// Moves to the first doc ≥ `target` of the term's postings: for a clause that scores only some of
    /// the term's fields, a candidate that `matches()` confirms. A search probing a non-essential clause
    /// for one doc lands past it about half the time, and only the doc it asked for needs its mask read
    /// (75 TREC 2021 topics at top 10 on the 16x replica, where the notes' frequent terms also occur in
    /// fields a long query does not score: see BENCHMARKS.md, `notes10`).
    @inline(__always)
    mutating func advance(to target: DocID) -> DocID {
        if target <= doc { return doc }
        let d = cursor.advance(to: target)
        doc = d
        return d
    }

    /// `advance(to:)` through `PostingsCursor.advanceAlone(to:)`: a block's doc ids unpacked only up to
    /// about the target (`ThresholdSeed`'s completion probes).
    mutating func advanceAlone(to target: DocID) -> DocID {
        if target <= doc { return doc }
        let d = cursor.advanceAlone(to: target)
        doc = d
        return d
    }

    /// Whether the current doc holds the term in a field the clause scores (`advance` leaves the check
    /// to here; `nextDoc` and the scoring loops skip the other docs themselves).
    @inline(__always)
    mutating func matches() -> Bool { !restricted || cursor.fieldMask & fields != 0 }

    /// x = Σ_f tfT(tf_f) · factor[f][norm_f] over the clause's fields, then the similarity's score.
    @inline(__always)
    mutating func score() -> Float {
        // The doc's mask and termFreqs as the cursor reads them for one doc (a non-essential clause's probe).
        let (mask, start) = cursor.maskAndFreqStart()
        return score(doc: doc, mask: mask) { _, k in cursor.termFreq(at: start &+ k) }
    }

    /// The clause's score of `doc` holding the term in the fields of `mask`, `termFreq(f, k)` giving its
    /// termFreq in field f, the k-th field of the mask (fields ascending): the one formula of `score()`
    /// (termFreqs from the cursor) and of the champion seed's stored postings (`appendChampions`), so that
    /// both sum in the same order and a seed's score is the search's to the bit.
    @inline(__always)
    func score(doc: DocID, mask: UInt16, termFreq: (_ field: Int, _ k: Int) -> UInt32) -> Float {
        let row = normRows + Int(doc) &* IndexFormat.fieldCount
        var x: Float = 0
        var m = mask
        var k = 0
        if defaultBM25F {
            // As `accumulate`'s loop: a field not searched adds tf · 0, which leaves x unchanged.
            while m != 0 {
                let f = m.trailingZeroBitCount
                x += Float(termFreq(f, k)) * factors[f &* 256 &+ Int(row[f])]
                k &+= 1
                m &= m &- 1
            }
            guard x > 0 else { return 0 }
            return scoreWeight * (x / (k1 + x))
        }
        while m != 0 {
            let f = m.trailingZeroBitCount
            let tf = termFreq(f, k)
            k &+= 1
            m &= m &- 1
            guard fields & (1 << UInt16(f)) != 0 else { continue }
            let t = sqrtTermFreq ? Float(tf).squareRoot() : Float(tf)
            x += t * factors[f &* 256 &+ Int(row[f])]
        }
        guard x > 0 else { return 0 }
        return saturates ? scoreWeight * (x / (k1 + x)) : scoreWeight * x
    }

    /// Adds every matching doc's score up to `last` into the accumulator (`forEachCompetitiveScore`).
    @inline(__always)
    mutating func accumulate(through last: DocID, base: Int, into accumulator: UnsafeMutablePointer<Double>,
                             marks: UnsafeMutablePointer<UInt64>) {
        accumulate(through: last, base: base, into: accumulator, marks: marks, PrefetchNorms.self)
    }

    /// `accumulate` without the norms prefetch: MaxScore's second and later essential clauses of an
    /// inner window find most of its norms rows (12 bytes a doc) in the cache, where the first clause
    /// (usually the most frequent essential one) brought them. Callgrind of the timed region, 16x
    /// replica, top 10, same output: 75 TREC 2021 topics 2,959 → 2,904 M instructions, 200 related
    /// sources 1,981 → 1,969 M.
    @inline(__always)
    mutating func accumulateCached(through last: DocID, base: Int, into accumulator: UnsafeMutablePointer<Double>,
                                   marks: UnsafeMutablePointer<UInt64>) {
        accumulate(through: last, base: base, into: accumulator, marks: marks, NormsCached.self)
    }

    /// The two `accumulate`s: the scores into the accumulator, each doc marked, prefetching as `P` says.
    @inline(__always)
    private mutating func accumulate<P: NormsPrefetch>(through last: DocID, base: Int, into accumulator: UnsafeMutablePointer<Double>,
                                                       marks: UnsafeMutablePointer<UInt64>, _ prefetch: P.Type) {
        // The sums and mark words indexed by doc: `base` (a multiple of 64) folded into both pointers
        // (through the addresses: the pointers may lie before the buffers).
        guard let sums = UnsafeMutablePointer<Double>(bitPattern: UInt(bitPattern: accumulator) &- UInt(bitPattern: base) &* 8),
              let words = UnsafeMutablePointer<UInt64>(bitPattern: UInt(bitPattern: marks) &- UInt(bitPattern: base >> 6) &* 8)
        else { preconditionFailure("accumulator or marks at address 0") }
        if defaultBM25F && model.hasSaturatedOnce {
            // BM25F over the default fields, the common case: each run scored by a leaf function of its
            // own (`accumulateRun`), whose loop has every register to itself: inline here, five of its
            // values were reloaded from the stack a doc (they were live across the block loads' calls);
            // there, two (callgrind, 75 topics at top 10: BENCHMARKS.md, `notes16`).
            accumulateDefaultBM25F(through: last, sums: sums, words: words, prefetch)
            return
        }
        forEachScore(through: last, rest: 0, threshold: -.infinity, prefetch) { doc, score in
            let d = Int(doc)
            sums[d] += Double(score)
            words[d &>> 6] |= 1 &<< UInt64(truncatingIfNeeded: d)
            return -.infinity
        }
    }

    /// `accumulate` for BM25F over the default fields (`defaultBM25F`, `hasSaturatedOnce`): the runs up to
    /// `last` through `accumulateRun`, into the sums and mark words indexed by doc. Out of line: inline,
    /// MaxScore's walk around it was laid out worse.
    @inline(never)
    private mutating func accumulateDefaultBM25F<P: NormsPrefetch>(through last: DocID, sums: UnsafeMutablePointer<Double>,
                                                                   words: UnsafeMutablePointer<UInt64>, _ prefetch: P.Type) {
        precondition(model.saturatedOnce == factors + IndexFormat.fieldCount * 256, "saturatedOnce does not follow searchedFactors")
        let tables = RunTables(factors: UnsafePointer(factors), rows: normRows, weight: scoreWeight, k1: k1, sums: sums, words: words)
        var d = doc
        while d <= last {
            guard let run = cursor.run(through: last) else {
                d = cursor.doc
                break
            }
            Self.accumulateRun(run, tables, prefetch)
            d = cursor.next(after: run)
            if restricted { d = skipUnsearched(d) }
        }
        doc = d
    }

    /// Calls `body(doc, score)` for every doc from the current one up to `last` whose score is positive
    /// and not below `competitiveCutoff(threshold, rest:)` (`body` returns the threshold for the docs
    /// after), and moves past `last`: the same arithmetic as `score()`, a block's run at a time
    /// (`PostingsCursor.run(through:)`), in a loop of this function's own over the run's arrays, so that
    /// the loop's state (the run's pointers, the factor table, the norms, the weight) stays in registers
    /// and a pruned doc costs no call.
    @inline(__always)
    mutating func forEachCompetitiveScore(through last: DocID, rest: Float, threshold: Float,
                                          _ body: (DocID, Float) -> Float) {
        forEachScore(through: last, rest: rest, threshold: threshold, PrefetchNorms.self, body)
    }

    /// `forEachCompetitiveScore` that rests on `last` when it is the last doc of a postings block and the
    /// next block's bound is below the cutoff (`ClauseScorer.forEachCompetitiveScoreInWindow`): that block
    /// is not loaded. Resting on every block end cost the keyword queries at top 1,000 0.03 % (the next
    /// block was nearly always needed there); BENCHMARKS.md, `kw26`.
    @inline(__always)
    mutating func forEachCompetitiveScoreInWindow(through last: DocID, rest: Float, threshold: Float,
                                                  _ body: (DocID, Float) -> Float) {
        forEachScore(through: last, rest: rest, threshold: threshold, PrefetchNorms.self, restsAtBlockEnd: true, body)
    }

    /// A score below which `boundIsBelow(score + rest, threshold)` surely holds: the candidate loop's
    /// cutoff (`MaxScoreSearch.prefilterCutoff`) in Float, whose margin of 10⁻⁵ of the threshold covers
    /// the rounding to Float and the Float sum and product of the bound test (a few 10⁻⁸ relative; all
    /// terms ≥ 0). One comparison a doc instead of that test's sum, product and comparison; it passes a
    /// doc within the margin that the test would prune, which the caller's final test drops (−∞ while
    /// the threshold is: no doc pruned).
    @inline(__always)
    static func competitiveCutoff(_ threshold: Float, rest: Float) -> Float {
        Float(MaxScoreSearch.prefilterCutoff(threshold, rest: rest))
    }

    /// `forEachCompetitiveScore`, prefetching the norms rows ahead when `P.enabled` (a type, so that each
    /// case is a loop of its own, without a test per doc).
    @inline(__always)
    private mutating func forEachScore<P: NormsPrefetch>(through last: DocID, rest: Float, threshold: Float, _: P.Type,
                                                         restsAtBlockEnd: Bool = false, _ body: (DocID, Float) -> Float) {
        let prefetch = P.enabled
        var cutoff = Self.competitiveCutoff(threshold, rest: rest)
        let factors = self.factors
        let weight = scoreWeight, k1 = self.k1
        let rows = normRows, fields = self.fields
        var d = doc
        if defaultBM25F && model.hasSaturatedOnce {
            // BM25F over the default fields, the common case, without the per-field and per-model tests
            // (a field the clause does not search has factor 0 in `searchedFactors`); the same
            // arithmetic in the same order. A doc holding the term once in one field (x = 1 · factor)
            // takes x / (k1 + x) from `saturatedOnce`, the same Float computed once per model, instead of
            // a division. Callgrind, 75 TREC 2021 topics at top-10 on the 16x replica: see BENCHMARKS.md.
            // `saturatedOnce` follows `searchedFactors` (one base pointer for both: one register less).
            let once = IndexFormat.fieldCount * 256
            precondition(model.saturatedOnce == factors + once, "saturatedOnce does not follow searchedFactors")
            while d <= last {
                guard let run = cursor.run(through: last) else {
                    d = cursor.doc
                    break
                }
                let docs = run.docs, masks = run.masks, allFreqs = run.freqs
                let end = run.end
                // The doc's first termFreq, counted along (a doc has one per field of its mask) rather than
                // read from `freqStarts`: a load and a register less a doc.
                var k = Int(run.freqStarts[run.start])
                // The norms rows of the docs `normsPrefetchDistance` ahead are asked for before they are
                // read: a query's docs are scattered over the 2 MB of norms, and their misses overlap.
                if prefetch {
                    for i in run.start..<min(end, run.start &+ Self.normsPrefetchDistance) {
                        Self.prefetchNorm(rows, docs[i], masks[i])
                    }
                }
                // A `while` over the run: a `for` over its range checked `i < end` twice a doc.
                var next = run.start
                while next < end {
                    let i = next
                    next &+= 1
                    let ahead = i &+ Self.normsPrefetchDistance
                    if prefetch && ahead < end { Self.prefetchNorm(rows, docs[ahead], masks[ahead]) }
                    let mask = masks[i]
                    if mask == 0 { continue }
                    let doc = DocID(bitPattern: docs[i])
                    let row = rows + Int(doc) &* IndexFormat.fieldCount
                    let freqs = allFreqs + k
                    let f = mask.trailingZeroBitCount
                    if mask & (mask &- 1) == 0 && freqs[0] == 0 {
                        k &+= 1
                        let s = factors[once &+ f &* 256 &+ Int(row[f])]
                        guard s > 0 else { continue }
                        let score = weight * s
                        if !(score < cutoff) { cutoff = Self.competitiveCutoff(body(doc, score), rest: rest) }
                        continue
                    }
                    let (x, j) = Self.pseudoFrequency(mask: mask, first: f, freqs: freqs, factors: factors, row: row)
                    k &+= j
                    guard x > 0 else { continue }
                    let score = weight * (x / (k1 + x))
                    if !(score < cutoff) { cutoff = Self.competitiveCutoff(body(doc, score), rest: rest) }
                }
                if restsAtBlockEnd && cursor.endsBlock(run, at: last) && nextBlockIsBelow(cutoff) {
                    cursor.rest(after: run)
                    d = last
                    break
                }
                d = cursor.next(after: run)
                if restricted { d = skipUnsearched(d) }
            }
            doc = d
            return
        }
        let sqrt = sqrtTermFreq, saturates = self.saturates
        while d <= last {
            guard let run = cursor.run(through: last) else {
                d = cursor.doc
                break
            }
            for i in run.start..<run.end {
                let mask = run.masks[i]
                guard mask & fields != 0 else { continue }
                let doc = DocID(bitPattern: run.docs[i])
                let row = rows + Int(doc) &* IndexFormat.fieldCount
                let freqs = run.freqs + Int(run.freqStarts[i])
                var x: Float = 0
                // The doc's termFreqs are in field order: the k-th set bit of `mask` has freqs[k].
                var m = mask
                var k = 0
                while m != 0 {
                    let f = m.trailingZeroBitCount
                    if fields & (1 << UInt16(f)) != 0 {
                        let tf = freqs[k] &+ 1
                        let t = sqrt ? Float(tf).squareRoot() : Float(tf)
                        x += t * factors[f &* 256 &+ Int(row[f])]
                    }
                    k &+= 1
                    m &= m - 1
                }
                guard x > 0 else { continue }
                let score = saturates ? weight * (x / (k1 + x)) : weight * x
                if !(score < cutoff) { cutoff = Self.competitiveCutoff(body(doc, score), rest: rest) }
            }
            d = cursor.next(after: run)
            if restricted { d = skipUnsearched(d) }
        }
        doc = d
    }

    /// Whether the block after the cursor's is bounded (its maximum byte, `BlockMaxima`) below `cutoff`:
    /// a window over it would likely be skipped, so `forEachCompetitiveScoreInWindow` rests rather than
    /// load it (a guess only: resting or not, the same docs are scored).
    @inline(__always)
    private func nextBlockIsBelow(_ cutoff: Float) -> Bool {
        let next = cursor.block &+ 1
        guard let exact = window.exact, cursor.blockCount > 1, next < cursor.blockCount else { return false }
        return exact.bound(cursor.blockMaximumCode(next), model: model) < cutoff
    }

    /// How many docs ahead of the one scored the scoring loop prefetches the norms row.
    static let normsPrefetchDistance = 8

    /// Prefetches the norm byte of `doc`'s first field in `mask` (the row's byte the loop reads first).
    @inline(__always)
    static func prefetchNorm(_ rows: UnsafePointer<UInt8>, _ doc: UInt32, _ mask: UInt16) {
        trialsearch_prefetch_read(rows + (Int(doc) &* IndexFormat.fieldCount &+ mask.trailingZeroBitCount))
    }

    /// The first doc from `d` on that holds the term in a field the clause searches (as `nextDoc`).
    private mutating func skipUnsearched(_ d: DocID) -> DocID {
        var d = d
        while d != PostingsCursor.noMoreDocs && cursor.fieldMask & fields == 0 { d = cursor.next() }
        return d
    }

    mutating func advanceShallow(to target: DocID) -> DocID {
        window.advanceShallow(&cursor, to: target, model: model, weight: scoreWeight, fields: fields)
    }

    mutating func maxScore(upTo: DocID) -> Float {
        window.maxScore(&cursor, upTo: upTo, segmentMax: maxScore, model: model, weight: scoreWeight, fields: fields)
    }

    mutating func explain() -> Explanation {
        let row = normRows + Int(doc) &* IndexFormat.fieldCount
        var x: Float = 0
        var details: [Explanation] = []
        let fields = self.fields
        let model = self.model
        cursor.forEachTermFreq { field, tf in
            let f = Int(field.rawValue)
            guard fields & (1 << UInt16(f)) != 0 else { return }
            x += model.termFreqValue(UInt32(tf)) * model.factor(field: f, norm: row[f])
            details.append(model.explainField(field, termFreq: UInt32(tf), norm: row[f], frequencyName: "termFreq"))
        }
        return model.explainScore(weight: weight, x: x, fieldDetails: details, what: "term \(weight.scope)\(weight.term)")
    }
}

/// Whether a scoring loop prefetches the norms rows of the docs ahead (`TermScorer.forEachScore`).
protocol NormsPrefetch {
    static var enabled: Bool { get }
}

/// The rows are likely not cached: prefetch them.
enum PrefetchNorms: NormsPrefetch {
    static var enabled: Bool { true }
}

/// An earlier clause of the same window read the rows: no prefetch.
enum NormsCached: NormsPrefetch {
    static var enabled: Bool { false }
}
