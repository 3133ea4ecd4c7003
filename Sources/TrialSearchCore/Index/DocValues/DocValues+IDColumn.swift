/// The trial-id column of `DocValues` in four words, for loops that read many ids (the ranking of a
/// deep list's hits): `idBytes` with the column's place computed once, where `DocValues.idBytes`
/// looks it up in the columns' offsets (an array, its bounds checked) and the doc count at every id.
extension DocValues {
    /// The ids' offsets (`PackedOffsets`) in the mapping and the string table they point into; valid
    /// while the segment is open. When every id of the segment has one length (`length`: a replica of
    /// ClinicalTrials.gov, all `NCT` + 8 digits), an id is at `length · doc`: a multiply, where reading
    /// the packed offsets (two anchors, the stride, the deltas) took about 40 instructions an id in the
    /// ranking's loop.
    struct IDColumn {
        let strings: UnsafeRawPointer
        /// The length of every id, or 0 when they differ.
        let length: Int
        /// The ids' offsets: a format-10 `PackedOffsets` column, or older formats' `u32`s.
        let offsets: UnsafeRawPointer
        /// The number of offsets (docCount + 1), negative (−1 − count) for older formats' `u32`s.
        let count: Int

        /// The trial id's UTF-8 bytes of `doc`: the same bytes as `DocValues.idBytes`.
        @inline(__always)
        func idBytes(_ doc: DocID) -> UnsafeRawBufferPointer {
            if length != 0 { return UnsafeRawBufferPointer(start: strings + length * Int(doc), count: length) }
            return differingIDBytes(doc)
        }

        /// `idBytes` of a segment whose ids differ in length: the offsets' header read from the mapping
        /// (the column stays four words for the ranking's loops).
        @inline(never)
        func differingIDBytes(_ doc: DocID) -> UnsafeRawBufferPointer {
            let i = Int(doc)
            if count < 0 {
                let start = Int(UInt32(littleEndian: offsets.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                let end = Int(UInt32(littleEndian: offsets.loadUnaligned(fromByteOffset: 4 * i + 4, as: UInt32.self)))
                return UnsafeRawBufferPointer(start: strings + start, count: end - start)
            }
            let shift = Int(offsets.load(as: UInt8.self))
            let stride = Int(UInt32(littleEndian: offsets.loadUnaligned(fromByteOffset: 1, as: UInt32.self)))
            let deltas = PackedInts(start: 5 + 4 * PackedOffsets.anchorCount(count, shift: shift) + PackedInts.headerLength,
                                    width: Int(offsets.load(fromByteOffset: 5 + 4 * PackedOffsets.anchorCount(count, shift: shift),
                                                            as: UInt8.self)),
                                    none: 0, base: 0, signed32: false)
            let packed = PackedOffsets(anchors: 5, shift: shift, stride: stride, deltas: deltas)
            let start = packed.offset(offsets, i), end = packed.offset(offsets, i + 1)
            return UnsafeRawBufferPointer(start: strings + start, count: end - start)
        }
    }
}
