import CIntrinsics

/// The tokens of one field waiting to go into the `TermTable`, up to `capacity` at a time, so that the
/// table's slots for a batch are fetched from memory together instead of one cache miss after another.
///
/// `append` copies a token's term, hashes it (unless the analyzer already has: `Token.termHash`) and
/// prefetches its home slot in the table; `TermTable.add`
/// (batch) then finds the slots, by then in cache (most terms of a large in-memory segment are rare,
/// and a table of hundreds of MB misses the CPU's caches at nearly every new term). The buffers are
/// borrowed from the caller (`Buffers`, which an `InMemorySegment` keeps for all its docs).
struct TokenBatch {
    /// One pending token: its hash and first 8 bytes (`TermHash`), its position, and where its term's
    /// bytes are in `bytes` when it has more than 8 (a shorter term is `prefix`'s low `length` bytes).
    struct Entry {
        var prefix: UInt64
        var hash: UInt32
        var position: Int32
        var start: Int32
        var length: Int32
    }

    /// Tokens per batch: enough misses in flight to hide the memory latency.
    static let capacity = 32
    /// Bytes of `bytes`: `capacity` terms of `TermTable.maxTermLength` bytes (and 8 bytes to spare).
    static let byteCapacity = capacity * (TermTable.maxTermLength + 1) + 8

    /// Memory for a batch: `byteCapacity` bytes and `capacity` entries, freed by `deallocate()`.
    struct Buffers {
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: TokenBatch.byteCapacity)
        let entries = UnsafeMutablePointer<Entry>.allocate(capacity: TokenBatch.capacity)

        func deallocate() {
            bytes.deallocate()
            entries.deallocate()
        }
    }

    let bytes: UnsafeMutablePointer<UInt8>
    let entries: UnsafeMutablePointer<Entry>
    private(set) var count = 0
    private var used = 0

    /// A batch over buffers of `byteCapacity` bytes and `capacity` entries.
    init(bytes: UnsafeMutablePointer<UInt8>, entries: UnsafeMutablePointer<Entry>) {
        self.bytes = bytes
        self.entries = entries
    }

    var isFull: Bool { count == Self.capacity }

    /// Queues `token`'s term (1...`TermTable.maxTermLength` bytes) at its position and prefetches its
    /// home slot in `table`. The batch must not be full (`isFull`): its one caller on the indexing path,
    /// `IndexingSink.consume`, flushes a batch as soon as it fills, so the room is checked once per
    /// token there rather than a second time here (an `assert`, checked in debug builds and tests).
    ///
    /// A term of at most 8 bytes is its entry's `prefix` (zero-padded, little-endian) and is not copied
    /// to `bytes` (nine tokens in ten: a store and `used`'s update less per token); `TermTable.add`
    /// takes such a term's bytes from the prefix. A longer term is copied 8 bytes at a time (its first
    /// 8 bytes as the zero-padded word of its hash, the rest with loads inside the term, the last one
    /// overlapping), not by a call to `memcpy` per token.
    @inline(__always)
    mutating func append(_ token: Token, table: borrowing TermTable) {
        assert(count < Self.capacity, "append to a full batch")
        guard let base = token.term.baseAddress else { return }
        let n = token.term.count
        let (hash, prefix) = token.hasTermHash ? (token.termHash, token.termPrefix) : TermHash.of(base, n)
        trialsearch_prefetch_write(table.homeSlot(hash: hash))
        let start = used
        if n > 8 {
            let destination = UnsafeMutableRawPointer(bytes + used)
            destination.storeBytes(of: prefix.littleEndian, as: UInt64.self)
            let source = UnsafeRawPointer(base)
            var k = 8
            while k + 8 < n {
                destination.storeBytes(of: source.loadUnaligned(fromByteOffset: k, as: UInt64.self), toByteOffset: k,
                                       as: UInt64.self)
                k += 8
            }
            destination.storeBytes(of: source.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self),
                                   toByteOffset: n - 8, as: UInt64.self)
            // `used` stays below `byteCapacity` and `n` below 256: no overflow to check.
            used &+= n
        }
        entries[count] = Entry(prefix: prefix, hash: hash, position: token.position,
                               start: Int32(truncatingIfNeeded: start), length: Int32(truncatingIfNeeded: n))
        count &+= 1
    }

    mutating func removeAll() {
        count = 0
        used = 0
    }
}
