#if canImport(Glibc)
import Glibc
#endif

/// Large, long-lived tables of the indexing path (the term table's slots and its byte pool, the stem
/// cache's slots) in memory the kernel may back with transparent huge pages (2 MB).
///
/// Those tables are read and written at random places, a slot or a stream's next byte per token: with
/// 4 KB pages, a table of tens of MB misses the CPU's TLB at nearly every access, and the page walk is
/// paid on top of the cache miss (and stalls the prefetches that would hide it). An allocation of at
/// least `size` bytes is an anonymous mapping of whole huge pages, aligned to 2 MB and advised
/// `MADV_HUGEPAGE` (this machine's setting for THP is `madvise`), given back to the kernel when freed (2 MB
/// alignment through `malloc` fragmented the heap: +85 MB of peak RSS over a replica build); a smaller one
/// is an ordinary 64-byte-aligned heap block. The advice is a hint: where the kernel declines it, the
/// memory is the same, in small pages. Free with `deallocate(_:byteCount:)` and the same byte count.
enum HugePages {
    /// Bytes of a huge page (x86-64 and arm64 with 4 KB base pages).
    static let size = 2 << 20

    /// `byteCount` bytes aligned to 64 (to `size` when `byteCount >= size`: a mapping advised for huge
    /// pages, zero-filled).
    static func allocate(byteCount: Int) -> UnsafeMutableRawPointer {
        #if canImport(Glibc)
        guard byteCount >= size else { return .allocate(byteCount: byteCount, alignment: 64) }
        let length = mappedLength(byteCount)
        // One huge page more than needed, then the unaligned head and the tail past `length` unmapped.
        guard let mapped = mmap(nil, length + size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              Int(bitPattern: mapped) != -1
        else { preconditionFailure("out of memory: \(byteCount) bytes") }
        let start = Int(bitPattern: mapped)
        let head = (size - start & (size - 1)) & (size - 1)
        if head > 0 { munmap(mapped, head) }
        if size - head > 0 { munmap(mapped + head + length, size - head) }
        let memory = mapped + head
        _ = madvise(memory, length, MADV_HUGEPAGE)
        return memory
        #else
        return .allocate(byteCount: byteCount, alignment: 64)
        #endif
    }

    /// `allocate(byteCount:)` with every byte zero: a mapping is already zero-filled by the kernel, so
    /// only a heap block is cleared (a `memset` of a fresh mapping wrote each of its pages twice: the
    /// kernel's zeroing at the first touch, then the `memset`'s).
    static func allocateZeroed(byteCount: Int) -> UnsafeMutableRawPointer {
        let memory = allocate(byteCount: byteCount)
        #if canImport(Glibc)
        if byteCount >= size { return memory }
        #endif
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
        return memory
    }

    /// Frees `memory` from `allocate(byteCount:)` with the same `byteCount`.
    static func deallocate(_ memory: UnsafeMutableRawPointer, byteCount: Int) {
        #if canImport(Glibc)
        if byteCount >= size {
            munmap(memory, mappedLength(byteCount))
            return
        }
        #endif
        memory.deallocate()
    }

    /// `byteCount` rounded up to whole huge pages.
    private static func mappedLength(_ byteCount: Int) -> Int { (byteCount + size - 1) & ~(size - 1) }
}
