/// Every constant of the on-disk format, in one place.
///
/// Changing any of these (or the layout a writer documents) changes the format: bump `version` so that
/// an older trialsearch refuses the files instead of misreading them.
public enum IndexFormat {
    /// The format version written into every file header. 2: postings format 2 (skip entries carry a
    /// block's doc count; merged blocks of up to 255 docs). 3: the manifest records each file's length
    /// and CRC-32. 4: stored records cut into parts, gathered per part in blocks of 128 KB at
    /// libdeflate level 6, inclusion and exclusion criteria as excerpts of the criteria text. 5:
    /// positions exp-Golomb coded per postings block (`PositionsBlock`) instead of vints; a block's
    /// field-mask dictionary shifted to its lowest field and as wide as its fields span (not 16 bits).
    /// 6: the postings file starts with the BM25F parameters of its term maxima, and a term of several
    /// blocks stores after its impacts the exact maximum of BM25F's pseudo-frequency over its docs
    /// (`TermMaxima`, `PostingsWriter`); the other files are as in 5. 7: the postings file also states
    /// the keyword queries' BM25F parameters, and a term of several blocks stores its maximum x under
    /// them and each block's, a byte quantized upward (`BlockMaxima`); the other files are as in 5.
    /// 8: stored blocks state their parts' lengths part-major and not those of the texts, criteria and
    /// source parts, and code excerpt lengths against their line's end (`StoredBlockCoding`), at
    /// libdeflate level 5; the other files are as in 7. 9: a stored block holds the parts a related-trials
    /// source reads first and states their uncompressed length, so that its fetch inflates only those
    /// (`StoredBlockCoding.blockOrder`); the other files are as in 8. 10: a stored block holds the criteria
    /// last among those parts and states where each doc's criteria end, so that a source's fetch inflates
    /// only up to its own (`StoredBlockCoding.criteriaEndUnit`), at libdeflate level 4; doc values packed
    /// (`DocValuesWriter`: narrow codes and offsets, ages as codes into a table of their distinct
    /// values); the other files are as in 9. 11: stored blocks compressed with zstd (one frame a block,
    /// its leading bytes ending a zstd block: `StoredWriter`) at level 3 (`storedCompressionLevel`) instead
    /// of raw DEFLATE; the other files are as in 10. 12: a term of more than `championMinimumDocs` docs
    /// stores after its postings blocks its champion list (`ChampionList`: its `championCount` best docs
    /// by the keyword x of `BlockMaxima`, each as its posting), inside the term's postings extent; the
    /// other files are as in 11.
    public static let version: UInt32 = 12
    /// The oldest version this trialsearch still reads: 5, whose postings have no term maxima (their
    /// scorers bound terms by their impacts alone; format 6's by their term maxima too, without block
    /// maxima). Writers always write `version`.
    public static let oldestReadableVersion: UInt32 = 5

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
    /// The first version whose postings hold champion lists (`ChampionList`); older segments have none
    /// (a keyword query's `ChampionSeed` is then −∞ there).
    static let championListVersion: UInt32 = 12
    /// A term holds a champion list when it has more docs than this (a segment's docFreq, deleted docs
    /// included): a shorter term's postings are one block that `ChampionSeed` walks instead.
    static let championMinimumDocs = 64
    /// Docs of a champion list.
    static let championCount = 10
    /// Terms per term-dictionary block (prefix-compressed; the first term of each is indexed).
    static let termBlockSize = 32
    /// Uncompressed bytes of stored records gathered before a stored block is compressed. Fetching a
    /// record inflates its block (at 256 KB about 2 M instructions, half that at 128 KB), and every
    /// displayed hit, `show` and the source of a related-trials query fetch one. Measured on the 61 MB
    /// of records of the 10,614-trial corpus, parts together, level 6: 48 KB blocks compress 3.12:1,
    /// 128 KB 3.32:1, 256 KB 3.44:1 (format 3's 69 MB of row-ordered records in 48 KB blocks at level
    /// 1: 3.21:1). 128 KB: 8 MB more on the replica than 256 KB, for fetches that cost half as much
    /// (related trials over 200 sources: +8 % instructions over format 3 instead of +20 %). Format 9:
    /// 144 KB, whose bytes pay for the related-trials parts first (`StoredBlockCoding.blockOrder`: +0.58 %
    /// stored bytes at 128 KB on the 16x replica, −0.07 % at 144 KB against format 8's 128 KB; a
    /// related-trials source then inflates about 60 KB); a whole record's fetch inflates 12 % more.
    /// Format 10: 148 KB, paying for the criteria last among the leading parts (+0.13 % stored bytes on
    /// the replica at 144 KB) and the criteria ends in the blocks' headers (165 KB on the replica); a
    /// whole record's fetch inflates 3 % more.
    static let storedBlockSize = 148 * 1024
    /// zstd compression level of stored blocks (format 11 on). Compression runs once, when a segment is
    /// flushed (merges copy whole blocks), and was the build's largest cost: at libdeflate level 4 (format
    /// 10) 32.8 % of the CPU cycles of the 16x replica's build from JSON Lines (perf). On every 10th block
    /// of the replica's `.sto` (98.7 MB, one thread, each block alone): libdeflate 4 286.6 MB projected at
    /// 150 MB/s, inflating at 1,096 MB/s; zstd 3 288.7 MB (+0.7 %) at 308 MB/s, decoding at 1,649 MB/s;
    /// zstd 1 299.9 MB at 394 MB/s, 2 289.3 MB at 327 MB/s, 4 274.0 MB at 183 MB/s (zstd 4 is its
    /// lazy matcher). Level 3: half the compressor's time for 2 MB, within the index's margin under
    /// Tantivy's. Formats 8-10: libdeflate level 5, then 4 (see BENCHMARKS.md); 4-7: level 6.
    static let storedCompressionLevel: Int32 = 3
    /// zstd's shortest match in stored blocks (format 11 on; level 3's own is 5): fewer, longer sequences
    /// decode in fewer instructions. On the 16x replica, against minMatch 5: the related-trials sources'
    /// leading fetches (200 sources) 174.2 -> 134.0 M instructions, h3000.jsonl's build 2,314.2 -> 2,280.1 M,
    /// the `.sto` +0.5 MB (288.36 -> 288.87 MB); minMatch 7: +7 MB projected from every 20th block.
    static let storedMinMatch: Int32 = 6
    /// log2 of the entries of zstd's two match-finder tables for stored blocks (format 11 on; `ZSTD_c_hashLog`,
    /// `ZSTD_c_chainLog`: level 3's `dfast` long and short hash tables, 2^16 each for a 148 KB block). A
    /// compressor choice, not a format one: the frames decode the same. Four times as many entries find more
    /// of the block's matches for the same instructions: on every 10th block of the 16x replica's `.sto`,
    /// 289.48 -> 288.78 MB projected (17: 289.00, 19: 288.74 MB slower); on the 10,614 trials' 396 blocks
    /// 19.18 -> 19.13 MB, compression 1,938.6 -> 1,931.0 M instructions, decoding the same (BENCHMARKS.md,
    /// `sto40`). The tables take 2 MB a compressor (`ZSTD_CCtx`, one a stored writer).
    static let storedHashLog: Int32 = 18
    /// The first version whose stored blocks are coded by `StoredBlockCoding` (older ones are read, and
    /// a merge re-codes their records rather than copying their blocks).
    static let storedBlockCodingVersion: UInt32 = 8
    /// The first version whose stored blocks hold the parts a related-trials source reads first and
    /// state their length (`StoredBlockCoding.blockOrder`): a merge re-codes older blocks' records rather
    /// than copying the blocks.
    static let storedLeadingPartsVersion: UInt32 = 9
    /// The first version whose stored blocks hold the criteria last among the leading parts and state
    /// where each doc's criteria end (`StoredBlockCoding.criteriaEndUnit`): a merge re-codes older blocks'
    /// records rather than copying the blocks. Measured on the 16x replica: see `criteriaEndUnit`.
    static let storedCriteriaEndsVersion: UInt32 = 10
    /// The first version whose stored blocks are zstd frames (`StoredWriter`); older ones are raw DEFLATE,
    /// read as they are, and a merge re-codes their records rather than copying the blocks.
    static let storedZstdVersion: UInt32 = 11
    /// The first version whose doc values are packed (`DocValuesWriter`, `PackedInts`, `PackedOffsets`);
    /// older ones are read as they are, and a merge writes them packed.
    static let packedDocValuesVersion: UInt32 = 10
    /// Number of fields (`Field.allCases.count`): the width of a norms row and of field masks.
    public static let fieldCount = 12

    /// The file that names the committed segments.
    public static let manifestName = "trialsearch.manifest"
    /// Prefix of the manifest's temporary files (`trialsearch.manifest.tmp-<pid>`).
    static let manifestTempPrefix = "trialsearch.manifest.tmp-"
    /// The writer lock file (`flock`), never deleted.
    public static let lockName = "write.lock"
}
