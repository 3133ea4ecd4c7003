/// Scores an exact phrase in one segment: the docs holding all its terms (a conjunction led by the
/// rarest) are candidates, and `matches()` keeps those where, in some field of the clause, the terms
/// occur at the phrase's relative positions.
///
/// The phrase is scored like a term whose termFreq in a field is the number of positions where the
/// whole phrase starts there (`phraseFreq`), with the sum of its terms' idfs. A phrase never matches
/// across two values of a multi-valued field: the analyzer leaves a gap of `Analyzer.valueGap` positions
/// between them. Bounds come from the rarest term's impacts (a phrase occurs at most as often as any of
/// its terms).
struct PhraseScorer: ClauseScorer {
    private(set) var doc: DocID = -1
    let cost: Int
    let maxScore: Float
    let weight: TermWeight
    private var cursors: [PostingsCursor]
    var isCorrupt: Bool { cursors.contains { $0.isCorrupt } }
    /// Each part's offset, position buffer and count of positions read (`PhraseParts`); the pointers
    /// below are its own, copied so that reading them retains nothing.
    private let partState: PhraseParts
    /// Position of each part relative to the phrase's first.
    private let offsets: UnsafeMutablePointer<Int32>
    private let parts: [String]
    /// Index of the rarest part, which leads the conjunction and gives the bounds.
    private let lead: Int
    private let model: ScoringModel
    private let norms: Norms
    private let fields: UInt16
    private var window = ImpactsWindow()
    /// Per part, its positions in the field being checked (`counts` of them).
    private let positions: UnsafeMutablePointer<Unmanaged<PositionBuffer>>
    private let counts: UnsafeMutablePointer<Int>
    /// Phrase occurrences per field in the current doc.
    private var frequencies = FieldCounts()
    private var frequencyMask: UInt16 = 0
    /// The doc whose positions were checked, and the outcome.
    private var checkedDoc: DocID = -1
    private var matched = false
    /// Last doc of the rarest part's block last found competitive by `advance(to:through:rest:threshold:)`.
    private var competitiveThrough: DocID = -1

    /// - Parameter infos: each part's `TermInfo` in this segment, in phrase order.
    init(weight: TermWeight, parts: [PhraseTerm], infos: [TermInfo], segment: SegmentReader, model: ScoringModel) {
        precondition(parts.count == infos.count && parts.count >= 2, "phrase of \(parts.count) parts, \(infos.count) infos")
        self.weight = weight
        self.model = model
        norms = segment.norms
        fields = weight.fields
        partState = PhraseParts(offsets: parts.map(\.position))
        offsets = partState.offsets
        positions = partState.positions
        counts = partState.counts
        self.parts = parts.map(\.term)
        cursors = infos.map { segment.postings($0) }
        let costs = infos.map { info in weight.field.map { info.docFreq(in: $0) } ?? info.docFreq }
        var rarest = 0
        for i in costs.indices where costs[i] < costs[rarest] { rarest = i }
        lead = rarest
        cost = costs[rarest]
        maxScore = model.bound(weight: weight.weight, impacts: cursors[rarest].termImpacts, fields: weight.fields)
    }

    mutating func nextDoc() -> DocID { advance(to: doc + 1) }

    /// Leapfrogs the parts' cursors to a doc holding all of them (a candidate: `matches()` checks the
    /// positions).
    /// - Complexity: O(docs of the rarest part skipped through).
    /// The cursors are moved through one buffer pointer (one uniqueness check of the array a call, not
    /// one per cursor moved).
    mutating func advance(to target: DocID) -> DocID {
        advance(to: target) { _ in false }
    }

    /// `advance(to:)` to the first candidate ≥ `target` that `passes` does not pass over: a doc of the
    /// rarest part for which `passes(doc)` is true is left without the other parts moved to it (their
    /// cursors stay behind, and skip whole blocks of their postings when the next doc asked for lies
    /// beyond them). A caller that would ignore some candidates anyway (`AlternativesScorer.accumulate`:
    /// the docs its term is on) gets the same candidates otherwise. `passes` is asked in doc order.
    /// - Complexity: O(docs of the rarest part skipped through), the other parts' cursors moved only to
    ///   docs not passed over.
    @inline(__always)
    mutating func advance(to target: DocID, passingOver passes: (DocID) -> Bool) -> DocID {
        if target <= doc { return doc }
        let lead = self.lead
        let found = cursors.withUnsafeMutableBufferPointer { cursors -> DocID in
            var candidate = target
            while true {
                candidate = cursors[lead].advance(to: candidate)
                if candidate == PostingsCursor.noMoreDocs { break }
                if passes(candidate) {
                    candidate += 1
                    continue
                }
                var aligned = true
                for i in cursors.indices where i != lead {
                    let d = cursors[i].advance(to: candidate)
                    if d != candidate {
                        aligned = false
                        candidate = d
                        break
                    }
                }
                if candidate == PostingsCursor.noMoreDocs { break }
                if aligned { return candidate }
            }
            return PostingsCursor.noMoreDocs
        }
        doc = found
        if found != PostingsCursor.noMoreDocs { checkedDoc = -1 }
        return found
    }

    /// `advance(to:)` for a search that drops the docs whose score plus `rest` is surely below
    /// `threshold` (`AlternativesScorer.forEachCompetitiveScore`): the rarest part's postings blocks, up
    /// to `last`, whose bound (from the block's impacts, as `maxScore(upTo:)`'s) cannot reach the
    /// threshold are passed without a doc decoded or the other parts advanced. No doc after `last` is
    /// passed over: the next call may come with another `rest`.
    /// - Complexity: O(log blocks) per block bound read, plus `advance(to:)`'s.
    mutating func advance(to target: DocID, through last: DocID, rest: Float, threshold: Float) -> DocID {
        advance(to: target, through: last, rest: rest, threshold: threshold) { _ in false }
    }

    /// `advance(to:through:rest:threshold:)`, the rarest part's docs for which `passes(doc)` is true
    /// passed over as `advance(to:passingOver:)` does.
    @inline(__always)
    mutating func advance(to target: DocID, through last: DocID, rest: Float, threshold: Float,
                          passingOver passes: (DocID) -> Bool) -> DocID {
        if target <= doc { return doc }
        var t = target
        while t > competitiveThrough && t <= last {
            var x: Float = 0
            let model = self.model, fields = self.fields
            let end = cursors[lead].forEachImpact(ofBlockHolding: t) { f, maxTermFreq, minNorm in
                guard fields & (1 << UInt16(f)) != 0 else { return }
                x += model.termFreqValue(maxTermFreq) * model.factor(field: f, norm: minNorm)
            }
            if end == PostingsCursor.noMoreDocs { break }
            if !boundIsBelow(model.score(weight: weight.weight, x: x) * AlternativesScorer.phraseBoundMargin + rest, threshold) {
                competitiveThrough = end
                break
            }
            if end >= last {
                t = last + 1
                break
            }
            t = end + 1
        }
        return advance(to: t, passingOver: passes)
    }

    /// Whether the phrase occurs in the current doc (positions read once per doc).
    mutating func matches() -> Bool {
        if checkedDoc != doc {
            checkedDoc = doc
            matched = matchPositions()
        }
        return matched
    }

    /// Counts the phrase's occurrences in each field the parts share; true when there is one. The
    /// cursors are reached through a buffer pointer, the offsets, counts and position buffers through
    /// `PhraseParts`' pointers: subscripting the scorer's arrays in the loop checked the arrays'
    /// uniqueness at every access and retained each position buffer read (BENCHMARKS.md, `kw14`), and
    /// copies of the arrays cost a retain and a release each a call (`kw16`).
    private mutating func matchPositions() -> Bool {
        let fields = self.fields, positions = self.positions, offsets = self.offsets, counts = self.counts
        var frequencies = self.frequencies
        let found = cursors.withUnsafeMutableBufferPointer { cursors -> UInt16 in
            var found: UInt16 = 0
            var mask = fields
            for i in cursors.indices { mask &= cursors[i].fieldMask }
            while mask != 0 {
                let f = mask.trailingZeroBitCount
                mask &= mask - 1
                guard let field = Field(rawValue: UInt8(f)) else { continue }
                var count = 0
                // A part without positions in the field (none, or undecodable) leaves nothing to match.
                var all = true
                for i in cursors.indices {
                    let n = positions[i]._withUnsafeGuaranteedRef { cursors[i].positions(in: field, into: $0) }
                    counts[i] = n
                    if n == 0 { all = false; break }
                }
                if all { count = Self.countOccurrences(cursors.count, positions, counts, offsets) }
                if count > 0 {
                    frequencies[f] = UInt32(count)
                    found |= 1 << UInt16(f)
                }
            }
            return found
        }
        self.frequencies = frequencies
        frequencyMask = found
        return found != 0
    }

    /// Start positions p such that every part i (of `parts` ≥ 2) occurs at p + offsets[i], over part
    /// i's first `counts[i]` positions in `positions[i]` (sorted ascending).
    /// - Complexity: O(Σ counts); the parts' cursors live in a temporary (stack) allocation.
    static func countOccurrences(_ parts: Int, _ positions: UnsafePointer<Unmanaged<PositionBuffer>>,
                                 _ counts: UnsafePointer<Int>, _ offsets: UnsafePointer<Int32>) -> Int {
        withUnsafeTemporaryAllocation(of: Int.self, capacity: parts) { next in
            next.initialize(repeating: 0)
            var count = 0
            let first = positions[0]._withUnsafeGuaranteedRef { $0.base }
            outer: for j0 in 0..<counts[0] {
                let start = first[j0] - offsets[0]
                for i in 1..<parts {
                    let want = start + offsets[i]
                    let list = positions[i]._withUnsafeGuaranteedRef { $0.base }, n = counts[i]
                    var j = next[i]
                    while j < n && list[j] < want { j += 1 }
                    next[i] = j
                    if j == n { break outer }
                    if list[j] != want { continue outer }
                }
                count += 1
            }
            return count
        }
    }

    /// An upper bound of `score()` for the current candidate, without reading positions: in each field
    /// the parts share, the phrase occurs at most as often as its least frequent part (each occurrence
    /// takes a distinct position of every part), so the score of the smallest termFreqs bounds it. The
    /// same sum in the same field order as `score()` over a superset of its fields, each term at least
    /// as large, so the `Float` sum is at least `score()`'s; the saturation `x / (k1 + x)` may round a few
    /// ulps against it, which the caller's margin (`AlternativesScorer.phraseBoundMargin`) covers.
    /// - Complexity: O(fields shared · parts) termFreq look-ups.
    mutating func scoreBound() -> Float {
        var mask = fields
        for i in cursors.indices { mask &= cursors[i].fieldMask }
        guard mask != 0 else { return 0 }
        let row = norms.row(doc)
        var x: Float = 0
        while mask != 0 {
            let f = mask.trailingZeroBitCount
            mask &= mask - 1
            guard let field = Field(rawValue: UInt8(f)) else { continue }
            var least = Int.max
            for i in cursors.indices { least = min(least, cursors[i].termFreq(in: field)) }
            x += model.termFreqValue(UInt32(clamping: least)) * model.factor(field: f, norm: row[f])
        }
        return model.score(weight: weight.weight, x: x)
    }

    mutating func score() -> Float {
        let row = norms.row(doc)
        var x: Float = 0
        var mask = frequencyMask
        while mask != 0 {
            let f = mask.trailingZeroBitCount
            mask &= mask - 1
            x += model.termFreqValue(frequencies[f]) * model.factor(field: f, norm: row[f])
        }
        return model.score(weight: weight.weight, x: x)
    }

    mutating func advanceShallow(to target: DocID) -> DocID {
        window.advanceShallow(&cursors[lead], to: target, model: model, weight: weight.weight, fields: fields)
    }

    mutating func maxScore(upTo: DocID) -> Float {
        window.maxScore(&cursors[lead], upTo: upTo, segmentMax: maxScore, model: model, weight: weight.weight, fields: fields)
    }

    mutating func explain() -> Explanation {
        let row = norms.row(doc)
        var x: Float = 0
        var details: [Explanation] = []
        var mask = frequencyMask
        while mask != 0 {
            let f = mask.trailingZeroBitCount
            mask &= mask - 1
            x += model.termFreqValue(frequencies[f]) * model.factor(field: f, norm: row[f])
            if let field = Field(rawValue: UInt8(f)) {
                details.append(model.explainField(field, termFreq: frequencies[f], norm: row[f], frequencyName: "phraseFreq"))
            }
        }
        return model.explainScore(weight: weight, x: x, fieldDetails: details, what: "phrase \(weight.scope)\(weight.term)")
    }
}
