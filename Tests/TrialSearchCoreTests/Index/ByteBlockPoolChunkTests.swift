import Testing
@testable import TrialSearchCore

/// `ByteBlockPool` hands out its 32 KB blocks from 2 MB chunks (`HugePages`): streams that grow across many
/// blocks and several chunks read back exactly what was appended, and `memoryUsage` counts the blocks handed
/// out, not the chunks (the in-memory segment's flush point depends on it).
struct ByteBlockPoolChunkTests {
    @Test func streamsAcrossChunksReadBack() {
        var pool = ByteBlockPool()
        defer { pool.deallocate() }
        let streamCount = 64
        let bytesPerStream = 70_000
        let run = 1_000
        var starts = [Int32](), uptos = [Int32](), ends = [Int32](), levels = [UInt8]()
        for _ in 0..<streamCount {
            let start = pool.allocateSlice(level: 0)
            starts.append(start)
            uptos.append(start)
            ends.append(start + ByteBlockPool.size(level: 0) - 4)
            levels.append(0)
        }
        // Runs of appends to each stream in turn, as terms' streams grow side by side: slices of every level
        // in every block.
        for turn in 0..<(bytesPerStream / run) {
            for s in 0..<streamCount {
                var upto = uptos[s], end = ends[s], level = levels[s]
                for k in (turn * run)..<((turn + 1) * run) {
                    pool.append(UInt8(truncatingIfNeeded: s &* 31 &+ k &* 7), upto: &upto, end: &end, level: &level)
                }
                (uptos[s], ends[s], levels[s]) = (upto, end, level)
            }
        }
        #expect(pool.memoryUsage > 2 * HugePages.size, "the streams span more than two chunks")
        #expect(pool.memoryUsage % ByteBlockPool.blockSize == 0)
        #expect(pool.memoryUsage < streamCount * bytesPerStream * 2)
        for s in 0..<streamCount {
            var reader = SliceReader(pool: pool, start: starts[s], upto: uptos[s])
            var k = 0
            var same = true
            while !reader.atEnd {
                if reader.readByte() != UInt8(truncatingIfNeeded: s &* 31 &+ k &* 7) { same = false }
                k += 1
            }
            #expect(same && k == bytesPerStream, "stream \(s): \(k) bytes")
        }
    }

    @Test func largeAllocationsAreHugePageAligned() {
        let large = HugePages.allocate(byteCount: HugePages.size * 3)
        defer { HugePages.deallocate(large, byteCount: HugePages.size * 3) }
        #expect(Int(bitPattern: large) % HugePages.size == 0)
        large.initializeMemory(as: UInt8.self, repeating: 7, count: HugePages.size * 3)
        #expect(large.load(fromByteOffset: HugePages.size * 3 - 1, as: UInt8.self) == 7)
        let small = HugePages.allocate(byteCount: 4_096)
        defer { HugePages.deallocate(small, byteCount: 4_096) }
        #expect(Int(bitPattern: small) % 64 == 0)
    }

    /// `allocateZeroed` clears a heap block and relies on a mapping's pages being the kernel's zeroed
    /// ones: memory of both sizes, freed dirty and taken again, reads as zeros to its last byte.
    @Test func zeroedAllocationsAreZeroAfterDirtyFrees() {
        for byteCount in [4_096, 1 << 20, HugePages.size, HugePages.size * 3 + 4_096] {
            for _ in 0..<3 {
                let dirty = HugePages.allocate(byteCount: byteCount)
                dirty.initializeMemory(as: UInt8.self, repeating: 0xA5, count: byteCount)
                HugePages.deallocate(dirty, byteCount: byteCount)
                let memory = HugePages.allocateZeroed(byteCount: byteCount)
                defer { HugePages.deallocate(memory, byteCount: byteCount) }
                let words = memory.bindMemory(to: UInt64.self, capacity: byteCount / 8)
                var nonzero = 0
                for i in 0..<(byteCount / 8) where words[i] != 0 { nonzero += 1 }
                #expect(nonzero == 0, "\(byteCount) bytes: \(nonzero) nonzero words")
            }
        }
    }
}
