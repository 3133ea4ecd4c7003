/// The field masks of a postings block's docs, as stored: a dictionary of the block's distinct masks and,
/// per doc, its index into it (`PostingsWriter`'s `maskCount Masks MaskIndices`).
///
/// Decoded, each dictionary entry is `mask | fieldCount << 16`: one look-up gives a doc's mask and the
/// number of its termFreqs (where the next doc's start). Entries past the block's dictionary (only a
/// damaged block's indices reach them) are `damaged`: no field, and a field count that shows in the
/// total `decode` advances (`isDamaged`), so that validating the indices costs nothing a doc.
enum MaskDictionary {
    /// The field count of a `damaged` entry: more than all the fields of a block's docs
    /// (`IndexFormat.maxBlockDocs` · `IndexFormat.fieldCount`), and below 2¹⁵ (an entry's upper half).
    static let damagedFields = 1 << 14
    /// The entry of an index past the dictionary: mask 0, `damagedFields` fields.
    static let damaged: UInt32 = UInt32(damagedFields) << 16

    /// The entry of `mask`, holding `fields` fields.
    @inline(__always)
    static func entry(mask: UInt16, fields: Int) -> UInt32 { UInt32(mask) | UInt32(fields) << 16 }

    /// Whether `docs` decoded docs whose field counts sum to `fields` read a `damaged` entry: sound docs
    /// hold at most `IndexFormat.fieldCount` fields each, a damaged entry counts `damagedFields`.
    @inline(__always)
    static func isDamaged(fields: UInt32, docs: Int) -> Bool { Int(fields) > docs &* IndexFormat.fieldCount }

    /// Unpacks `count` mask indices of `width` bits (1…8: a block has at most 255 masks) from `source`
    /// and writes each doc's mask and first termFreq index (`total`, then advanced by the doc's field
    /// count); an index past the dictionary shows in `total`'s advance (`isDamaged`). The loop is copied
    /// per width with constant shifts, eight indices from one 64-bit load, as in `BitPacking.unpack`
    /// (and reads as far: at most 7 bytes past the packed indices). Without an OR of the entries read
    /// (the flag the damaged entry set before): callgrind, 75 TREC 2021 topics on the replica: see
    /// BENCHMARKS.md (`notes13`).
    /// - Complexity: O(count).
    @inline(never)
    static func decode(_ source: UnsafeRawPointer, count: Int, width: Int, dictionary: UnsafePointer<UInt32>,
                       masks: UnsafeMutablePointer<UInt16>, freqStart: UnsafeMutablePointer<UInt32>,
                       total: inout UInt32) {
        switch width {
        case 1: decodeGroups(source, count: count, width: 1, dictionary: dictionary, masks: masks, freqStart: freqStart, total: &total)
        case 2: decodeGroups(source, count: count, width: 2, dictionary: dictionary, masks: masks, freqStart: freqStart, total: &total)
        case 3: decodeGroups(source, count: count, width: 3, dictionary: dictionary, masks: masks, freqStart: freqStart, total: &total)
        case 4: decodeGroups(source, count: count, width: 4, dictionary: dictionary, masks: masks, freqStart: freqStart, total: &total)
        case 5: decodeGroups(source, count: count, width: 5, dictionary: dictionary, masks: masks, freqStart: freqStart, total: &total)
        case 6: decodeGroups(source, count: count, width: 6, dictionary: dictionary, masks: masks, freqStart: freqStart, total: &total)
        case 7: decodeGroups(source, count: count, width: 7, dictionary: dictionary, masks: masks, freqStart: freqStart, total: &total)
        default:
            precondition(width == 8, "mask index width \(width)")
            decodeGroups(source, count: count, width: 8, dictionary: dictionary, masks: masks, freqStart: freqStart, total: &total)
        }
    }

    @inline(__always)
    private static func decodeGroups(_ source: UnsafeRawPointer, count: Int, width: Int, dictionary: UnsafePointer<UInt32>,
                                     masks: UnsafeMutablePointer<UInt16>, freqStart: UnsafeMutablePointer<UInt32>,
                                     total: inout UInt32) {
        let mask: UInt64 = (1 << UInt64(width)) &- 1
        var sum = total
        var p = source
        var i = 0
        while i &+ 8 <= count {
            // Eight indices of at most 8 bits fit in one 64-bit word.
            let word = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
            for j in 0..<8 {
                let entry = dictionary[Int(truncatingIfNeeded: (word >> UInt64(j &* width)) & mask)]
                masks[i &+ j] = UInt16(truncatingIfNeeded: entry)
                freqStart[i &+ j] = sum
                sum &+= entry >> 16
            }
            p += width
            i &+= 8
        }
        var bit = 0
        while i < count {
            let word = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
            let entry = dictionary[Int(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)]
            masks[i] = UInt16(truncatingIfNeeded: entry)
            freqStart[i] = sum
            sum &+= entry >> 16
            bit &+= width
            i &+= 1
        }
        total = sum
    }
}
