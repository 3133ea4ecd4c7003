/// The files of a segment, one doc line each: the whole on-disk layout at a glance.
///
/// A segment `s00001c` is the files `s00001c.<ext>`; deletes are `s00001c_<gen>.del`, one file per
/// deletes generation (segments are immutable, deletes are not). Each writer's doc comment specifies
/// its file's format.
public enum SegmentFile: String, CaseIterable, Sendable {
    /// Term dictionary: sorted terms in prefix-compressed blocks of 32, each with its `TermInfo`
    /// (docFreq, per-field docFreq, postings and positions extents). `TermDictionaryWriter`.
    case terms = "tdx"
    /// Postings: per term, blocks of 128 docs (up to 255 after a merge; delta-coded bit-packed DocIDs,
    /// field masks, per-field termFreqs) with block-max impacts and a skip table. `PostingsWriter`.
    case postings = "pst"
    /// Positions: per term, per (doc, field), the delta-coded token positions. `PostingsWriter`.
    case positions = "pos"
    /// Field lengths: one byte per (doc, field) and exact per-field sums. `NormsWriter`.
    case norms = "nrm"
    /// Doc values: fixed-width columns (trial id, registry, status, phases, ages, countries, dates,
    /// authority, content hash) for filters and updates. `DocValuesWriter`.
    case docValues = "dvs"
    /// Stored records: binary-coded `Trial`s cut into parts, in deflate-compressed blocks that keep each
    /// part of their records together, with a doc → block index.
    /// `StoredWriter`.
    case stored = "sto"
    /// Deleted docs: a bitset, one file per deletes generation (`_<gen>.del`). `LiveDocsWriter`.
    case deletes = "del"

    /// The format name written in the file header.
    var formatName: String {
        switch self {
        case .terms: return "terms"
        case .postings: return "postings"
        case .positions: return "positions"
        case .norms: return "norms"
        case .docValues: return "docvalues"
        case .stored: return "stored"
        case .deletes: return "deletes"
        }
    }

    /// The file name of this kind for segment `segment` (`generation` only for deletes).
    public func fileName(segment: String, generation: Int = 0) -> String {
        if self == .deletes { return "\(segment)_\(String(generation, radix: 36)).del" }
        return "\(segment).\(rawValue)"
    }

    /// The per-segment files (every kind but deletes).
    static let immutable: [SegmentFile] = [.terms, .postings, .positions, .norms, .docValues, .stored]
}

/// Names of segments and recognition of the files trialsearch owns in an index folder.
enum SegmentName {
    /// `s` followed by the segment number in base 36, zero-padded to 6 digits.
    static func make(_ number: Int) -> String {
        let digits = String(number, radix: 36)
        return "s" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// Suffix of a scratch output's name (`IndexOutput(scratchAt:)`: a segment file's name plus this),
    /// which exists only between its `open` and `unlink`; a crash in between leaves the file behind, and
    /// the next writer removes it as an unreferenced file it owns.
    static let scratchSuffix = ".upper"

    /// Whether `name` is a file this code may have written (and so may delete when unreferenced): a
    /// segment file, a deletes file, a temporary manifest or a segment file's scratch output left by a
    /// crash. Anything else is left alone.
    static func isOwnedFile(_ name: String) -> Bool {
        if name.hasPrefix(IndexFormat.manifestTempPrefix) { return true }
        if name.hasSuffix(scratchSuffix) { return isOwnedFile(String(name.dropLast(scratchSuffix.utf8.count))) }
        let bytes = Array(name.utf8)
        guard bytes.count >= 11, bytes[0] == UInt8(ascii: "s") else { return false }
        func isBase36(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 97 && b <= 122) }
        guard bytes[1...6].allSatisfy(isBase36) else { return false }
        let rest = String(decoding: bytes[7...], as: UTF8.self)
        if rest.hasPrefix("."), SegmentFile(rawValue: String(rest.dropFirst())) != nil,
           rest != ".del" { return true }
        if rest.hasPrefix("_"), rest.hasSuffix(".del") {
            let gen = rest.dropFirst().dropLast(4)
            return !gen.isEmpty && gen.utf8.allSatisfy(isBase36)
        }
        return false
    }

    /// The segment a file belongs to (`s00001c` for `s00001c.pst` or `s00001c_2.del`).
    static func segment(ofFile name: String) -> String { String(name.prefix(7)) }
}
