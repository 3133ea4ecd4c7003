import CLibDeflate
import Synchronization

/// libdeflate decompressors kept for reuse by a segment's stored records (`StoredRecords.inflate`).
///
/// Allocating a decompressor (`libdeflate_alloc_decompressor`, a struct of about 10 KB with its
/// Huffman tables) cost about 19,000 instructions, once per stored record read: 0.25 % of a related
/// query on the 16x replica (callgrind, `related --ids`; BENCHMARKS.md, `rel11`). A decompressor holds
/// no state between calls of `libdeflate_deflate_decompress`, but it may serve one call at a time, so
/// each read takes one out of the pool (or allocates one) and gives it back; concurrent reads each get
/// their own. The pool keeps at most `capacity`; the owner frees them in `deinit`.
final class Decompressors: Sendable {
    /// The most decompressors kept idle.
    static let capacity = 4

    /// The idle decompressors' addresses (an `OpaquePointer` is not `Sendable`).
    private let idle = Mutex<[UInt]>([])

    /// Calls `body` with a decompressor that no other call uses meanwhile.
    /// - Throws: `body`'s errors; `IndexError.io` on `file` when no decompressor can be allocated.
    func with<R>(file: String, _ body: (OpaquePointer) throws -> R) throws -> R {
        let taken = idle.withLock { $0.popLast() }.flatMap { OpaquePointer(bitPattern: $0) }
        guard let decompressor = taken ?? libdeflate_alloc_decompressor() else {
            throw IndexError.io(file: file, operation: "allocate decompressor for", message: "out of memory")
        }
        defer {
            let address = UInt(bitPattern: decompressor)
            let kept = idle.withLock { pool -> Bool in
                guard pool.count < Self.capacity else { return false }
                pool.append(address)
                return true
            }
            if !kept { libdeflate_free_decompressor(decompressor) }
        }
        return try body(decompressor)
    }

    deinit {
        idle.withLock { pool in
            for address in pool { libdeflate_free_decompressor(OpaquePointer(bitPattern: address)) }
            pool.removeAll()
        }
    }
}
