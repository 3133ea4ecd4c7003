#if canImport(Glibc)
import Glibc
#endif

/// How a stored block (format 8 on) codes its records' parts beyond `TrialCodec`: what deflate
/// compressed badly is coded so that it compresses well or is not stored at all.
///
/// - **Lengths part-major, three of them not stored.** A block states, for each part that is not a
///   fixed number of `Str`s, the lengths of that part of its k docs together (all the heads' lengths,
///   then all the facts', …), not each doc's nine lengths in a row. The texts (2 `Str`s), criteria (1)
///   and source (3) parts state their own lengths: a reader skips their `Str`s.
/// - **The parts a related-trials source reads first** (format 9). A block holds the parts in the
///   order `blockOrder`: facts, head, terms, interventions, criteria, then texts, outcomes, sites,
///   source (the record's order is head, facts, terms, texts, criteria, outcomes, interventions, sites,
///   source), and states how many of its uncompressed bytes the lengths and the first five parts take:
///   a related-trials source inflates only those (`StoredRecords.leadingTrial`). Format 10 also states
///   where each doc's criteria end (in units of `criteriaEndUnit`), and a source inflates only up to
///   its own. A format-9 block holds the criteria before the interventions (`blockOrder9`), a format-8 block holds
///   them in the order `blockOrder8`: source, sites, head, facts, terms, outcomes, interventions, texts,
///   criteria (the short structured parts together before the long ones).
/// - **Excerpt lengths against the line end.** `CriteriaSplitter` makes each inclusion or exclusion
///   item a line of the criteria text, its marker and trailing spaces cut off, so an `Excerpt`'s length
///   is nearly always where its line ends (`lineEnd(_:from:)`). In a block's facts part an excerpt's
///   `length` is replaced by `lengthCode`: 0 when the excerpt ends there, else length + 1.
///
/// Measured on the 16x replica's stored blocks (every 40th block of its `.sto`, re-coded and compressed
/// by libdeflate): the lengths and excerpts take the compressed bytes 1.2 % below format 7's at level
/// 6 (the row-ordered lengths, 0.3 % of the bytes, compressed at 1.05:1, the excerpt lengths at 1.2:1);
/// the order takes 1.1 % more off (libdeflate's block splits and Huffman codes fare better with the
/// short values together and the long texts last). At level 5 all three give 1.6 % fewer bytes than
/// format 7 at level 6, at level 4 0.4 % more. Format 9's order (the related-trials parts first; of the
/// 120 orders of those five parts and the 24 of the others, on every 80th block, the best) costs 0.58 %
/// over format 8's in 128 KB blocks, paid for by 144 KB blocks (format 10's, the criteria last of
/// those five, 0.13 % more again, and its criteria ends, by 148 KB blocks); two deflate streams (the leading parts
/// and the rest, each compressed alone) cost 3.1 %, which is why the leading bytes are a prefix of one.
enum StoredBlockCoding {
    /// Per `TrialCodec.Part`, the number of `Str`s it holds when that is fixed (its length then not
    /// stated by the block), else 0.
    static let strCount: [Int] = TrialCodec.Part.allCases.map { part in
        switch part {
        case .texts: 2
        case .criteria: 1
        case .source: 3
        default: 0
        }
    }

    /// The parts of a block of format 10 on, in the order it holds them (`TrialCodec.Part` raw values): first
    /// the `leadingPartCount` parts a related-trials source reads (facts, head, terms, interventions,
    /// criteria: 40 % of the 16x replica's uncompressed bytes, the criteria 54 % of those), then texts,
    /// outcomes, sites, source. The criteria come last among the leading parts, so that a source's fetch
    /// inflates them only up to its own (`criteriaEndUnit`).
    static let blockOrder: [Int] = ([.facts, .head, .terms, .interventions, .criteria, .texts, .outcomes, .sites, .source]
        as [TrialCodec.Part]).map(\.rawValue)
    /// The parts of a format-9 block, in the order it holds them (its leading parts end with the interventions).
    static let blockOrder9: [Int] = ([.facts, .head, .terms, .criteria, .interventions, .texts, .outcomes, .sites, .source]
        as [TrialCodec.Part]).map(\.rawValue)
    /// The leading parts of `blockOrder` (and `blockOrder9`): with the lengths, what a block's `leadingLength` counts.
    static let leadingPartCount = 5
    /// Format 10 on: the unit in which a block's header states where each doc's criteria end (the end's
    /// offset in the uncompressed block, rounded up to a multiple of it; one byte a doc as a vint delta, the
    /// fetch inflating at most this many bytes more than the doc's own criteria end). On the 16x replica:
    /// 165,588 header bytes (6,324 blocks), and the fetches of 200 sources inflate 83.9 M instructions'
    /// worth instead of format 9's 109.7 M. From format 11 (zstd) a fetch decodes the whole first zstd block,
    /// which ends with the leading bytes (flushes at criteria ends cost bytes and saved nothing: each zstd block
    /// rebuilds its entropy tables; BENCHMARKS.md, `sto38`), and the stated end bounds what it copies out.
    static let criteriaEndUnit = 256
    /// Format 10 on: bytes a fetch of the leading bytes up to a doc's criteria inflates past the stated end
    /// and `leadingSlack`, the last of which (`leadingCheckByte`) shows that libdeflate wrote all of the bytes
    /// before it: libdeflate writes its output in order, a match (≤ 258 bytes) starting before that byte then
    /// fits, a stored block is written all or nothing, and its fast loop writes at most 39 bytes past a match's
    /// end (`FASTLOOP_MAX_BYTES_WRITTEN`, libdeflate 1.12 on).
    static let leadingCheckMargin = 64
    /// The value a leading fetch writes at its check byte (the stated end + `leadingCheckMargin` − 1) before
    /// inflating: found there afterwards (libdeflate did not reach it, or the block's byte there is 0xFF), the
    /// fetch inflates the whole block instead.
    static let leadingCheckFill: UInt8 = 0xFF
    /// The parts of a format-8 block, in the order it holds them.
    static let blockOrder8: [Int] = ([.source, .sites, .head, .facts, .terms, .outcomes, .interventions, .texts, .criteria]
        as [TrialCodec.Part]).map(\.rawValue)
    /// The parts of a block of format 7 or older, in the order it holds them: the record's.
    static let recordOrder: [Int] = TrialCodec.Part.allCases.map(\.rawValue)

    /// Bytes inflated past a block's leading bytes when only those are wanted: a match that starts in them
    /// (at most 258 bytes long) then fits, and libdeflate writes it whole before it stops for want of room.
    static let leadingSlack = 258

    /// The fields whose values a trial decoded from a block's leading parts holds
    /// (`StoredRecords.leadingTrial`): its id, titles, conditions, keywords, MeSH terms, interventions,
    /// arm groups and eligibility (with the facts, its sponsors too). Its summaries, descriptions,
    /// outcomes and sites are empty.
    static let leadingFields: Set<Field> = [.id, .title, .condition, .keyword, .mesh, .intervention, .eligibility, .sponsor]

    /// The record of a trial with every value empty (its source `plain-text`) and where each of its parts
    /// lies in it: what a trial decoded from a block's leading parts has for the other parts.
    static let emptyRecord: (bytes: [UInt8], parts: [Range<Int>]) = {
        var record: [UInt8] = []
        guard let id = TrialID("-") else { return ([], []) }
        TrialCodec.encode(Trial(id: id), into: &record)
        let lengths = record.withUnsafeBytes { raw in
            var r = ByteReader(raw)
            let stated = (1..<TrialCodec.partCount).map { _ in r.readCount(limit: 1 << 30) }
            return [r.position] + stated + [raw.count - r.position - stated.reduce(0, +)]
        }
        var parts: [Range<Int>] = []
        var start = lengths[0]
        for length in lengths.dropFirst() {
            parts.append(start..<(start + length))
            start += length
        }
        return (record, parts)
    }()

    /// The text of a criteria part (its one `Str`), or nil when the part does not hold one.
    static func criteriaText(_ part: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        var r = ByteReader(part)
        let text = r.readBytes(r.readCount(limit: 1 << 30))
        return r.failed ? nil : text
    }

    /// Where an item of `text` that starts at `start` (≤ `text.count`) ends if it runs to its line's
    /// end: the first LF at or after `start` (or the end of `text`), before any spaces, tabs and CRs
    /// that precede it, and not before `start`.
    static func lineEnd(_ text: UnsafeRawBufferPointer, from start: Int) -> Int {
        var end = text.count
        if let base = text.baseAddress, start < text.count, let hit = memchr(base + start, 0x0A, text.count - start) {
            end = UnsafeRawPointer(hit) - base
        }
        while end > start {
            let c = text[end - 1]
            guard c == 0x20 || c == 0x09 || c == 0x0D else { break }
            end -= 1
        }
        return end
    }

    /// Appends the facts part `facts` to `out`, its two `ExcerptList`s recoded against `text` (the
    /// record's criteria text): `toBlock` replaces each excerpt's length by its `lengthCode`, else the
    /// reverse. The rest of the part is copied as it is.
    /// - Returns: false when the excerpt lists overrun `facts` or an excerpt starts past `text`'s end.
    static func recodeFacts(_ facts: UnsafeRawBufferPointer, text: UnsafeRawBufferPointer, toBlock: Bool,
                            into out: inout [UInt8]) -> Bool {
        var r = ByteReader(facts)
        for _ in 0..<2 {
            let count = r.readCount(limit: 1 << 24)
            out.appendVInt(count)
            var end = 0
            for _ in 0..<count {
                let tag = r.readCount(limit: 1 << 30)
                out.appendVInt(tag)
                if tag == 0 {
                    let item = r.readBytes(r.readCount(limit: 1 << 30))
                    out.appendVInt(item.count)
                    out.append(contentsOf: item)
                    continue
                }
                let start = end + tag - 1
                let stated = r.readCount(limit: 1 << 30)
                guard !r.failed, start <= text.count else { return false }
                let length: Int
                if toBlock {
                    length = stated
                    out.appendVInt(start + length == lineEnd(text, from: start) ? 0 : length + 1)
                } else {
                    length = stated == 0 ? lineEnd(text, from: start) - start : stated - 1
                    out.appendVInt(length)
                }
                end = start + length
            }
        }
        let rest = r.readBytes(r.remaining)
        guard !r.failed else { return false }
        out.append(contentsOf: rest)
        return true
    }
}
