/// The trial-id column of `DocValues` as pointers, for loops that read many ids (the ranking of a
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
        let file: UnsafeRawPointer
        let offsets: PackedOffsets

        /// The trial id's UTF-8 bytes of `doc`: the same bytes as `DocValues.idBytes`.
        @inline(__always)
        func idBytes(_ doc: DocID) -> UnsafeRawBufferPointer {
            if length != 0 { return UnsafeRawBufferPointer(start: strings + length * Int(doc), count: length) }
            return packedIDBytes(doc)
        }

        /// `idBytes` of a segment whose ids differ in length.
        @inline(never)
        func packedIDBytes(_ doc: DocID) -> UnsafeRawBufferPointer {
            let start = offsets.offset(file, Int(doc)), end = offsets.offset(file, Int(doc) + 1)
            return UnsafeRawBufferPointer(start: strings + start, count: end - start)
        }
    }
}
