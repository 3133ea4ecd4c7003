import CLibDeflate
import CLibZstd
import Synchronization

/// Decompressors kept for reuse by a segment's stored records (`StoredRecords.inflate`): libdeflate's for
/// blocks of format 10 and older, zstd's (`ZSTD_DCtx`) from format 11 on.
///
/// Allocating a libdeflate decompressor (`libdeflate_alloc_decompressor`, a struct of about 10 KB with its
/// Huffman tables) cost about 19,000 instructions, once per stored record read: 0.25 % of a related
/// query on the 16x replica (callgrind, `related --ids`; BENCHMARKS.md, `rel11`); a zstd context holds
/// more (its entropy tables, and for a streaming read of a block's leading bytes a window buffer the size
/// of the block). A decompressor may serve one call at a time (a zstd context also keeps a stream's state
/// between calls), so each read takes one out of the pool (or allocates one) and gives it back;
/// concurrent reads each get their own. The pool keeps at most `capacity`; the owner frees them in `deinit`.
final class Decompressors: Sendable {
    /// The coder whose decompressors a pool holds.
    enum Coder: Sendable {
        /// libdeflate (raw DEFLATE): `libdeflate_decompressor`.
        case deflate
        /// Zstandard: `ZSTD_DCtx`.
        case zstd
    }

    /// The most decompressors kept idle.
    static let capacity = 4

    let coder: Coder
    /// The idle decompressors' addresses (an `OpaquePointer` is not `Sendable`).
    private let idle = Mutex<[UInt]>([])

    init(_ coder: Coder) { self.coder = coder }

    /// Calls `body` with a decompressor of `coder` that no other call uses meanwhile (a zstd context
    /// with its session reset: no stream in progress).
    /// - Throws: `body`'s errors; `IndexError.io` on `file` when no decompressor can be allocated.
    func with<R>(file: String, _ body: (OpaquePointer) throws -> R) throws -> R {
        let taken = idle.withLock { $0.popLast() }.flatMap { OpaquePointer(bitPattern: $0) }
        guard let decompressor = taken ?? allocate() else {
            throw IndexError.io(file: file, operation: "allocate decompressor for", message: "out of memory")
        }
        defer {
            let address = UInt(bitPattern: decompressor)
            let kept = idle.withLock { pool -> Bool in
                guard pool.count < Self.capacity else { return false }
                pool.append(address)
                return true
            }
            if !kept { free(decompressor) }
        }
        if coder == .zstd { _ = ZSTD_DCtx_reset(decompressor, ZSTD_reset_session_only) }
        return try body(decompressor)
    }

    private func allocate() -> OpaquePointer? {
        switch coder {
        case .deflate: libdeflate_alloc_decompressor()
        case .zstd: ZSTD_createDCtx()
        }
    }

    private func free(_ decompressor: OpaquePointer) {
        switch coder {
        case .deflate: libdeflate_free_decompressor(decompressor)
        case .zstd: _ = ZSTD_freeDCtx(decompressor)
        }
    }

    deinit {
        idle.withLock { pool in
            for address in pool {
                if let decompressor = OpaquePointer(bitPattern: address) { free(decompressor) }
            }
            pool.removeAll()
        }
    }
}
