#if canImport(Glibc)
import Glibc
#endif

/// Writes a segment's term dictionary: every term in byte order with its `TermInfo`.
///
/// Format (`.tdx`, inside the common header/footer frame of `IndexOutput`):
/// ```
/// Body    := Block^blockCount Index Trailer
/// Block   := entryCount:vint postingsBase:vint positionsBase:vint Entry^entryCount
/// Entry   := prefixLength:vint suffixLength:vint suffix:bytes
///            docFreq:vint (totalTermFreq − docFreq):vint fieldMask:vint
///            fieldDocFreq:vint^k          (k = popcount(fieldMask) when it is > 1, else 0)
///            postingsLength:vint positionsLength:vint
/// Index   := blockOffset:u64^blockCount   (file offset of each block)
/// Trailer := termCount:u64 blockCount:u32 indexOffset:u64
/// ```
/// Blocks hold 32 terms (the last fewer). A term shares `prefixLength` bytes with the previous term of
/// its block; the first term of a block is whole (prefix 0), so a reader binary-searches the blocks by
/// their first term straight from the mapped file (no index to load) and scans one block. A term's
/// postings start at `postingsBase` plus the `postingsLength` of the terms before it in the block
/// (likewise positions). A single-field term stores no per-field docFreq (it equals docFreq).
///
/// Worked example: a block at offset 21 holding `ovari` (3 docs, 4 occurrences, all in `title`,
/// postings 0…11, positions 0…3) then `ovary` (1 doc in `condition`):
/// `02 00 00 | 00 05 6F 76 61 72 69 03 01 02 0C 04 | 04 01 79 01 00 04 05 02` — the second entry shares
/// 4 bytes and adds `79` ("y"); its postings start at 0 + 12.
struct TermDictionaryWriter {
    private let output: IndexOutput
    private var block: [UInt8] = []
    private var blockEntries = 0
    private var blockOffsets: [UInt64] = []
    private var termCount = 0
    private var hasPrevious = false
    private var expectedPostings = 0
    private var expectedPositions = 0
    /// The block's entries and the last term, in manually managed memory (array appends of each entry's
    /// vints and bytes cost more than the flush's postings of most terms).
    private let scratch = Scratch()

    /// The block's encoded entries and the last term added, behind pointers (a class's stored `var`s
    /// cost a dynamic exclusivity check per mutating call); one owner (the writer), freed in `deinit`.
    private final class Scratch {
        let entries = UnsafeMutablePointer<ByteBuffer>.allocate(capacity: 1)
        let lastTerm = UnsafeMutablePointer<ByteBuffer>.allocate(capacity: 1)

        init() {
            entries.initialize(to: ByteBuffer(capacity: 1 << 13))
            lastTerm.initialize(to: ByteBuffer(capacity: 1 << 9))
        }

        deinit {
            entries.deinitialize(count: 1)
            entries.deallocate()
            lastTerm.deinitialize(count: 1)
            lastTerm.deallocate()
        }
    }

    init(output: IndexOutput) {
        self.output = output
        block.reserveCapacity(4096)
    }

    /// Most bytes an entry takes besides its suffix: two vints of the prefix and suffix lengths, then
    /// docFreq, totalTermFreq − docFreq, the field mask, a docFreq per field and the two lengths.
    private static let maxEntryBytes = 10 * (7 + IndexFormat.fieldCount)

    /// Adds `term` (greater than the previous one) with `info`. The postings and positions of
    /// successive terms must be contiguous in their files.
    mutating func add(_ term: UnsafeRawBufferPointer, _ info: TermInfo) throws {
        precondition(info.docFreq > 0, "term without docs")
        let entries = scratch.entries, lastTerm = scratch.lastTerm
        let last = lastTerm.pointee.bytes
        if hasPrevious { precondition(compareBytes(last, term) < 0, "terms out of order") }
        if blockEntries == IndexFormat.termBlockSize { try flushBlock() }
        var prefix = 0
        if blockEntries == 0 {
            expectedPostings = info.postingsOffset
            expectedPositions = info.positionsOffset
        } else if let a = last.baseAddress, let b = term.baseAddress {
            let limit = min(last.count, term.count)
            while prefix < limit && a.load(fromByteOffset: prefix, as: UInt8.self) == b.load(fromByteOffset: prefix, as: UInt8.self) {
                prefix &+= 1
            }
        }
        precondition(info.postingsOffset == expectedPostings && info.positionsOffset == expectedPositions,
                     "postings not contiguous: \(info.postingsOffset) vs \(expectedPostings)")
        let suffix = UnsafeRawBufferPointer(rebasing: term[prefix...])
        // The conversions to `UInt64` trap on a negative value (as `appendVInt` did).
        entries.pointee.reserve(Self.maxEntryBytes + suffix.count)
        entries.pointee.vint(UInt64(prefix))
        entries.pointee.vint(UInt64(suffix.count))
        entries.pointee.append(suffix)
        entries.pointee.vint(UInt64(info.docFreq))
        entries.pointee.vint(UInt64(info.totalTermFreq - info.docFreq))
        entries.pointee.vint(UInt64(info.fieldMask))
        if info.fieldMask.nonzeroBitCount > 1 {
            forEachField(in: info.fieldMask) { entries.pointee.vint(UInt64(info.fieldDocFreqs[$0])) }
        }
        entries.pointee.vint(UInt64(info.postingsLength))
        entries.pointee.vint(UInt64(info.positionsLength))
        if blockEntries == 0 {
            block.removeAll(keepingCapacity: true)
            block.appendVInt(info.postingsOffset)
            block.appendVInt(info.positionsOffset)
        }
        expectedPostings += info.postingsLength
        expectedPositions += info.positionsLength
        blockEntries += 1
        termCount += 1
        lastTerm.pointee.removeAll()
        lastTerm.pointee.append(term)
        hasPrevious = true
    }

    /// Writes the pending block, the index and the trailer (the caller finishes the output).
    mutating func finish() throws {
        if blockEntries > 0 { try flushBlock() }
        let indexOffset = output.position
        var index: [UInt8] = []
        index.reserveCapacity(blockOffsets.count * 8 + 20)
        for offset in blockOffsets { index.appendU64(offset) }
        index.appendU64(UInt64(termCount))
        index.appendU32(UInt32(blockOffsets.count))
        index.appendU64(UInt64(indexOffset))
        try output.write(index)
    }

    private mutating func flushBlock() throws {
        blockOffsets.append(UInt64(output.position))
        var head: [UInt8] = []
        head.appendVInt(blockEntries)
        head.append(contentsOf: block)
        try output.write(head)
        try output.write(scratch.entries.pointee.bytes)
        scratch.entries.pointee.removeAll()
        blockEntries = 0
    }
}

/// Lexicographic comparison of byte strings (negative, zero, positive), the order of the dictionary.
@inline(__always)
func compareBytes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
    let n = min(a.count, b.count)
    if n > 0, let pa = a.baseAddress, let pb = b.baseAddress {
        let c = Int(memcmp(pa, pb, n))
        if c != 0 { return c }
    }
    return a.count - b.count
}
