/// The BM25F field weights, length normalizations and field averages under which a segment's postings
/// store each long term's exact maximum pseudo-frequency (format 6), and the arithmetic that computes
/// it: the same `Float` factors and sums as the scorer's, so that the stored value is the scorer's own
/// largest x over the term's docs.
///
/// For a doc d holding the term, BM25F's pseudo-frequency is
/// ```
/// x(d) = Σ_f tf_f(d) · factor_f(norm_f(d))      factor_f(n) = w_f / (1 − b_f + b_f · decode(n) / avg_f)
/// ```
/// (fields in ascending order, `Float` products and sums, `factor` rounded to `Float` from `Double`:
/// `ScoringModel.searchedFactors`), and the term's score is weight · x / (k1 + x) whatever k1 and the
/// clause's weight (idf · boost) are. So the maximum of x over a term's docs, stored once per segment,
/// bounds the term's score for every query scored with these w_f and b_f, usually far tighter than the
/// per-field `Impacts` (whose largest termFreq and shortest length come from different docs: on the
/// 16x replica the impacts bound is 1.34–1.41× the exact maximum, BENCHMARKS.md `notes7`).
///
/// The weights and b are those of the text-field scoring that related-trials and patient-note queries
/// share (`BM25FParameters.related` and `.longQuery` differ only in k1); `avg_f` is the segment's own
/// average length (its norms' exact length sum over its doc count, deleted docs included): for an index
/// of one segment exactly the scorer's, otherwise `ScoringModel.termMaximumScale` widens the bound.
/// They are written at the start of the postings file's body (`PostingsWriter`'s grammar), so a segment
/// says what its maxima mean, and a scorer with other parameters ignores them.
struct TermMaxima: Sendable, Equatable {
    /// b_f per field (`Field` order).
    let b: [Double]
    /// w_f per field (`Field` order); a field of weight 0 adds nothing to x.
    let weights: [Double]
    /// The segment's average length of each field (0 when no doc has the field).
    let averages: [Double]

    /// The parameters new segments store maxima for: the related-trials and patient-note scoring.
    static let currentB: [Double] = BM25FParameters.related.b.values
    static let currentWeights: [Double] = BM25FParameters.related.weights.parameters.values

    /// Bytes of the parameters at the start of a format-6 postings body: b_f then w_f, f64 each.
    static let parametersLength = 16 * IndexFormat.fieldCount

    init(b: [Double] = currentB, weights: [Double] = currentWeights, lengthSums: [UInt64], docCount: Int) {
        precondition(b.count == IndexFormat.fieldCount && weights.count == IndexFormat.fieldCount
                     && lengthSums.count == IndexFormat.fieldCount, "field parameters \(b.count), \(weights.count), \(lengthSums.count)")
        self.b = b
        self.weights = weights
        averages = lengthSums.map { docCount == 0 ? 0 : Double($0) / Double(docCount) }
    }

    /// `MaximaParameters := b:f64^fieldCount weight:f64^fieldCount` (little-endian IEEE 754).
    func encodeParameters(into out: inout [UInt8]) {
        for v in b + weights { out.appendU64(v.bitPattern) }
    }

    /// The parameters at the start of a format-6 postings body (`offset` 0), or the block maxima's after
    /// them (format 7: `offset` `parametersLength`), with the segment's field statistics.
    static func decode(_ postings: IndexFile, offset: Int = 0, lengthSums: [UInt64], docCount: Int) throws -> TermMaxima {
        var r = postings.reader(at: postings.body.lowerBound + offset)
        var values: [Double] = []
        for _ in 0..<(2 * IndexFormat.fieldCount) { values.append(Double(bitPattern: r.readU64())) }
        let b = Array(values[0..<IndexFormat.fieldCount]), w = Array(values[IndexFormat.fieldCount...])
        guard !r.failed, b.allSatisfy({ $0 >= 0 && $0 <= 1 }), w.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw postings.corrupt("term maxima parameters: b \(b.prefix(4))…, weights \(w.prefix(4))… vs expected 0 ≤ b ≤ 1, weights ≥ 0")
        }
        return TermMaxima(b: b, weights: w, lengthSums: lengthSums, docCount: docCount)
    }

    /// `factor_f(n)` for every field and norm byte (`f * 256 + n`), as `ScoringModel.searchedFactors`
    /// computes it from the same inputs.
    func factors() -> [Float] {
        let table = FieldNorm.decodeTable
        var out = [Float](repeating: 0, count: IndexFormat.fieldCount * 256)
        for f in 0..<IndexFormat.fieldCount where weights[f] > 0 {
            let average = averages[f]
            for n in 0..<256 {
                let relative = average > 0 ? Double(table[n]) / average : 1
                out[f * 256 + n] = Float(weights[f] / (1 - b[f] + b[f] * relative))
            }
        }
        return out
    }
}

/// `TermMaxima.factors()` in manually managed memory, for the per-posting loops of the writers and
/// `check` (no array checks); one owner, freed in `deinit`.
final class TermMaximumFactors: @unchecked Sendable {
    let maxima: TermMaxima
    /// The factors of the keyword-query block maxima written beside these (format 7: `BlockMaxima`),
    /// nil for the block maxima's own factors and for a segment without them.
    let blocks: TermMaximumFactors?
    private let table: UnsafeMutablePointer<Float>

    init(_ maxima: TermMaxima, blocks: TermMaxima? = nil) {
        self.maxima = maxima
        self.blocks = blocks.map { TermMaximumFactors($0) }
        let values = maxima.factors()
        table = .allocate(capacity: values.count)
        table.initialize(from: values, count: values.count)
    }

    deinit { table.deallocate() }

    /// factor_f(n).
    @inline(__always)
    func factor(_ f: Int, _ norm: UInt8) -> Float { table[f &* 256 &+ Int(norm)] }

    /// The factors' memory, valid while this object lives: for a per-posting loop whose owner holds
    /// the object (reading it through the object costs a retain and a release per posting).
    var factorTable: UnsafePointer<Float> { UnsafePointer(table) }

    /// x of a doc holding the term in the fields of `mask` with termFreqs `termFreqs[f]` and norm bytes
    /// `row[f]`: the scorer's sum, fields ascending.
    @inline(__always)
    func x(mask: UInt16, termFreqs: UnsafePointer<UInt32>, row: UnsafePointer<UInt8>) -> Float {
        Self.x(table: table, mask: mask, termFreqs: termFreqs, row: row)
    }

    /// `x(mask:termFreqs:row:)` with the factors of `table` (a `factorTable`).
    @inline(__always)
    static func x(table: UnsafePointer<Float>, mask: UInt16, termFreqs: UnsafePointer<UInt32>,
                  row: UnsafePointer<UInt8>) -> Float {
        var x: Float = 0
        var m = mask
        while m != 0 {
            let f = m.trailingZeroBitCount
            x += Float(termFreqs[f]) * table[f &* 256 &+ Int(row[f])]
            m &= m &- 1
        }
        return x
    }

    /// The factors of the current parameters for a new segment of these field statistics: the term
    /// maxima's, with the block maxima's beside them.
    static func current(lengthSums: [UInt64], docCount: Int) -> TermMaximumFactors {
        TermMaximumFactors(TermMaxima(lengthSums: lengthSums, docCount: docCount),
                           blocks: BlockMaxima.current(lengthSums: lengthSums, docCount: docCount))
    }

    /// The largest x over the docs of `run`, whose doc d has norms row `sourceRows + d · fieldCount`;
    /// with `blocks`, raises `blockBest` to the largest x of `blocks`' factors over them (else leaves it),
    /// and offers each doc whose x under those factors (its keyword x, y) exceeds `floor` to `champions`
    /// as doc `docBase` + d, `floor` following the heap's (`ChampionHeap`; +∞ offers none).
    /// Out of line: inlined into `PostingsMerger.copyLive`, its loop cost some 16 instructions a doc more
    /// (callgrind: +590 M of compiler-generated lines in the replica halves' force-merge).
    /// - Complexity: O(docs of the run + Σ fields per doc).
    @inline(never)
    func maximum(of run: PostingsRun, sourceRows: UnsafePointer<UInt8>, blockBest: inout Float,
                 champions: ChampionHeap? = nil, floor: inout Float, docBase: DocID = 0) -> Float {
        let blockTable = blocks?.factorTable
        let table = UnsafePointer(self.table)
        let docs = run.docs, masks = run.masks, starts = run.freqStarts, allFreqs = run.freqs
        var best: Float = 0
        var yBest = blockBest
        var championFloor = champions == nil ? Float.infinity : floor
        defer { floor = championFloor }
        for i in run.start..<run.end {
            let row = sourceRows + Int(docs[i]) &* IndexFormat.fieldCount
            // A one-field doc reads its termFreq at `start` directly; the pointer to a doc's
            // termFreqs is formed only for the loop (callgrind: −95 M of 3,053 M in a force-merge).
            let start = Int(starts[i])
            var m = masks[i]
            // One field: m a power of two (`m & (m − 1)` clears its lowest bit; a mask is never 0,
            // but one would take the loop below, x = 0), tested without `nonzeroBitCount`: the
            // target has no POPCNT, and a population count in software is a dozen instructions.
            if m & (m &- 1) == 0, m != 0, let blockTable {
                // Most docs hold a term in one field: its x and y are one product each (0 + a is
                // a), and the comparisons are `max`'s but for a NaN or −0, which no product gives.
                let f = m.trailingZeroBitCount
                let tf = Float(allFreqs[start] &+ 1)
                let slot = f &* 256 &+ Int(row[f])
                let x = tf * table[slot], y = tf * blockTable[slot]
                if x > best { best = x }
                if y > yBest { yBest = y }
                if y > championFloor, let champions {
                    championFloor = champions.offer(x: y, doc: UInt32(bitPattern: docBase &+ DocID(bitPattern: docs[i])),
                                                    mask: masks[i], freqs: allFreqs + start, count: 1)
                }
                continue
            }
            let freqs = allFreqs + start
            var x: Float = 0
            var y: Float = 0
            var k = 0
            while m != 0 {
                let f = m.trailingZeroBitCount
                let tf = Float(freqs[k] &+ 1)
                x += tf * table[f &* 256 &+ Int(row[f])]
                if let blockTable { y += tf * blockTable[f &* 256 &+ Int(row[f])] }
                k &+= 1
                m &= m &- 1
            }
            best = max(best, x)
            yBest = max(yBest, y)
            if y > championFloor, let champions {
                championFloor = champions.offer(x: y, doc: UInt32(bitPattern: docBase &+ DocID(bitPattern: docs[i])),
                                                mask: masks[i], freqs: freqs, count: k)
            }
        }
        blockBest = yBest
        return best
    }
}
