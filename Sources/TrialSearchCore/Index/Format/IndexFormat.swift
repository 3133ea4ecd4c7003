/// Every constant of the on-disk format, in one place.
///
/// Changing any of these (or the layout a writer documents) changes the format: bump `version` so that
/// an older trialsearch refuses the files instead of misreading them.
public enum IndexFormat {
    /// The format version written into every file header. 2: postings format 2 (skip entries carry a
    /// block's doc count; merged blocks of up to 255 docs). 3: the manifest records each file's length
    /// and CRC-32.
    public static let version: UInt32 = 3

    /// First 4 bytes of every index file: "TSIX" little-endian.
    static let headerMagic: UInt32 = 0x5849_5354
    /// First 4 bytes of every footer: the header magic inverted, so a header is never taken for a footer.
    static let footerMagic: UInt32 = ~headerMagic
    /// Bytes of a footer: magic u32, CRC-32 u32, file length u64.
    static let footerLength = 16

    /// Documents per postings block (delta-coded, bit-packed, with one skip entry and one impacts
    /// summary each).
    public static let blockSize = 128
    /// Most docs a postings block may hold: a merge copies blocks whole and joins the last block of one
    /// source with the first of the next, up to this many (the count fits the skip entry's byte).
    public static let maxBlockDocs = 255
    /// Terms per term-dictionary block (prefix-compressed; the first term of each is indexed).
    static let termBlockSize = 32
    /// Uncompressed bytes of stored records gathered before a stored block is compressed.
    static let storedBlockSize = 48 * 1024
    /// libdeflate compression level of stored blocks (1…12). Measured on the 10,614-trial corpus (68 MB
    /// of records in 48 KB blocks): level 1 compresses 3.14:1 at about 180 MB/s, level 6 3.31:1 at
    /// about 60 MB/s; indexing speed wins.
    static let storedCompressionLevel: Int32 = 1
    /// Number of fields (`Field.allCases.count`): the width of a norms row and of field masks.
    public static let fieldCount = 12

    /// The file that names the committed segments.
    public static let manifestName = "trialsearch.manifest"
    /// Prefix of the manifest's temporary files (`trialsearch.manifest.tmp-<pid>`).
    static let manifestTempPrefix = "trialsearch.manifest.tmp-"
    /// The writer lock file (`flock`), never deleted.
    public static let lockName = "write.lock"
}
