import Synchronization

/// Decoded state of the current block of a cursor, in manually managed memory (one owner, freed in
/// `deinit`), so that a `PostingsCursor` stays a small struct.
///
/// The seven arrays are cut from one block of storage, which a released buffer set gives back to a
/// process-wide pool (`StoragePool`, at most `StoragePool.capacity` blocks kept) for the next cursor:
/// a more-like-this query opens about 35 cursors a segment, and six `malloc`s and `free`s each cost
/// about 1,000 instructions a cursor; one `malloc` of the whole block per cursor saved them, but glibc
/// gave the freed blocks back to the top of the heap and trimmed it, and the next query faulted fresh
/// pages (BENCHMARKS.md, `rel11`). Every decoder writes within its array's capacity (`BitPacking`,
/// `MaskDictionary` write exactly `count` values), so no array reaches into the next.
final class PostingsBuffers {
    /// A block's doc ids, then `docsPadding` entries of `UInt32.max` past its last (`PostingsCursor.loadBlock`
    /// writes them), so that `PostingsCursor.scanBlock(to:)` stops at them without a bound test.
    let docs: UnsafeMutablePointer<UInt32>
    let masks: UnsafeMutablePointer<UInt16>
    /// Index in `freqs` of each doc's first (field) termFreq; entry `n` is the total.
    let freqStart: UnsafeMutablePointer<UInt32>
    /// Position values before each doc of the block (prefix sums of the docs' total termFreq).
    let positionsBefore: UnsafeMutablePointer<UInt32>
    let freqs: UnsafeMutablePointer<UInt32>
    /// The block's field-mask dictionary: its masks, and the number of fields (termFreqs) of each in
    /// `dictionaryFields` (`MaskDictionary`).
    let dictionaryMasks: UnsafeMutablePointer<UInt16>
    /// The field count of each mask of `dictionaryMasks` (`MaskDictionary.damagedFields` past the block's).
    let dictionaryFields: UnsafeMutablePointer<UInt32>
    /// The number of fields of every field mask (`PostingsCursor.fieldCounts`), held here so that a
    /// block's dictionary (`PostingsCursor.readFreqHeader`) reads it with one load, not the static's
    /// `swift_once` a block (BENCHMARKS.md, `notes15`).
    let fieldCounts: UnsafePointer<UInt8>
    /// `BitPacking.pairTables`, held here for the termFreqs' unpacking (`PostingsCursor.unpackFreqs`), as
    /// `fieldCounts` is.
    let pairTables: UnsafePointer<UInt64>
    /// The storage the arrays are cut from (`StoragePool.byteCount` bytes).
    private let storage: UnsafeMutableRawPointer

    /// Docs of a block.
    private static let n = IndexFormat.maxBlockDocs
    /// Entries of `docs` past a block's last doc (a scan's step of eight docs reads at most seven past it).
    static let docsPadding = 8
    /// Every index a block's dictionary-index width can express (≥ n), so that indices past a damaged
    /// block's dictionary read its `MaskDictionary.damagedFields` entries (`PostingsCursor.readFreqHeader`).
    private static let entries = 1 << BitPacking.bitsRequired(UInt32(n - 1))
    /// The masks' bytes, rounded up to keep the termFreqs after them 4-byte aligned.
    private static let maskBytes = (2 * n + 3) & ~3

    init() {
        let n = Self.n
        storage = StoragePool.take()
        fieldCounts = PostingsCursor.fieldCounts
        pairTables = BitPacking.pairTables
        var next = storage
        func take(_ count: Int) -> UnsafeMutablePointer<UInt32> {
            defer { next += 4 * count }
            return next.bindMemory(to: UInt32.self, capacity: count)
        }
        docs = take(n + Self.docsPadding)
        freqStart = take(n + 1)
        dictionaryFields = take(Self.entries)
        dictionaryMasks = next.bindMemory(to: UInt16.self, capacity: Self.entries)
        next += 2 * Self.entries
        masks = next.bindMemory(to: UInt16.self, capacity: n)
        next += Self.maskBytes
        freqs = take(n * IndexFormat.fieldCount)
        positionsBefore = take(n + 1)
    }

    deinit {
        StoragePool.give(storage)
    }

    /// Storage blocks of released buffer sets, kept for the next (a `Mutex` over their addresses: a
    /// pointer is not `Sendable`).
    enum StoragePool {
        /// Bytes of one block: the arrays of `PostingsBuffers`, in the order they are cut.
        static let byteCount = 4 * (n + docsPadding + (n + 1) + entries + n * IndexFormat.fieldCount + (n + 1)) + 2 * entries + maskBytes
        /// The most blocks kept idle (about 4 MB): more than the cursors of a patient note's search.
        static let capacity = 256
        private static let idle = Mutex<[UInt]>([])

        /// A block from the pool, or a new one.
        static func take() -> UnsafeMutableRawPointer {
            if let address = idle.withLock({ $0.popLast() }), let block = UnsafeMutableRawPointer(bitPattern: address) {
                return block
            }
            return .allocate(byteCount: byteCount, alignment: MemoryLayout<UInt32>.alignment)
        }

        /// Gives `block` back (freed when the pool is full).
        static func give(_ block: UnsafeMutableRawPointer) {
            let address = UInt(bitPattern: block)
            let kept = idle.withLock { pool -> Bool in
                guard pool.count < capacity else { return false }
                pool.append(address)
                return true
            }
            if !kept { block.deallocate() }
        }
    }
}
