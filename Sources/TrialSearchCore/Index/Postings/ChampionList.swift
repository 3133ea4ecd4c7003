/// A term's champion list (format 12): its `IndexFormat.championCount` best docs of the segment, each
/// stored as its posting, at the end of the term's postings extent, so that a keyword query finds good
/// docs before it walks any postings (`ChampionSeed`): here is a term, give me its best docs.
///
/// Format, after the term's last postings block (`PostingsWriter`'s `TermPostings`), inside the extent
/// the term dictionary gives (`postingsLength` counts it):
/// ```
/// ChampionList := count:u8 Champion^count listLength:u16
/// Champion     := docDelta:vint fieldMask:vint (termFreq − 1):vint^popcount(fieldMask)
/// ```
/// Present exactly for the terms of more than `IndexFormat.championMinimumDocs` docs in a segment of
/// format ≥ 12, so no byte of the dictionary says so (a term's docFreq does). `count` is
/// `championCount`; champions are in doc order, `docDelta` = doc − previous doc − 1 (the first: doc);
/// termFreqs per field of the mask, ascending, as in a block. `listLength` counts the bytes from
/// `count` to the last champion: a reader finds the list, and the postings' own end, from the extent's
/// end (`postingsEnd`). Which docs: the largest keyword x (the `y` of `BlockMaxima`: BM25F's
/// pseudo-frequency under the keyword parameters and the segment's own averages), ties to the smaller
/// doc (`ChampionHeap`); the order only decides a seed's quality, never a result: the owner's score is
/// computed at query time from the stored posting and the doc's norms row, under any similarity.
///
/// Worked example: champions doc 3 (title tf 1), doc 7 (title tf 2, summary tf 1), … doc 900 (condition
/// tf 1, the doc before it 119): `0A | 03 02 00 | 03 42 01 00 | … | 8C 06 04 00 | L0 L1`: count 10, doc 3
/// (mask 0x02: title, tf − 1 = 0), doc 7 = 3 + 3 + 1 (mask 0x42: title and summary, tfs − 1 = 1, 0), …, doc
/// 900 = 119 + 780 + 1 (the delta as `8C 06`, mask 0x04: condition); then the list's length, `u16`.
enum ChampionList {
    /// Bytes after the list: its length.
    static let trailerLength = 2

    /// Whether a term of `docFreq` docs in a segment of `version` has a list.
    @inline(__always)
    static func isPresent(docFreq: Int, version: UInt32) -> Bool {
        version >= IndexFormat.championListVersion && docFreq > IndexFormat.championMinimumDocs
    }

    /// Where the term's postings blocks end in its extent `start..<end` (the list's start), or nil when
    /// the trailer does not fit the extent. Without a list, `end`.
    @inline(__always)
    static func postingsEnd(base: UnsafeRawPointer, start: Int, end: Int, docFreq: Int, version: UInt32) -> Int? {
        guard isPresent(docFreq: docFreq, version: version) else { return end }
        guard end - start >= trailerLength + 1 else { return nil }
        let length = Int(UInt16(littleEndian: base.loadUnaligned(fromByteOffset: end - trailerLength, as: UInt16.self)))
        let listStart = end - trailerLength - length
        return length > 0 && listStart >= start ? listStart : nil
    }

    /// Appends the list of the `count` champions to `out`: champion i (docs ascending) is `champion(i)`,
    /// its doc, field mask, and termFreqs − 1 (popcount(mask) of them, fields ascending).
    @inline(__always)
    static func encode(count: Int, into out: inout ByteBuffer,
                       _ champion: (Int) -> (doc: UInt32, mask: UInt16, freqs: UnsafePointer<UInt32>)) {
        precondition(count > 0 && count < 256, "a champion list of \(count) docs")
        let start = out.count
        out.reserve(1 + count * (5 + 3 + 5 * IndexFormat.fieldCount) + trailerLength)
        out.u8(UInt8(truncatingIfNeeded: count))
        var previous: Int64 = -1
        for i in 0..<count {
            let (doc, mask, freqs) = champion(i)
            precondition(Int64(doc) > previous, "champions out of order")
            out.vint(UInt64(Int64(doc) &- previous &- 1))
            previous = Int64(doc)
            out.vint(UInt64(mask))
            var m = mask
            var k = 0
            while m != 0 {
                out.vint(UInt64(freqs[k]))
                k &+= 1
                m &= m &- 1
            }
        }
        let length = out.count - start
        precondition(length <= Int(UInt16.max), "a champion list of \(length) bytes")
        out.u16(UInt16(truncatingIfNeeded: length))
    }

    /// Calls `body(doc, mask, termFreqs)` for each champion of the list in `start..<end` (an extent's
    /// end: `postingsEnd` gave `start`), in doc order; `termFreqs[f]` is the doc's termFreq in field f
    /// of `mask` (other entries are stale). Returns false, having called `body` for the champions before
    /// it, on damage: a count other than `expected`, a vint past the list or beyond 5 bytes, a doc not
    /// below `docCount`, an empty mask or one past the fields, a termFreq overflowing, or bytes left over
    /// (a vint reads at most to the list's end: one run into the length is cut there).
    /// - Complexity: O(bytes of the list).
    static func forEach(base: UnsafeRawPointer, start: Int, end: Int, expected: Int, docCount: Int,
                        _ body: (DocID, UInt16, UnsafePointer<UInt32>) -> Void) -> Bool {
        let listEnd = end - trailerLength
        guard start < listEnd else { return false }
        var r = ByteReader(base: base, end: listEnd, position: start)
        let count = Int(r.readU8())
        guard count == expected else { return false }
        return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: IndexFormat.fieldCount) { termFreqs in
            guard let tfs = termFreqs.baseAddress else { return false }
            tfs.initialize(repeating: 0, count: IndexFormat.fieldCount)
            var doc: Int64 = -1
            for _ in 0..<count {
                let delta = r.readVInt()
                let mask = r.readVInt()
                guard !r.failed, delta < UInt64(UInt32.max), mask != 0, mask < 1 << IndexFormat.fieldCount else { return false }
                doc += Int64(delta) + 1
                guard doc < Int64(docCount) else { return false }
                var m = UInt16(mask)
                while m != 0 {
                    let stored = r.readVInt()
                    guard !r.failed, stored < UInt64(UInt32.max) else { return false }
                    tfs[m.trailingZeroBitCount] = UInt32(stored) + 1
                    m &= m &- 1
                }
                body(DocID(doc), UInt16(mask), UnsafePointer(tfs))
            }
            return r.position == listEnd
        }
    }
}
