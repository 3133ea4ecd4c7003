/// The field masks of a postings block's docs, as stored: a dictionary of the block's distinct masks and,
/// per doc, its index into it (`PostingsWriter`'s `maskCount Masks MaskIndices`).
///
/// Decoded, each dictionary entry is `mask | fieldCount << 16`: one look-up gives a doc's mask and the
/// number of its termFreqs (where the next doc's start). Entries past the block's dictionary (only a
/// damaged block's indices reach them) are `damaged`, which `decode` reports in its flags, so that
/// validating the indices costs one OR a doc instead of a comparison.
enum MaskDictionary {
    /// The entry of an index past the dictionary.
    static let damaged: UInt32 = 1 << 31

    /// The entry of `mask`, holding `fields` fields.
    @inline(__always)
    static func entry(mask: UInt16, fields: Int) -> UInt32 { UInt32(mask) | UInt32(fields) << 16 }

    /// Unpacks `count` mask indices of `width` bits (1…8: a block has at most 255 masks) from `source`
    /// and writes each doc's mask and first termFreq index (`total`, then advanced by the doc's field
    /// count); returns the OR of the entries read (`damaged` set when an index is past the dictionary).
    /// The loop is copied per width with constant shifts, eight indices from one 64-bit load, as in
    /// `BitPacking.unpack` (and reads as far: at most 7 bytes past the packed indices).
    /// Callgrind, 75 TREC 2021 topics on the replica: see BENCHMARKS.md.
    /// - Complexity: O(count).
    @inline(never)
    static func decode(_ source: UnsafeRawPointer, count: Int, width: Int, dictionary: UnsafePointer<UInt32>,
                       masks: UnsafeMutablePointer<UInt16>, freqStart: UnsafeMutablePointer<UInt32>,
                       total: inout UInt32) -> UInt32 {
        var flags: UInt32 = 0
        switch width {
        case 1: decode(source, count: count, width: 1, dictionary: dictionary, masks: masks, freqStart: freqStart, total: &total, flags: &flags)
        case 2: decode(source, count: count, width: 2, dictionary: dictionary, masks: masks, freqStart: freqStart, total: &total, flags: &flags)
        case 3: decode(source, count: count, width: 3, dictionary: dictionary, masks: masks, freqStart: freqStart, total: &total, flags: &flags)
        case 4: decode(source, count: count, width: 4, dictionary: dictionary, masks: masks, freqStart: freqStart, total: &total, flags: &flags)
        case 5: decode(source, count: count, width: 5, dictionary: dictionary, masks: masks, freqStart: freqStart, total: &total, flags: &flags)
        case 6: decode(source, count: count, width: 6, dictionary: dictionary, masks: masks, freqStart: freqStart, total: &total, flags: &flags)
        case 7: decode(source, count: count, width: 7, dictionary: dictionary, masks: masks, freqStart: freqStart, total: &total, flags: &flags)
        default:
            precondition(width == 8, "mask index width \(width)")
            decode(source, count: count, width: 8, dictionary: dictionary, masks: masks, freqStart: freqStart, total: &total, flags: &flags)
        }
        return flags
    }

    @inline(__always)
    private static func decode(_ source: UnsafeRawPointer, count: Int, width: Int, dictionary: UnsafePointer<UInt32>,
                               masks: UnsafeMutablePointer<UInt16>, freqStart: UnsafeMutablePointer<UInt32>,
                               total: inout UInt32, flags: inout UInt32) {
        let mask: UInt64 = (1 << UInt64(width)) &- 1
        var sum = total, seen = flags
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
                seen |= entry
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
            seen |= entry
            bit &+= width
            i &+= 1
        }
        total = sum
        flags = seen
    }
}
