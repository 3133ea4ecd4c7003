/// The field masks of a postings block's docs, as stored: a dictionary of the block's distinct masks and,
/// per doc, its index into it (`PostingsWriter`'s `maskCount Masks MaskIndices`).
///
/// Decoded, the dictionary is two tables by index: the masks, and their field counts (the number of a
/// doc's termFreqs: where the next doc's start), which `decode` adds to its total straight from the
/// table (one entry of both, `mask | count << 16`, took a shift a doc more; `decode` 155.3 → 139.2 M,
/// 75 TREC 2021 topics on the replica 1,627.2 → 1,611.5 M, BENCHMARKS.md `notes14`). Entries past the block's dictionary (only a damaged block's indices reach
/// them) have mask 0 and `damagedFields` fields, a count that shows in the total `decode` advances
/// (`isDamaged`), so that validating the indices costs nothing a doc.
enum MaskDictionary {
    /// The field count of an entry past the dictionary: more than all the fields of a block's docs
    /// (`IndexFormat.maxBlockDocs` · `IndexFormat.fieldCount`); a block's sum of them stays far below 2³².
    static let damagedFields = 1 << 14

    /// Whether `docs` decoded docs whose field counts sum to `fields` read an entry past the dictionary:
    /// sound docs hold at most `IndexFormat.fieldCount` fields each, such an entry counts `damagedFields`.
    @inline(__always)
    static func isDamaged(fields: UInt32, docs: Int) -> Bool { Int(fields) > docs &* IndexFormat.fieldCount }

    /// Unpacks the mask indices of `width` bits (1…8: a block has at most 255 masks) packed at `source`:
    /// adds the field counts (from `fields`) of the first `summing` · 8 docs to `total`, without writing
    /// anything for them (docs a cursor has moved past), then writes each of the next `count` docs' mask
    /// and first termFreq index (`total`, then advanced by the doc's field count); an index past the
    /// dictionary shows in `total`'s advance (`isDamaged`).
    /// The loops are copied per width (`PackedWidth`: with the summing loop, the copies by a constant width
    /// argument left one width to an outlined copy of variable width; BENCHMARKS.md, `kw24`) with
    /// constant shifts, eight indices from one 64-bit load, as in `BitPacking.unpack` (and read as far: at
    /// most 7 bytes past the packed indices). Without an OR of the entries read
    /// (the flag the damaged entry set before): callgrind, 75 TREC 2021 topics on the replica: see
    /// BENCHMARKS.md (`notes13`).
    /// - Complexity: O(groups + count).
    @inline(never)
    static func decode(_ source: UnsafeRawPointer, summing groups: Int, count: Int, width: Int, dictionary: UnsafePointer<UInt16>,
                       fields: UnsafePointer<UInt32>, masks: UnsafeMutablePointer<UInt16>, freqStart: UnsafeMutablePointer<UInt32>,
                       total: inout UInt32) {
        switch width {
        case 1: decodeGroups(Width1.self, source, summing: groups, count: count, dictionary: dictionary, fields: fields, masks: masks, freqStart: freqStart, total: &total)
        case 2: decodeGroups(Width2.self, source, summing: groups, count: count, dictionary: dictionary, fields: fields, masks: masks, freqStart: freqStart, total: &total)
        case 3: decodeGroups(Width3.self, source, summing: groups, count: count, dictionary: dictionary, fields: fields, masks: masks, freqStart: freqStart, total: &total)
        case 4: decodeGroups(Width4.self, source, summing: groups, count: count, dictionary: dictionary, fields: fields, masks: masks, freqStart: freqStart, total: &total)
        case 5: decodeGroups(Width5.self, source, summing: groups, count: count, dictionary: dictionary, fields: fields, masks: masks, freqStart: freqStart, total: &total)
        case 6: decodeGroups(Width6.self, source, summing: groups, count: count, dictionary: dictionary, fields: fields, masks: masks, freqStart: freqStart, total: &total)
        case 7: decodeGroups(Width7.self, source, summing: groups, count: count, dictionary: dictionary, fields: fields, masks: masks, freqStart: freqStart, total: &total)
        default:
            precondition(width == 8, "mask index width \(width)")
            decodeGroups(Width8.self, source, summing: groups, count: count, dictionary: dictionary, fields: fields, masks: masks, freqStart: freqStart, total: &total)
        }
    }

    @inline(__always)
    private static func decodeGroups<W: PackedWidth>(_: W.Type, _ source: UnsafeRawPointer, summing groups: Int, count: Int,
                                                     dictionary: UnsafePointer<UInt16>, fields: UnsafePointer<UInt32>,
                                                     masks: UnsafeMutablePointer<UInt16>, freqStart: UnsafeMutablePointer<UInt32>,
                                                     total: inout UInt32) {
        let width = W.bits
        let mask: UInt64 = (1 << UInt64(width)) &- 1
        var p = source
        var sum = sumGroups(W.self, &p, groups: groups, fields: fields, total: total)
        var i = 0
        while i &+ 8 <= count {
            // Eight indices of at most 8 bits fit in one 64-bit word.
            let word = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
            for j in 0..<8 {
                let index = Int(truncatingIfNeeded: (word >> UInt64(j &* width)) & mask)
                masks[i &+ j] = dictionary[index]
                freqStart[i &+ j] = sum
                sum &+= fields[index]
            }
            p += width
            i &+= 8
        }
        var bit = 0
        while i < count {
            let word = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
            let index = Int(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask)
            masks[i] = dictionary[index]
            freqStart[i] = sum
            sum &+= fields[index]
            bit &+= width
            i &+= 1
        }
        total = sum
    }

    /// The field counts (from `fields`) of the `groups` · 8 docs whose mask indices of `width` bits
    /// (1…8) are packed at `source`, added to `total`: `decode` without writing any doc's mask or first
    /// termFreq index, for the docs before a lone probe's (`PostingsCursor.decodeLoneDoc`). One copy per
    /// width, eight indices from one 64-bit load (reads at most 7 bytes past the packed indices); an
    /// index past the dictionary shows in the sum (`isDamaged`).
    /// - Complexity: O(groups).
    @inline(never)
    static func sumFields(_ source: UnsafeRawPointer, groups: Int, width: Int, fields: UnsafePointer<UInt32>,
                          total: UInt32) -> UInt32 {
        var p = source
        switch width {
        case 1: return sumGroups(Width1.self, &p, groups: groups, fields: fields, total: total)
        case 2: return sumGroups(Width2.self, &p, groups: groups, fields: fields, total: total)
        case 3: return sumGroups(Width3.self, &p, groups: groups, fields: fields, total: total)
        case 4: return sumGroups(Width4.self, &p, groups: groups, fields: fields, total: total)
        case 5: return sumGroups(Width5.self, &p, groups: groups, fields: fields, total: total)
        case 6: return sumGroups(Width6.self, &p, groups: groups, fields: fields, total: total)
        case 7: return sumGroups(Width7.self, &p, groups: groups, fields: fields, total: total)
        default:
            precondition(width == 8, "mask index width \(width)")
            return sumGroups(Width8.self, &p, groups: groups, fields: fields, total: total)
        }
    }

    /// `sumFields`' loop for one width, also `decode`'s for the docs it passes: `p` is left after the
    /// `groups` groups.
    @inline(__always)
    private static func sumGroups<W: PackedWidth>(_: W.Type, _ p: inout UnsafeRawPointer, groups: Int,
                                                  fields: UnsafePointer<UInt32>, total: UInt32) -> UInt32 {
        let width = W.bits
        let mask: UInt64 = (1 << UInt64(width)) &- 1
        var sum = total
        var g = 0
        while g < groups {
            let word = UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
            for j in 0..<8 {
                sum &+= fields[Int(truncatingIfNeeded: (word >> UInt64(j &* width)) & mask)]
            }
            p += width
            g &+= 1
        }
        return sum
    }

    /// Reads a block's dictionary: `count` masks packed at `width` bits (1…`IndexFormat.fieldCount`)
    /// from `source`, each shifted up by `shift` bits and kept to the index's fields, into `masks`, and
    /// their field counts (`fieldCounts`, by mask) into `fields`. One copy of the loop per width
    /// (`PackedWidth`), eight masks a group at constant offsets and shifts: with the width a variable,
    /// each mask took two variable shifts and the moves of their counts into `cl` (17 instructions a
    /// mask; `readFreqHeader` 74 M instructions inclusive of the 75 TREC 2021 topics at top 10 on the
    /// replica; BENCHMARKS.md, `notes15`). Reads at most 8 bytes past the packed masks.
    /// - Complexity: O(count).
    @inline(never)
    static func readMasks(_ source: UnsafeRawPointer, count: Int, width: Int, shift: Int, fieldCounts: UnsafePointer<UInt8>,
                          masks: UnsafeMutablePointer<UInt16>, fields: UnsafeMutablePointer<UInt32>) {
        switch width {
        case 1: readMasks(Width1.self, source, count: count, shift: shift, fieldCounts: fieldCounts, masks: masks, fields: fields)
        case 2: readMasks(Width2.self, source, count: count, shift: shift, fieldCounts: fieldCounts, masks: masks, fields: fields)
        case 3: readMasks(Width3.self, source, count: count, shift: shift, fieldCounts: fieldCounts, masks: masks, fields: fields)
        case 4: readMasks(Width4.self, source, count: count, shift: shift, fieldCounts: fieldCounts, masks: masks, fields: fields)
        case 5: readMasks(Width5.self, source, count: count, shift: shift, fieldCounts: fieldCounts, masks: masks, fields: fields)
        case 6: readMasks(Width6.self, source, count: count, shift: shift, fieldCounts: fieldCounts, masks: masks, fields: fields)
        case 7: readMasks(Width7.self, source, count: count, shift: shift, fieldCounts: fieldCounts, masks: masks, fields: fields)
        case 8: readMasks(Width8.self, source, count: count, shift: shift, fieldCounts: fieldCounts, masks: masks, fields: fields)
        case 9: readMasks(Width9.self, source, count: count, shift: shift, fieldCounts: fieldCounts, masks: masks, fields: fields)
        case 10: readMasks(Width10.self, source, count: count, shift: shift, fieldCounts: fieldCounts, masks: masks, fields: fields)
        case 11: readMasks(Width11.self, source, count: count, shift: shift, fieldCounts: fieldCounts, masks: masks, fields: fields)
        default:
            precondition(width == 12 && IndexFormat.fieldCount == 12, "mask width \(width)")
            readMasks(Width12.self, source, count: count, shift: shift, fieldCounts: fieldCounts, masks: masks, fields: fields)
        }
    }

    @inline(__always)
    private static func readMasks<W: PackedWidth>(_: W.Type, _ source: UnsafeRawPointer, count: Int, shift: Int,
                                                  fieldCounts: UnsafePointer<UInt8>, masks: UnsafeMutablePointer<UInt16>,
                                                  fields: UnsafeMutablePointer<UInt32>) {
        let width = W.bits
        let packed: UInt64 = (1 << UInt64(width)) &- 1
        let validFields: UInt64 = (1 << UInt64(IndexFormat.fieldCount)) &- 1
        // The shift up as a multiplication by 2^shift: a variable shift needs its count in `cl`, which
        // the field-count load also used, and took a move per mask.
        let up = UInt64(1) &<< UInt64(shift & 15)
        var p = source
        var k = 0
        while k &+ 8 <= count {
            for j in 0..<8 {
                let bit = j &* width
                let word = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
                let mask = ((word >> UInt64(bit & 7)) & packed) &* up & validFields
                masks[k &+ j] = UInt16(truncatingIfNeeded: mask)
                fields[k &+ j] = UInt32(fieldCounts[Int(truncatingIfNeeded: mask)])
            }
            p += width
            k &+= 8
        }
        var bit = 0
        while k < count {
            let word = UInt64(littleEndian: p.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self))
            let mask = ((word >> UInt64(bit & 7)) & packed) &* up & validFields
            masks[k] = UInt16(truncatingIfNeeded: mask)
            fields[k] = UInt32(fieldCounts[Int(truncatingIfNeeded: mask)])
            bit &+= width
            k &+= 1
        }
    }
}
