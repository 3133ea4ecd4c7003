import Testing
@testable import TrialIngest

/// The word-at-a-time byte scans of ingestion agree with plain byte-by-byte definitions, at every
/// alignment and near the ends of the buffer, on a real record (NCT01101477, which has a results
/// section).
@Suite struct ByteScanTests {
    static let record = "ctgov-xml/NCT01101477.xml"

    /// `ClinicalResultsSection.range`, by the definition: the first start tag, then the first end tag
    /// after it.
    static func expectedRange(_ bytes: [UInt8]) -> Range<Int>? {
        let open = Array("<clinical_results>".utf8), close = Array("</clinical_results>".utf8)
        guard let start = naiveFind(open, in: bytes, from: 0),
              let end = naiveFind(close, in: bytes, from: start + open.count) else { return nil }
        return start..<(end + close.count)
    }

    /// The first offset ≥ `from` where `pattern` occurs, one position at a time.
    static func naiveFind(_ pattern: [UInt8], in bytes: [UInt8], from: Int) -> Int? {
        var i = from
        while i + pattern.count <= bytes.count {
            var j = 0
            while j < pattern.count, bytes[i + j] == pattern[j] { j += 1 }
            if j == pattern.count { return i }
            i += 1
        }
        return nil
    }

    static func range(_ bytes: [UInt8]) -> Range<Int>? {
        bytes.withUnsafeBytes { ClinicalResultsSection.range(in: $0) }
    }

    @Test func resultsSectionFoundAtEveryAlignmentAndNearTheEnd() throws {
        let bytes = try Fixtures.bytes(Self.record)
        let whole = try #require(Self.expectedRange(bytes))
        #expect(Self.range(bytes) == whole)
        // The start tag at each of the first 72 offsets of the buffer (every lane of either block of a
        // 32-byte step).
        for lead in 0..<72 {
            let slice = Array(bytes[(whole.lowerBound - lead)...])
            #expect(Self.range(slice) == Self.expectedRange(slice), "lead \(lead)")
            #expect(Self.range(slice)?.lowerBound == lead)
        }
        // Buffers ending inside, at and just after either tag (the scan's tail and its bounds).
        let close = whole.upperBound - "</clinical_results>".utf8.count
        for end in Array((whole.lowerBound - 2)...(whole.lowerBound + 40)) + Array((close - 2)...(whole.upperBound + 40)) {
            let slice = Array(bytes[..<min(end, bytes.count)])
            #expect(Self.range(slice) == Self.expectedRange(slice), "end \(end)")
        }
        // No section: a record without one, and the tags with a byte changed.
        let plain = try Fixtures.bytes("ctgov-xml/NCT00495404.xml")
        #expect(Self.expectedRange(plain) == nil && Self.range(plain) == nil)
        for offset in 0..<18 {
            var changed = bytes
            changed[whole.lowerBound + offset] ^= 0x01
            #expect(Self.range(changed) == Self.expectedRange(changed), "offset \(offset)")
        }
    }

    @Test func lineFeedsCountedAtEveryLength() throws {
        let bytes = try Fixtures.bytes(Self.record)
        #expect(bytes.withUnsafeBytes { SAXParser.lineFeeds(in: $0) } == bytes.filter { $0 == 0x0A }.count)
        for start in 0..<9 {
            for length in 0..<70 {
                let slice = Array(bytes[(start + 300)..<(start + 300 + length)])
                #expect(slice.withUnsafeBytes { SAXParser.lineFeeds(in: $0) } == slice.filter { $0 == 0x0A }.count)
            }
        }
        let all = [UInt8](repeating: 0x0A, count: 37)
        #expect(all.withUnsafeBytes { SAXParser.lineFeeds(in: $0) } == 37)
    }

    /// "clusion" in any case starting within the first 56 bytes, by the definition.
    static func expectedClusion(_ line: [UInt8]) -> Bool {
        let limit = min(line.count, 63)
        guard limit >= 9 else { return false }
        let word = Array("clusion".utf8)
        return (0...(limit - 7)).contains { i in (0..<7).allSatisfy { lowercased(line[i + $0]) == word[$0] } }
    }

    /// `ByteBlock.any` and `firstLane` against the lanes read one by one: no lane, each lane alone, and
    /// each lane with every later one.
    @Test func blockLaneTests() {
        let indices = SIMD16<UInt8>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        #expect(!ByteBlock.any(indices .== SIMD16<UInt8>(repeating: 16)))
        for lane in 0..<16 {
            let alone = indices .== SIMD16<UInt8>(repeating: UInt8(lane))
            #expect(ByteBlock.any(alone))
            #expect(ByteBlock.firstLane(alone) == lane)
            let onward = indices .>= SIMD16<UInt8>(repeating: UInt8(lane))
            #expect(ByteBlock.firstLane(onward) == (0..<16).first { onward[$0] })
        }
    }

    @Test func clusionFilterAtEveryOffset() throws {
        for spelling in ["clusion", "CLUSION", "cLuSiOn", "cclusion", "Clusio", "clinical clusion", "cl-clusion",
                         "clusters", "clus clusion", "cLUSion"] {
            for offset in 0..<64 {
                for tail in [0, 3, 30] {
                    let line = Array((String(repeating: "c", count: offset % 3) + String(repeating: "a", count: offset)
                        + spelling + String(repeating: "b", count: tail)).utf8)
                    let found = line.withUnsafeBufferPointer { CriteriaHeading.containsClusion($0) }
                    #expect(found == Self.expectedClusion(line), "\(spelling) at \(offset), tail \(tail)")
                }
            }
        }
        // "clusion" at every start of lines of every length around the 16-byte blocks' reach (a block's
        // four loads read 19 bytes): found only within the first 56 bytes.
        for length in 0..<84 {
            for at in 0...max(0, length - 7) where at + 7 <= length {
                for spelling in ["ClUsIoN", "clusiom", "xclus"] {
                    var line = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    for (k, byte) in spelling.utf8.enumerated() where at + k < length { line[at + k] = byte }
                    let found = line.withUnsafeBufferPointer { CriteriaHeading.containsClusion($0) }
                    #expect(found == Self.expectedClusion(line), "\(spelling) at \(at) of \(length)")
                }
            }
        }
        // Every line of a real record's XML.
        let bytes = try Fixtures.bytes(Self.record)
        for line in bytes.split(separator: 0x0A) {
            let trimmed = Array(line.drop { $0 == 0x20 })
            let found = trimmed.withUnsafeBufferPointer { CriteriaHeading.containsClusion($0) }
            #expect(found == Self.expectedClusion(trimmed))
        }
    }
}
