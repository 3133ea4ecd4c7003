/// The trial-id column of `DocValues` as two pointers, for loops that read many ids (the ranking of a
/// deep list's hits): `idBytes` with the column's place computed once, where `DocValues.idBytes`
/// looks it up in the columns' offsets (an array, its bounds checked) and the doc count at every id.
extension DocValues {
    /// The ids' offsets (docCount + 1 little-endian `UInt32`s) and the string table they point into;
    /// valid while the segment is open.
    struct IDColumn {
        let offsets: UnsafeRawPointer
        let strings: UnsafeRawPointer

        /// The trial id's UTF-8 bytes of `doc`: the same bytes as `DocValues.idBytes`.
        @inline(__always)
        func idBytes(_ doc: DocID) -> UnsafeRawBufferPointer {
            let at = offsets + 4 * Int(doc)
            let start = Int(UInt32(littleEndian: at.loadUnaligned(as: UInt32.self)))
            let end = Int(UInt32(littleEndian: at.loadUnaligned(fromByteOffset: 4, as: UInt32.self)))
            return UnsafeRawBufferPointer(start: strings + start, count: end - start)
        }
    }
}
