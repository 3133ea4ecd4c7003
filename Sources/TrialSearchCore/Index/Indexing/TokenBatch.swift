import CPrefetch

/// The tokens of one field waiting to go into the `TermTable`, up to `capacity` at a time, so that the
/// table's slots for a batch are fetched from memory together instead of one cache miss after another.
///
/// `append` copies a token's term, hashes it and prefetches its home slot in the table; `TermTable.add`
/// (batch) then finds the slots, by then in cache (most terms of a large in-memory segment are rare,
/// and a table of hundreds of MB misses the CPU's caches at nearly every new term). The buffers are
/// borrowed from the caller (stack memory of `SegmentBuilder.add`), valid for one doc.
struct TokenBatch {
    /// One pending token: where its term's bytes are in `bytes`, its hash and first 8 bytes
    /// (`TermTable.hash`), and its position.
    struct Entry {
        var prefix: UInt64
        var hash: UInt32
        var position: Int32
        var start: Int32
        var length: Int32
    }

    /// Tokens per batch: enough misses in flight to hide the memory latency.
    static let capacity = 32
    /// Bytes of `bytes`: `capacity` terms of `TermTable.maxTermLength` bytes.
    static let byteCapacity = capacity * (TermTable.maxTermLength + 1)

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

    /// Queues `term` (1...`TermTable.maxTermLength` bytes) at `position` and prefetches its home slot in
    /// `table`.
    @inline(__always)
    mutating func append(_ term: UnsafeBufferPointer<UInt8>, position: Int32, table: borrowing TermTable) {
        precondition(count < Self.capacity, "append to a full batch")
        guard let base = term.baseAddress else { return }
        let n = term.count
        let (hash, prefix) = TermTable.hash(base, n)
        trialsearch_prefetch_write(table.homeSlot(hash: hash))
        (bytes + used).update(from: base, count: n)
        entries[count] = Entry(prefix: prefix, hash: hash, position: position, start: Int32(used), length: Int32(n))
        used += n
        count += 1
    }

    mutating func removeAll() {
        count = 0
        used = 0
    }
}
