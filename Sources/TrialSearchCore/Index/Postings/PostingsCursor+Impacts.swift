/// A postings cursor's block-max impacts and stored term maxima, for dynamic pruning (see
/// `PostingsCursor`).
extension PostingsCursor {
    /// Bound of the whole term in this segment (max termFreq and min norm per field over all docs).
    public var termImpacts: Impacts {
        var r = ByteReader(base: base, end: termEnd, position: info.postingsOffset)
        return Impacts.decode(&r)
    }

    /// The exact maximum of BM25F's pseudo-frequency x over the term's docs (`TermMaxima`): stored for
    /// a term of several blocks in a format-6 segment, nil otherwise (and when not finite and ≥ 0).
    /// - Complexity: O(fields of the term's impacts).
    var termMaximum: Float? {
        guard hasMaximum && blockCount > 1 else { return nil }
        var r = ByteReader(base: base, end: termEnd, position: info.postingsOffset)
        Impacts.skip(&r)
        let x = Float(bitPattern: r.readU32())
        return !r.failed && x.isFinite && x >= 0 ? x : nil
    }

    /// The exact maximum of x under the keyword queries' parameters over the term's docs (`BlockMaxima`),
    /// against which its blocks' maxima bytes are quantized: stored for a term of several blocks in a
    /// format-7 segment, nil otherwise (and when not finite and ≥ 0).
    /// - Complexity: O(fields of the term's impacts).
    var keywordTermMaximum: Float? {
        termImpactsAndMaxima.keywordMaximum
    }

    /// `termImpacts` and `termMaximum` from one read of the term's header (a scorer's set-up).
    /// - Complexity: O(fields of the term's impacts).
    var termImpactsAndMaximum: (impacts: Impacts, maximum: Float?) {
        let all = termImpactsAndMaxima
        return (all.impacts, all.maximum)
    }

    /// `termImpacts`, `termMaximum` and `keywordTermMaximum` from one read of the term's header.
    /// - Complexity: O(fields of the term's impacts).
    var termImpactsAndMaxima: (impacts: Impacts, maximum: Float?, keywordMaximum: Float?) {
        var r = ByteReader(base: base, end: termEnd, position: info.postingsOffset)
        let impacts = Impacts.decode(&r)
        guard hasMaximum && blockCount > 1 else { return (impacts, nil, nil) }
        let x = Float(bitPattern: r.readU32())
        let maximum = !r.failed && x.isFinite && x >= 0 ? x : nil
        guard hasBlockMaxima else { return (impacts, maximum, nil) }
        let y = Float(bitPattern: r.readU32())
        return (impacts, maximum, !r.failed && y.isFinite && y >= 0 ? y : nil)
    }

    /// Moves the impacts window to the block that contains `target` (without decoding docs) and returns
    /// the last doc up to which `blockImpacts` bounds the scores: the block's last doc,
    /// `noMoreDocs − 1` for a single-block term (its bound is the term's), or `noMoreDocs` when
    /// `target` is past the term's last doc.
    /// - Complexity: O(log blocks).
    public mutating func advanceShallow(to target: DocID) -> DocID {
        if blockCount == 1 {
            shallowBlock = 0
            return Self.noMoreDocs - 1
        }
        // A shallow advance past the end (`shallowBlock == blockCount`) followed by a smaller target (an
        // `AlternativesScorer` passes its own target to an exhausted member) searches from the current
        // block: `findBlock` from `blockCount` returned `blockCount`, whose "last doc" was read past the
        // skip table (format 7: the block maxima bytes, a negative doc that stalled `MaxScoreSearch`).
        var from = max(shallowBlock, block, 0)
        if from >= blockCount {
            guard block < blockCount else {
                shallowBlock = blockCount
                return Self.noMoreDocs
            }
            from = max(block, 0)
        }
        guard let b = findBlock(target, from: from) else {
            shallowBlock = blockCount
            return Self.noMoreDocs
        }
        shallowBlock = b
        return skipLastDoc(b)
    }

    /// Calls `body(field, maxTermFreq, minNorm)` for each field of the bound of the block selected by
    /// the last `advanceShallow(to:)` (none past the end), in field order: `blockImpacts` read in place,
    /// without building an `Impacts`, for the bounds a search computes in every window.
    @inline(__always)
    public func forEachBlockImpact(_ body: (Int, UInt32, UInt8) -> Void) {
        guard shallowBlock < blockCount else { return }
        forEachImpact(ofBlock: shallowBlock, body)
    }

    /// Calls `body(field, maxTermFreq, minNorm)` for each field of the bound of the block that holds the
    /// first doc ≥ `target` (as `forEachBlockImpact`), and returns that block's last doc (`noMoreDocs − 1`
    /// for a single-block term, `noMoreDocs`, without calling `body`, when no doc is ≥ `target`). Neither
    /// the cursor nor its shallow advance moves: a scorer skipping blocks that cannot compete
    /// (`PhraseScorer.advance(to:rest:threshold:)`) leaves the search's bounds windows alone. `target`
    /// must be past the current doc.
    /// - Complexity: O(log blocks) skip-table probes, plus O(fields of the block's bound).
    @inline(__always)
    func forEachImpact(ofBlockHolding target: DocID, _ body: (Int, UInt32, UInt8) -> Void) -> DocID {
        let b: Int
        let lastDoc: DocID
        if blockCount == 1 {
            guard block < 1 else { return Self.noMoreDocs }
            b = 0
            lastDoc = Self.noMoreDocs - 1
        } else {
            guard let found = findBlock(target, from: max(block, 0)) else { return Self.noMoreDocs }
            b = found
            lastDoc = skipLastDoc(found)
        }
        forEachImpact(ofBlock: b, body)
        return lastDoc
    }

    /// Calls `body(field, maxTermFreq, minNorm)` for each field of block `b`'s bound, in field order,
    /// read in place from its skip entry.
    @inline(__always)
    func forEachImpact(ofBlock b: Int, _ body: (Int, UInt32, UInt8) -> Void) {
        let start = blockCount == 1 ? blocksStart : blocksStart + skipBlockStart(b)
        var r = ByteReader(base: base, end: termEnd, position: start)
        var mask = r.readU16() & ((1 << UInt16(IndexFormat.fieldCount)) - 1)
        while mask != 0 {
            let f = mask.trailingZeroBitCount
            mask &= mask - 1
            let maxTermFreq = UInt32(truncatingIfNeeded: r.readVInt())
            body(f, maxTermFreq, r.readU8())
        }
    }

    /// The bound of the block selected by the last `advanceShallow(to:)` (empty past the end).
    public var blockImpacts: Impacts {
        guard shallowBlock < blockCount else { return Impacts() }
        let start = blockCount == 1 ? blocksStart : blocksStart + skipBlockStart(shallowBlock)
        var r = ByteReader(base: base, end: termEnd, position: start)
        return Impacts.decode(&r)
    }
}
