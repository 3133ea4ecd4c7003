#if canImport(Glibc)
import Glibc
#endif

/// Large, long-lived tables of the indexing path (the term table's slots and its byte pool, the stem
/// cache's slots) in memory the kernel may back with transparent huge pages (2 MB).
///
/// Those tables are read and written at random places, a slot or a stream's next byte per token: with
/// 4 KB pages, a table of tens of MB misses the CPU's TLB at nearly every access, and the page walk is
/// paid on top of the cache miss (and stalls the prefetches that would hide it). An allocation of at
/// least `size` bytes is aligned to 2 MB and advised `MADV_HUGEPAGE` (this machine's setting for THP is
/// `madvise`); a smaller one is an ordinary 64-byte-aligned block. Freed with `deallocate()` either way.
/// The advice is a hint: where the kernel declines it, the memory is the same, in small pages.
enum HugePages {
    /// Bytes of a huge page (x86-64 and arm64 with 4 KB base pages).
    static let size = 2 << 20

    /// `byteCount` bytes aligned to 64 (to `size` when `byteCount >= size`, advised for huge pages).
    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        guard byteCount >= size else { return .allocate(byteCount: byteCount, alignment: 64) }
        let memory = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: size)
        #if canImport(Glibc)
        _ = madvise(memory, byteCount & ~(size - 1), MADV_HUGEPAGE)
        #endif
        return memory
    }
}
